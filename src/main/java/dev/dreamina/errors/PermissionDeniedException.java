package dev.dreamina.errors;

/** HTTP 403, or {@code error_code} 403001 or 403003: for example, the request id belongs to another user. */
public class PermissionDeniedException extends ApiException {
  private static final long serialVersionUID = 1L;

  PermissionDeniedException(Builder b) {
    super(b);
  }
}
