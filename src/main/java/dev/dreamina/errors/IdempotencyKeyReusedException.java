package dev.dreamina.errors;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A submit carried an idempotency key that this account used before with another request (its
 * prompt, image, frames or seed differ): refused before anything was submitted, as payment APIs refuse
 * a key reused with other parameters. A key names one job; give a new request a new key. {@link
 * #requestId()} is the key's job, when its submit was answered.
 */
public class IdempotencyKeyReusedException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final String idempotencyKey;
  private final String localId;

  /**
   * Creates the exception.
   *
   * @param idempotencyKey the key
   * @param localId the key's journal entry
   * @param requestId the key's job, or {@code null} when not known yet
   * @param differences what differs, for example {@code "prompt, seed"}
   */
  public IdempotencyKeyReusedException(
      String idempotencyKey, String localId, @Nullable String requestId, String differences) {
    super(
        "Idempotency key \"" + idempotencyKey + "\" was first used with another request ("
            + differences + " differ" + (requestId == null ? "" : "; its job is request " + requestId)
            + "). Nothing was submitted. A key names one job: give a new request a new key.",
        requestId,
        null);
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    this.localId = Objects.requireNonNull(localId, "localId == null");
  }

  /**
   * The key.
   *
   * @return the key
   */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * The journal entry of the key's job.
   *
   * @return its local id
   */
  public String localId() {
    return localId;
  }
}
