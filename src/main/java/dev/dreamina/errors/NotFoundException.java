package dev.dreamina.errors;

/** HTTP 404, or {@code error_code} 404001: the model or request id is unknown, deleted or expired. */
public class NotFoundException extends ApiException {
  private static final long serialVersionUID = 1L;

  NotFoundException(Builder b) {
    super(b);
  }
}
