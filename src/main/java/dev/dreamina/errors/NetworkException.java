package dev.dreamina.errors;

import org.jspecify.annotations.Nullable;

/**
 * The exchange with RunComfy failed at the I/O level: no connection, a reset, or a timeout. Reads
 * and cancels are retried before this is thrown. A submit that fails this way after its body may
 * have been sent throws {@link SubmissionUnknownException} instead.
 */
public class NetworkException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param requestId the request id this concerns, or {@code null}
   * @param cause the I/O failure
   */
  public NetworkException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(message, requestId, cause);
  }
}
