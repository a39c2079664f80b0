package dev.dreamina.images;

import java.io.IOException;
import java.time.Duration;

/**
 * Somewhere to publish local images so that RunComfy can fetch them: {@link #publish} stores an
 * image under its content's name ({@link LocalImage#name()}), unless it is there already, and
 * returns an {@code https} URL that works for at least the time asked. Give one to {@link
 * dev.dreamina.DreaminaClientBuilder#imageHost}; the S3-compatible host (AWS S3, Cloudflare R2,
 * MinIO, Backblaze B2, GCS) is {@code dev.dreamina.s3.S3ImageHost}, in the {@code
 * dreamina-java-s3} artifact.
 *
 * <p>Implementations are thread-safe. They move bytes with the {@link ImageUploads} the client
 * passes, so that an app has one HTTP stack, and never put a signed URL or a credential in a
 * message or a log line.
 */
public interface ImageHost {
  /**
   * Where this host publishes, for messages: for example {@code s3://bucket/prefix}. Never a
   * credential.
   *
   * @return the location
   */
  String location();

  /**
   * Publishes an image, or finds it already published under its name.
   *
   * @param image the image, already checked by the image preflight
   * @param validFor how long the returned URL must work at least
   * @param uploads the client's HTTP
   * @return the published image
   * @throws IOException when the image could not be published; nothing is submitted then
   */
  PublishedImage publish(LocalImage image, Duration validFor, ImageUploads uploads) throws IOException;

  /**
   * Deletes a published image, when this host was told to delete images once their job ended.
   * The default deletes nothing: a bucket lifecycle rule removes old images.
   *
   * @param image what {@link #publish} returned
   * @param uploads the client's HTTP
   * @throws IOException when the host refused or could not be reached
   */
  default void remove(PublishedImage image, ImageUploads uploads) throws IOException {}

  /**
   * Whether the client should call {@link #remove} once a job it waited for has ended.
   *
   * @return {@code false} unless the host was configured to
   */
  default boolean removesWhenDone() {
    return false;
  }
}
