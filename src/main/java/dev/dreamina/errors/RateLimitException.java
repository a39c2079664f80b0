package dev.dreamina.errors;

/**
 * HTTP 429: RunComfy is rate limiting this account. The SDK retries it (a submit too, since a
 * rejected submit created no job); this is thrown when retries run out, or when the server's
 * {@code Retry-After} is longer than the configured cap.
 */
public class RateLimitException extends ApiException {
  private static final long serialVersionUID = 1L;

  RateLimitException(Builder b) {
    super(b);
  }
}
