package dev.dreamina.errors;

import org.jspecify.annotations.Nullable;

/**
 * A local image could not be published to the client's {@link dev.dreamina.images.ImageHost}: the
 * store could not be reached, refused the upload, or its answer was not understood. Nothing was
 * submitted or paid for; the call can be made again once the store is back.
 */
public class ImagePublishException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final String host;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param host the host's {@link dev.dreamina.images.ImageHost#location() location}
   * @param cause the underlying failure, or {@code null}
   */
  public ImagePublishException(String message, String host, @Nullable Throwable cause) {
    super(message, null, cause);
    this.host = host;
  }

  /**
   * Where the image was to go.
   *
   * @return the host's location, such as {@code s3://bucket/prefix}
   */
  public String host() {
    return host;
  }
}
