package dev.dreamina.errors;

import java.net.URI;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A video could not be downloaded: the server refused it (HTTP status), it is not a video, or it
 * is over the size cap. Nothing was left at the target path. I/O failures are {@link
 * NetworkException}s instead.
 */
public class DownloadException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final URI url;
  private final @Nullable Integer statusCode;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param url the URL being downloaded
   * @param statusCode the HTTP status, or {@code null} when the answer itself was 2xx
   * @param requestId the job whose video this is, or {@code null}
   */
  public DownloadException(String message, URI url, @Nullable Integer statusCode, @Nullable String requestId) {
    super(message, requestId, null);
    this.url = url;
    this.statusCode = statusCode;
  }

  /**
   * The URL being downloaded.
   *
   * @return the URL
   */
  public URI url() {
    return url;
  }

  /**
   * The HTTP status of a refused download.
   *
   * @return the status, or empty when the server answered 2xx but the body was refused
   */
  public OptionalInt statusCode() {
    return statusCode == null ? OptionalInt.empty() : OptionalInt.of(statusCode);
  }
}
