package dev.dreamina;

import java.util.Map;
import java.util.Objects;

/**
 * The cancel call's answer. Only queued jobs can be cancelled; for a running or finished job the
 * outcome is {@link CancelOutcome#NOT_CANCELLABLE}, which is a normal answer, not an error. An
 * answer without {@code outcome} gets the one its {@code status} implies (see {@link
 * CancelOutcome}).
 *
 * @param requestId the job's id
 * @param status the job's state after the call; {@link Status#UNKNOWN} when not sent
 * @param rawStatus the API's {@code status} string, or an empty string when not sent
 * @param outcome what the cancel did: the one sent, or the one the status implies
 * @param rawOutcome the API's {@code outcome} string as sent, or an empty string when not sent
 * @param additionalProperties fields of the answer this SDK does not model, and known fields it
 *     could not read, as sent
 */
public record CancelResult(
    String requestId,
    Status status,
    String rawStatus,
    CancelOutcome outcome,
    String rawOutcome,
    Map<String, Object> additionalProperties) {

  /**
   * Creates a cancel result.
   *
   * @param requestId the job's id
   * @param status the state
   * @param rawStatus the raw state string
   * @param outcome the outcome
   * @param rawOutcome the raw outcome string
   * @param additionalProperties unmodelled fields
   */
  public CancelResult {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(rawStatus, "rawStatus == null");
    Objects.requireNonNull(outcome, "outcome == null");
    Objects.requireNonNull(rawOutcome, "rawOutcome == null");
    additionalProperties = Models.copy(additionalProperties);
  }
}
