package dev.dreamina;

import java.util.Locale;

/**
 * What a cancel did. {@link #NOT_CANCELLABLE} is a normal answer, not an error.
 *
 * <p>When the answer carries no {@code outcome}, the SDK infers one from its {@code status}, as
 * RunComfy's own clients do: {@code cancelled} / {@code canceled} give {@link #CANCELLED}; {@code
 * in_progress}, {@code completed} or {@code failed} give {@link #NOT_CANCELLABLE}; anything else
 * gives {@link #UNKNOWN}.
 */
public enum CancelOutcome {
  /** The job was queued and is now cancelled; it will not be charged. */
  CANCELLED,
  /** The job was already running or finished, so it could not be cancelled; it is charged. */
  NOT_CANCELLABLE,
  /**
   * RunComfy took the cancel but has not confirmed it: the job may still run, and then it is
   * charged. Check {@link CancelResult#status()} or ask for the status again to know.
   */
  CANCELLATION_REQUESTED,
  /** A value this SDK does not know, or none it could infer; {@link CancelResult#rawOutcome()} has it. */
  UNKNOWN;

  /**
   * Maps an API value to an outcome, ignoring case; {@code canceled} counts as cancelled.
   *
   * @param value the API's {@code outcome} string
   * @return the outcome, never {@code null}
   */
  public static CancelOutcome of(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "cancelled", "canceled" -> CANCELLED;
      case "not_cancellable", "not_cancelable" -> NOT_CANCELLABLE;
      case "cancellation_requested" -> CANCELLATION_REQUESTED;
      default -> UNKNOWN;
    };
  }
}
