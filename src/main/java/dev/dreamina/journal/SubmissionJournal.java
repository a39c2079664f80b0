package dev.dreamina.journal;

import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.JournalException;
import java.time.Instant;
import java.util.List;

/**
 * A durable record of paid jobs, so that a crash between "submitted" and "downloaded" never
 * orphans one. Plug one into {@link DreaminaClient.Builder#journal}; the client then records an
 * intent before each submit (and refuses to submit when it cannot), the request id after it, an
 * unknown outcome, each terminal state and each download. {@link DreaminaClient#pending()} and
 * {@link DreaminaClient#resume(String)} read it back.
 *
 * <p>{@link FileSubmissionJournal} (one machine) and {@link JdbcSubmissionJournal} (a database
 * that several machines share) are the shipped implementations. Another one needs {@link #record}
 * and {@link #entries}; if several processes share it, also {@link #claim} and {@link #release},
 * which keep two of them from working one job at once ({@link DreaminaClient#recover()}).
 * Implementations must be thread-safe.
 */
public interface SubmissionJournal {
  /**
   * Stores the entry, replacing any entry with the same {@link JournalEntry#localId()}. When it
   * returns, the entry must survive a crash of this process.
   *
   * @param entry the entry
   * @throws JournalException when it cannot be stored
   */
  void record(JournalEntry entry);

  /**
   * Every entry stored, in the order they were first recorded.
   *
   * @return the entries
   * @throws JournalException when they cannot be read
   */
  List<JournalEntry> entries();

  /**
   * Stores the entry, as {@link #record} does, with {@code owner}'s lease on it until {@code
   * until}: what a client writes before it submits, so that the job is leased from its first
   * moment. Where the journal can, it is one durable change; the default records, then claims.
   *
   * @param entry the entry
   * @param owner who leases it
   * @param until when the lease ends
   * @throws JournalException when it cannot be stored, or someone else holds the entry's lease
   */
  default void recordLeased(JournalEntry entry, String owner, Instant until) {
    record(entry);
    if (!claim(entry.localId(), owner, entry.updatedAt(), until)) {
      throw new JournalException(
          "Entry " + entry.localId() + " is leased by another owner", entry.requestId().orElse(null), null);
    }
  }

  /**
   * Takes or renews the lease on an entry, in one atomic step: {@code owner} gets it until {@code
   * until} when nobody holds it, when its lease ended at or before {@code now}, or when {@code
   * owner} holds it already. A client leases the jobs it is submitting, waiting for or
   * downloading, and renews the leases while it works; recovery on another instance takes a job
   * only once its lease has run out. Leases are not part of {@link JournalEntry}, and {@link
   * #record} leaves them as they are.
   *
   * <p>The default, for a journal only one process uses, grants every claim.
   *
   * @param localId the entry's {@link JournalEntry#localId()}
   * @param owner who takes it: a client's {@code instanceId}
   * @param now the owner's clock, to tell whether the current lease ended
   * @param until when the new lease ends
   * @return {@code true} when {@code owner} holds the lease now; {@code false} when someone else
   *     does, or there is no such entry
   * @throws JournalException when the journal cannot be read or written
   */
  default boolean claim(String localId, String owner, Instant now, Instant until) {
    return true;
  }

  /**
   * Gives up {@code owner}'s lease on an entry, so another instance may take it at once. Does
   * nothing when {@code owner} does not hold it.
   *
   * @param localId the entry's local id
   * @param owner the owner
   * @throws JournalException when the journal cannot be written
   */
  default void release(String localId, String owner) {}
}
