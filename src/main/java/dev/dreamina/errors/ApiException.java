package dev.dreamina.errors;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * RunComfy answered with an error: a non-2xx status, or a 2xx body with a top-level
 * {@code error_code}. Subclasses name the common cases; see the README's error table.
 */
public class ApiException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /** The longest response body kept on an exception, in characters. */
  public static final int MAX_BODY_CHARS = 8 * 1024;

  private final int statusCode;
  private final Integer errorCode;
  private final String errorMessage;
  private final String body;
  private final Duration retryAfter;

  /**
   * Creates an exception from an error answer.
   *
   * @param statusCode the HTTP status code
   * @param errorCode RunComfy's numeric {@code error_code}, or {@code null}
   * @param errorMessage RunComfy's {@code error_message} or {@code message}, or {@code null}
   * @param body the response body as text (cut to {@link #MAX_BODY_CHARS}), or {@code null}
   * @param requestId the request id this concerns, or {@code null}
   * @param retryAfter the server's {@code Retry-After}, or {@code null} when it sent none
   */
  public ApiException(
      int statusCode,
      Integer errorCode,
      String errorMessage,
      String body,
      String requestId,
      Duration retryAfter) {
    super(describe(statusCode, errorCode, errorMessage, requestId), requestId, null);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.body = body == null ? "" : cut(body);
    this.retryAfter = retryAfter;
  }

  /**
   * The HTTP status code of the answer; 200 when a 2xx body carried an {@code error_code}.
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * RunComfy's numeric {@code error_code}, for example 404001.
   *
   * @return the code, or empty when the body had none
   */
  public OptionalInt errorCode() {
    return errorCode == null ? OptionalInt.empty() : OptionalInt.of(errorCode);
  }

  /**
   * RunComfy's error message ({@code error_message}, else {@code message}, else {@code detail}).
   *
   * @return the message, or empty when the body had none
   */
  public Optional<String> errorMessage() {
    return Optional.ofNullable(errorMessage);
  }

  /**
   * The response body as text, cut to {@link #MAX_BODY_CHARS} characters.
   *
   * @return the body, or an empty string when there was none
   */
  public String body() {
    return body;
  }

  /**
   * How long the server asked the client to wait, from its {@code Retry-After} header (seconds or
   * an HTTP date). Usually sent with 429 or 503.
   *
   * @return the wait, or empty when the header was absent or unreadable
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  private static String cut(String body) {
    return body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "…";
  }

  private static String describe(
      int statusCode, Integer errorCode, String errorMessage, String requestId) {
    StringBuilder sb = new StringBuilder("RunComfy answered HTTP ").append(statusCode);
    if (errorCode != null) {
      sb.append(" with error_code ").append(errorCode);
    }
    if (errorMessage != null && !errorMessage.isBlank()) {
      sb.append(": ").append(errorMessage);
    }
    if (requestId != null) {
      sb.append(" (request_id ").append(requestId).append(')');
    }
    return sb.toString();
  }
}
