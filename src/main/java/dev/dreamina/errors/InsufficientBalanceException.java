package dev.dreamina.errors;

/** HTTP 402, or {@code error_code} 400002: the account has no balance left. */
public class InsufficientBalanceException extends ApiException {
  private static final long serialVersionUID = 1L;

  InsufficientBalanceException(Builder b) {
    super(b);
  }
}
