package dev.dreamina.errors;

import java.time.Duration;

/** HTTP 402, or {@code error_code} 400002: the account has no balance left. */
public class InsufficientBalanceException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param statusCode the HTTP status code
   * @param errorCode RunComfy's {@code error_code}, or {@code null}
   * @param errorMessage RunComfy's message, or {@code null}
   * @param body the response body as text, or {@code null}
   * @param requestId the request id this concerns, or {@code null}
   * @param retryAfter the server's {@code Retry-After}, or {@code null}
   */
  public InsufficientBalanceException(
      int statusCode,
      Integer errorCode,
      String errorMessage,
      String body,
      String requestId,
      Duration retryAfter) {
    super(statusCode, errorCode, errorMessage, body, requestId, retryAfter);
  }
}
