package dev.dreamina.journal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Hashes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One paid job as a {@link SubmissionJournal} records it. It holds no secret: {@link #account()}
 * is a hash of the API token, never the token.
 *
 * @param localId the client's own id for the job, made before the submit
 * @param account the first 16 hex digits of the SHA-256 of the API token, so one journal can serve
 *     several accounts without mixing their jobs
 * @param requestId RunComfy's id, once the submit answered
 * @param state where the job stands
 * @param request what was (or was about to be) submitted
 * @param target where its video is to be downloaded, when the caller said
 * @param detail why a submit's outcome is unknown, or why the job failed
 * @param createdAt when the intent was recorded
 * @param updatedAt when the entry last changed
 * @param idempotencyKey the key the app gave the job ({@link dev.dreamina.CallOptions.Builder#idempotencyKey}),
 *     if it gave one: then {@link #localId()} is {@link #keyedLocalId(String, String)} of it, the
 *     same on every instance, so that one account's key has one entry
 */
public record JournalEntry(
    String localId,
    String account,
    Optional<String> requestId,
    State state,
    ImageToVideoRequest request,
    Optional<Path> target,
    Optional<String> detail,
    Instant createdAt,
    Instant updatedAt,
    Optional<String> idempotencyKey) {

  /** The prefix of every {@link #keyedLocalId keyed} local id. */
  private static final String KEYED = "key-";

  /**
   * An entry with no idempotency key.
   *
   * @param localId the local id
   * @param account the account hash
   * @param requestId the request id
   * @param state the state
   * @param request the request
   * @param target the download target
   * @param detail the detail
   * @param createdAt when recorded first
   * @param updatedAt when changed last
   */
  public JournalEntry(
      String localId,
      String account,
      Optional<String> requestId,
      State state,
      ImageToVideoRequest request,
      Optional<Path> target,
      Optional<String> detail,
      Instant createdAt,
      Instant updatedAt) {
    this(localId, account, requestId, state, request, target, detail, createdAt, updatedAt, Optional.empty());
  }

  /**
   * The local id of one account's job with this idempotency key: {@code key-} and 40 hex digits of
   * the SHA-256 of the account and the key. Every instance computes the same one, so that the
   * journal's unique local id (the JDBC table's primary key) makes a key's first intent the only
   * one, without another index.
   *
   * @param account the {@link #account()} hash
   * @param idempotencyKey the key
   * @return the local id
   */
  public static String keyedLocalId(String account, String idempotencyKey) {
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    return KEYED + Hashes.sha256Hex(account + "\n" + idempotencyKey, 20);
  }

  /**
   * Creates an entry.
   *
   * @param localId the local id
   * @param account the account hash
   * @param requestId the request id
   * @param state the state
   * @param request the request
   * @param target the download target
   * @param detail the detail
   * @param createdAt when recorded first
   * @param updatedAt when changed last
   * @param idempotencyKey the app's key for the job
   */
  public JournalEntry {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(detail, "detail == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(updatedAt, "updatedAt == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
  }

  /** Where a journaled job stands. */
  public enum State {
    /**
     * About to be submitted. Seen after a crash, the submit's outcome is unknown: it may have
     * created a job. Check the RunComfy dashboard before submitting again.
     */
    INTENT,
    /** Submitted: RunComfy answered with {@link #requestId()}. */
    SUBMITTED,
    /** The submit may or may not have created a job ({@link SubmissionUnknownException}). */
    UNKNOWN,
    /** The submit was refused or never sent: no job exists. Finished. */
    NOT_SUBMITTED,
    /** The job completed; its video is not downloaded yet if {@link #target()} is set. */
    COMPLETED,
    /** The job failed. Finished. */
    FAILED,
    /** The job was cancelled. Finished. */
    CANCELLED,
    /** The video is at {@link #target()}. Finished. */
    DOWNLOADED,
    /** Dismissed by the user after reconciling it by hand. Finished. */
    DISMISSED
  }

  /**
   * Whether nothing more is to be done for this job: it never existed, failed, was cancelled,
   * was downloaded or dismissed, or completed with no download asked for.
   *
   * @return {@code true} when finished
   */
  public boolean finished() {
    return switch (state) {
      case NOT_SUBMITTED, FAILED, CANCELLED, DOWNLOADED, DISMISSED -> true;
      case COMPLETED -> target.isEmpty();
      default -> false;
    };
  }

  /**
   * Whether no paid job can exist behind this entry, so that a new submit may reuse its local id
   * (a batch's rerun does): its submit was refused or never sent ({@link State#NOT_SUBMITTED}), or
   * a person closed it ({@link State#DISMISSED}). Every other entry records a job that exists or
   * may exist, and {@link SubmissionJournal#recordLeased} never replaces it.
   *
   * @return {@code true} when the local id may be submitted again
   */
  public boolean madeNoJob() {
    return state == State.NOT_SUBMITTED || state == State.DISMISSED;
  }

  /**
   * This entry with its video going to another file.
   *
   * @param target the download target
   * @return the entry, changed only in its target
   */
  public JournalEntry withTarget(Path target) {
    Objects.requireNonNull(target, "target == null");
    return new JournalEntry(
        localId, account, requestId, state, request, Optional.of(target), detail, createdAt, updatedAt, idempotencyKey);
  }

  /**
   * This entry in another state.
   *
   * @param state the new state
   * @param requestId the request id, if newly known, else {@code null} to keep the current one
   * @param detail the new detail, or {@code null} to keep the current one
   * @param now the time of the change
   * @return the changed entry
   */
  public JournalEntry with(State state, String requestId, @Nullable String detail, Instant now) {
    return new JournalEntry(
        localId,
        account,
        requestId != null ? Optional.of(requestId) : this.requestId,
        state,
        request,
        target,
        detail != null ? Optional.of(detail) : this.detail,
        createdAt,
        now,
        idempotencyKey);
  }
}
