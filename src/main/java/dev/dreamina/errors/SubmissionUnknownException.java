package dev.dreamina.errors;

/**
 * A submit whose outcome is unknown: the body may have reached RunComfy and created a paid job, but
 * no readable answer came back (an I/O failure after sending, a 408 or 5xx, an unreadable 2xx). The
 * SDK never retries such a submit. Do not resubmit blindly: check the account's requests first.
 * {@link #getCause()} tells what happened.
 */
public class SubmissionUnknownException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param cause what made the outcome unknown
   */
  public SubmissionUnknownException(Throwable cause) {
    super(
        "The submit may have reached RunComfy and created a paid job, but its outcome is unknown ("
            + cause.getMessage()
            + "). It was not retried. Check your RunComfy requests before you submit again.",
        null,
        cause);
  }
}
