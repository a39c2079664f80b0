package dev.dreamina.errors;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A submit whose outcome is unknown: the body may have reached RunComfy and created a paid job, but
 * no readable answer came back (an I/O failure after sending, a 408 or 5xx, an unreadable 2xx). The
 * SDK never retries such a submit. Do not resubmit blindly: check the account's requests first.
 * {@link #getCause()} tells what happened.
 */
public class SubmissionUnknownException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String idempotencyKey;
  private final @Nullable String localId;

  /**
   * A submit with an idempotency key whose first submit's outcome is unknown: it is not sent
   * again, and nothing was sent now.
   *
   * @param idempotencyKey the key
   * @param localId the key's journal entry
   * @param why what is known of the first submit
   */
  public SubmissionUnknownException(String idempotencyKey, String localId, String why) {
    super(
        "The first submit with idempotency key \"" + idempotencyKey + "\" may have created a paid job, but its outcome"
            + " is unknown (" + why + "). Nothing was submitted now, and it is never submitted again by itself. Check your"
            + " RunComfy requests; if there is no such job, dismiss journal entry " + localId
            + " (DreaminaClient.dismiss) to submit the key again.",
        null,
        null);
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    this.localId = Objects.requireNonNull(localId, "localId == null");
  }

  /**
   * Creates the exception.
   *
   * @param cause what made the outcome unknown
   */
  public SubmissionUnknownException(Throwable cause) {
    super(
        "The submit may have reached RunComfy and created a paid job, but its outcome is unknown ("
            + cause.getMessage()
            + "). It was not retried. Check your RunComfy requests before you submit again.",
        null,
        cause);
    this.idempotencyKey = null;
    this.localId = null;
  }

  /**
   * The idempotency key whose first submit this is about, when the call carried one.
   *
   * @return the key, or empty
   */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /**
   * The journal entry of that first submit, when the call carried a key: {@code dismiss} it once
   * you know no job was made.
   *
   * @return its local id, or empty
   */
  public Optional<String> localId() {
    return Optional.ofNullable(localId);
  }
}
