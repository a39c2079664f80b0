package dev.dreamina;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The state of a job, from the status call.
 *
 * @param requestId the job's id
 * @param status the state; {@link Status#UNKNOWN} for a value this SDK does not know
 * @param rawStatus the API's {@code status} string as sent
 * @param queuePosition the place in the queue, sent while {@link Status#IN_QUEUE}; a
 *     whole-number float ({@code 2.0}) or a numeric string counts, any other value is left out
 * @param statusUrl the URL of the status call, when sent
 * @param resultUrl the URL of the result call, when sent
 * @param additionalProperties fields of the answer this SDK does not model, and known fields it
 *     could not read, as sent
 */
public record RequestStatus(
    String requestId,
    Status status,
    String rawStatus,
    OptionalInt queuePosition,
    Optional<URI> statusUrl,
    Optional<URI> resultUrl,
    Map<String, Object> additionalProperties) {

  /**
   * Creates a status.
   *
   * @param requestId the job's id
   * @param status the state
   * @param rawStatus the raw state string
   * @param queuePosition the queue position
   * @param statusUrl the status URL
   * @param resultUrl the result URL
   * @param additionalProperties unmodelled fields
   */
  public RequestStatus {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(rawStatus, "rawStatus == null");
    Objects.requireNonNull(queuePosition, "queuePosition == null");
    Objects.requireNonNull(statusUrl, "statusUrl == null");
    Objects.requireNonNull(resultUrl, "resultUrl == null");
    additionalProperties = Models.copy(additionalProperties);
  }

  /**
   * A short description for progress lines, such as {@code in_queue (position 3)}.
   *
   * @return the raw status, with the queue position when there is one
   */
  public String describe() {
    return queuePosition.isPresent()
        ? rawStatus + " (position " + queuePosition.getAsInt() + ")"
        : rawStatus;
  }
}
