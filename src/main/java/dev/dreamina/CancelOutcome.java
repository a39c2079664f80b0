package dev.dreamina;

import java.util.Locale;

/** What a cancel did. {@link #NOT_CANCELLABLE} is a normal answer, not an error. */
public enum CancelOutcome {
  /** The job was queued and is now cancelled; it will not be charged. */
  CANCELLED,
  /** The job was already running or finished, so it could not be cancelled. */
  NOT_CANCELLABLE,
  /** A value this SDK does not know; {@link CancelResult#rawOutcome()} has it. */
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
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "cancelled":
      case "canceled":
        return CANCELLED;
      case "not_cancellable":
      case "not_cancelable":
        return NOT_CANCELLABLE;
      default:
        return UNKNOWN;
    }
  }
}
