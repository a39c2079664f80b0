package dev.dreamina.errors;

import dev.dreamina.DreaminaClient;
import dev.dreamina.internal.SignedUrls;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Root of every exception this SDK throws. All of them are unchecked.
 *
 * <p>Where the failure concerns a job RunComfy already accepted, {@link #requestId()} gives its id,
 * so the caller can resume with {@link DreaminaClient#awaitResult(String)} instead of paying twice.
 * No message of this SDK ever contains the API token, nor the signature or credential of a
 * pre-signed URL (their values read {@code REDACTED}).
 */
public class DreaminaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String requestId;

  /**
   * Creates an exception.
   *
   * @param message what went wrong, in words a user can act on
   * @param requestId the RunComfy request id this concerns, or {@code null} when there is none
   * @param cause the underlying failure, or {@code null}
   */
  public DreaminaException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(SignedUrls.redact(message), cause);
    this.requestId = requestId;
  }

  /**
   * The RunComfy request id this failure concerns, when one is known.
   *
   * @return the request id, or empty when the failure happened before a job existed
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
