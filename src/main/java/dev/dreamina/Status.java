package dev.dreamina;

import java.util.Locale;

/**
 * The state of a RunComfy job. The set is open: a value this SDK does not know maps to
 * {@link #UNKNOWN}, and the models keep the raw string next to it, so a new server state never
 * breaks parsing.
 *
 * <p>Besides the documented words, {@link #of} reads the spellings RunComfy's own clients accept:
 * {@code succeeded}, {@code canceled}, and the "not finished yet" words {@code pending}, {@code
 * waiting} (queued) and {@code starting}, {@code processing} (running), grouped as RunComfy's
 * ComfyUI partner nodes group them for their progress messages.
 */
public enum Status {
  /**
   * Waiting in the queue; {@link RequestStatus#queuePosition()} says where. Also what {@code
   * pending} and {@code waiting} map to.
   */
  IN_QUEUE,
  /** Running. It can no longer be cancelled. Also what {@code starting} and {@code processing} map to. */
  IN_PROGRESS,
  /** Finished with output. Also what {@code succeeded} maps to. */
  COMPLETED,
  /** Cancelled before it ran. Also what {@code canceled} maps to. */
  CANCELLED,
  /** Finished without output; the result's {@code error} says why. */
  FAILED,
  /** A value this SDK does not know. Awaiting keeps polling through it. */
  UNKNOWN;

  /**
   * Maps an API value to a status, ignoring case and surrounding spaces. Unknown values and {@code
   * null} give {@link #UNKNOWN}.
   *
   * @param value the API's {@code status} string
   * @return the status, never {@code null}
   */
  public static Status of(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "in_queue", "pending", "waiting" -> IN_QUEUE;
      case "in_progress", "starting", "processing" -> IN_PROGRESS;
      case "completed", "succeeded" -> COMPLETED;
      case "cancelled", "canceled" -> CANCELLED;
      case "failed" -> FAILED;
      default -> UNKNOWN;
    };
  }

  /**
   * Whether the job will not change state again: {@link #COMPLETED}, {@link #CANCELLED} or
   * {@link #FAILED}.
   *
   * @return {@code true} for a final state
   */
  public boolean isTerminal() {
    return this == COMPLETED || this == CANCELLED || this == FAILED;
  }
}
