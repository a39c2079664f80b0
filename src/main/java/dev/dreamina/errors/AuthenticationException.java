package dev.dreamina.errors;

/** HTTP 401, or {@code error_code} 401001 or 400004: the token is missing, wrong, expired or revoked, or the account is inactive. */
public class AuthenticationException extends ApiException {
  private static final long serialVersionUID = 1L;

  AuthenticationException(Builder b) {
    super(b);
  }
}
