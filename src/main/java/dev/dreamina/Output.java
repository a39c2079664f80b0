package dev.dreamina;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code output} object of a result, with all four fields of the page's output schema. For this
 * model the video is in {@code video}, or is the single item of {@code videos}.
 *
 * <p>Read tolerantly, so that a paid video is never lost to a field the SDK does not need: a URL
 * that {@link URI} rejects (a space, a {@code |} in a pre-signed query) is percent-encoded the way
 * a browser would; a field of an unexpected shape ({@code "images": [{"url": ...}]}, {@code
 * "image": 0}) is left out here and kept, as sent, in {@link #additionalProperties()}.
 *
 * @param image the {@code image} URL, when sent as a URL string
 * @param video the {@code video} URL, when sent as a URL string
 * @param images the {@code images} URLs, when sent as a list of URL strings; else empty
 * @param videos the {@code videos} URLs, when sent as a list of URL strings; else empty
 * @param rawVideoUrl the string {@link #videoUrl()} was read from, exactly as sent (before any
 *     percent-encoding)
 * @param additionalProperties fields this SDK does not model, and known fields it could not read
 */
public record Output(
    Optional<URI> image,
    Optional<URI> video,
    List<URI> images,
    List<URI> videos,
    Optional<String> rawVideoUrl,
    Map<String, Object> additionalProperties) {

  /**
   * Creates an output.
   *
   * @param image the image URL
   * @param video the video URL
   * @param images the image URLs
   * @param videos the video URLs
   * @param rawVideoUrl the video URL as sent
   * @param additionalProperties unmodelled or unreadable fields
   */
  public Output {
    Objects.requireNonNull(image, "image == null");
    Objects.requireNonNull(video, "video == null");
    images = List.copyOf(images);
    videos = List.copyOf(videos);
    Objects.requireNonNull(rawVideoUrl, "rawVideoUrl == null");
    additionalProperties = Models.copy(additionalProperties);
  }

  /**
   * The generated video: {@code video}, else the single item of {@code videos}.
   *
   * @return the URL, or empty when neither holds exactly one video
   */
  public Optional<URI> videoUrl() {
    if (video.isPresent()) {
      return video;
    }
    return videos.size() == 1 ? Optional.of(videos.get(0)) : Optional.empty();
  }
}
