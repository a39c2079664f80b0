package dev.dreamina.errors;

import java.time.Duration;

/**
 * HTTP 429: RunComfy is rate limiting this account. The SDK retries it (a submit too, since a
 * rejected submit created no job); this is thrown when retries run out, or when the server's
 * {@code Retry-After} is longer than the configured cap.
 */
public class RateLimitException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param statusCode the HTTP status code (429)
   * @param errorCode RunComfy's {@code error_code}, or {@code null}
   * @param errorMessage RunComfy's message, or {@code null}
   * @param body the response body as text, or {@code null}
   * @param requestId the request id this concerns, or {@code null}
   * @param retryAfter the server's {@code Retry-After}, or {@code null} when it sent none
   */
  public RateLimitException(
      int statusCode,
      Integer errorCode,
      String errorMessage,
      String body,
      String requestId,
      Duration retryAfter) {
    super(statusCode, errorCode, errorMessage, body, requestId, retryAfter);
  }

}
