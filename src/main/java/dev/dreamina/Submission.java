package dev.dreamina;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * RunComfy's answer to a submit: the job exists and will be charged. Keep {@link #requestId()}; it
 * is what status, result, cancel and awaiting take.
 *
 * @param requestId the job's id
 * @param statusUrl the URL of the status call, when sent
 * @param resultUrl the URL of the result call, when sent
 * @param cancelUrl the URL of the cancel call, when sent
 * @param additionalProperties fields of the answer this SDK does not model, and known fields it
 *     could not read, kept as plain Java values (maps, lists, strings, numbers, booleans, {@code
 *     null})
 */
public record Submission(
    String requestId,
    Optional<URI> statusUrl,
    Optional<URI> resultUrl,
    Optional<URI> cancelUrl,
    Map<String, Object> additionalProperties) {

  /**
   * Creates a submission.
   *
   * @param requestId the job's id
   * @param statusUrl the status URL
   * @param resultUrl the result URL
   * @param cancelUrl the cancel URL
   * @param additionalProperties unmodelled fields
   */
  public Submission {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(statusUrl, "statusUrl == null");
    Objects.requireNonNull(resultUrl, "resultUrl == null");
    Objects.requireNonNull(cancelUrl, "cancelUrl == null");
    additionalProperties = Models.copy(additionalProperties);
  }
}
