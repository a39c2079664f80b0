package dev.dreamina;

import dev.dreamina.errors.InvalidResponseException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result call's answer. While the job is unfinished it carries only the current status.
 *
 * @param requestId the job's id
 * @param status the state; {@link Status#UNKNOWN} for a value this SDK does not know
 * @param rawStatus the API's {@code status} string as sent
 * @param output the outputs, once {@link Status#COMPLETED}; an {@code output} that is not a JSON
 *     object counts as absent and is kept in {@code additionalProperties}
 * @param error why the job failed, when it did: the server's string, or its error object as JSON
 * @param createdAt when the job was created, when sent as ISO-8601 or epoch seconds
 * @param finishedAt when the job finished, when sent as ISO-8601 or epoch seconds
 * @param modelId the model that ran, when sent; always this SDK's model, since a result for
 *     another model is refused with {@link InvalidResponseException}
 * @param cost what the job cost in US dollars, when sent: the client asks for it with {@code
 *     include_cost=true}; a value that is not a number of zero or more is left out
 * @param additionalProperties fields of the answer this SDK does not model, and known fields it
 *     could not read, as sent
 */
public record RequestResult(
    String requestId,
    Status status,
    String rawStatus,
    Optional<Output> output,
    Optional<String> error,
    Optional<Instant> createdAt,
    Optional<Instant> finishedAt,
    Optional<String> modelId,
    Optional<BigDecimal> cost,
    Map<String, Object> additionalProperties) {

  /**
   * Creates a result.
   *
   * @param requestId the job's id
   * @param status the state
   * @param rawStatus the raw state string
   * @param output the outputs
   * @param error the failure reason
   * @param createdAt the creation time
   * @param finishedAt the finish time
   * @param modelId the model id
   * @param cost the cost
   * @param additionalProperties unmodelled fields
   */
  public RequestResult {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(rawStatus, "rawStatus == null");
    Objects.requireNonNull(output, "output == null");
    Objects.requireNonNull(error, "error == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(finishedAt, "finishedAt == null");
    Objects.requireNonNull(modelId, "modelId == null");
    Objects.requireNonNull(cost, "cost == null");
    additionalProperties = Models.copy(additionalProperties);
  }

  /**
   * The generated video: {@code output.video}, else the single item of {@code output.videos}.
   *
   * @return the URL, or empty when the job has no video (yet)
   */
  public Optional<URI> videoUrl() {
    return output.flatMap(Output::videoUrl);
  }

  /**
   * The video URL exactly as RunComfy sent it, before the SDK percent-encoded any character that
   * {@link URI} does not accept (see {@link Output}).
   *
   * @return the string, or empty when the job has no video (yet)
   */
  public Optional<String> rawVideoUrl() {
    return output.flatMap(Output::rawVideoUrl);
  }
}
