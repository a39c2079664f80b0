package dev.dreamina.errors;

import org.jspecify.annotations.Nullable;

/**
 * The calling thread was interrupted while the SDK waited (for a poll, a retry backoff or an HTTP
 * exchange). The thread's interrupt flag is set again before this is thrown. When a job exists,
 * {@link #requestId()} gives its id, so the wait can be resumed later.
 */
public class CallInterruptedException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was interrupted
   * @param requestId the request id this concerns, or {@code null}
   * @param cause the interruption, or {@code null}
   */
  public CallInterruptedException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(message, requestId, cause);
  }
}
