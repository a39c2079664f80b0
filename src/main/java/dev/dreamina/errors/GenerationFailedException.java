package dev.dreamina.errors;

import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An awaited job ended {@link Status#FAILED} or {@link Status#CANCELLED}. It carries the request id,
 * the final status and the server's {@code error}, when it sent one.
 */
public class GenerationFailedException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final Status status;
  private final @Nullable String error;
  private final transient @Nullable RequestResult result;

  /**
   * Creates the exception.
   *
   * @param requestId the job's id
   * @param status the final status
   * @param error the server's error, or {@code null}
   * @param result the final result, or {@code null} when it could not be fetched
   */
  public GenerationFailedException(
      String requestId, Status status, @Nullable String error, @Nullable RequestResult result) {
    super(
        "Request "
            + requestId
            + " ended "
            + status.name().toLowerCase(java.util.Locale.ROOT)
            + (error == null ? "" : ": " + error),
        requestId,
        null);
    this.status = status;
    this.error = error;
    this.result = result;
  }

  /**
   * The final status: {@link Status#FAILED} or {@link Status#CANCELLED}.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * The server's {@code error}: its string, or its error object as JSON.
   *
   * @return the error, or empty when the server sent none
   */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /**
   * The job's final result, as fetched from the result call.
   *
   * @return the result, or empty when it could not be fetched
   */
  public Optional<RequestResult> result() {
    return Optional.ofNullable(result);
  }
}
