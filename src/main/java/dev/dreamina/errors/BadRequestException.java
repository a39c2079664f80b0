package dev.dreamina.errors;

/** HTTP 400 or 422, or {@code error_code} 400001 or 422001: RunComfy rejected the request. For 422, {@link #errorMessage()} summarises {@code detail}. */
public class BadRequestException extends ApiException {
  private static final long serialVersionUID = 1L;

  BadRequestException(Builder b) {
    super(b);
  }
}
