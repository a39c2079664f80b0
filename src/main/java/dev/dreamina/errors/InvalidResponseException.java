package dev.dreamina.errors;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import org.jspecify.annotations.Nullable;

/**
 * RunComfy answered 2xx, but the answer cannot be used: not JSON, not an object, a field the SDK
 * must have missing ({@code status}; {@code request_id} on a submit), an answer about another
 * request id, a result of another model's job, or a body over the size cap. A completed job
 * without a video URL, returned from {@link DreaminaClient#generate(ImageToVideoRequest)}, is
 * reported this way too. Other fields the SDK cannot read never cause it: they are kept in the
 * model's {@code additionalProperties()}.
 */
public class InvalidResponseException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the answer
   * @param requestId the request id this concerns, or {@code null}
   * @param cause the parse failure, or {@code null}
   */
  public InvalidResponseException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(message, requestId, cause);
  }
}
