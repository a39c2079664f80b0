package dev.dreamina.journal;

import dev.dreamina.Budget;
import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SpendLimitException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A durable record of paid jobs, so that a crash between "submitted" and "downloaded" never
 * orphans one. Plug one into {@link dev.dreamina.DreaminaClientBuilder#journal}; the client then records an
 * intent before each submit (and refuses to submit when it cannot), the request id after it, an
 * unknown outcome, each terminal state and each download. {@link DreaminaClient#pending()} and
 * {@link DreaminaClient#resume(String)} read it back.
 *
 * <p>{@link FileSubmissionJournal} (one machine) and {@link JdbcSubmissionJournal} (a database
 * that several machines share) are the shipped implementations. Another one needs {@link #record}
 * and {@link #entries}; the keyed reads ({@link #entry}, {@link #byRequestId}, {@link
 * #unfinished}) default to scanning {@link #entries}, which a journal whose history grows should
 * answer with a keyed lookup instead. If several processes share it, it also needs {@link #claim},
 * {@link #renew}, {@link #release} and {@link #lease}, which keep two of them from working one job
 * at once ({@link DreaminaClient#recover()}), an atomic {@link #recordLeased}, and {@link
 * #recordHeld}, which writes an entry only for the holder of its lease. Implementations must be
 * thread-safe.
 *
 * <p><b>Whose clock.</b> The lease methods take the caller's {@code now} and {@code until}. A
 * journal with a clock of its own ({@link #clock()} not empty: a database that several machines
 * share) judges leases on that clock instead, as {@link JdbcSubmissionJournal} does: a lease it
 * grants lasts {@code until − now} from its own time, and has ended when its end is at or before
 * its own time, so that an instance whose clock is off can neither take a live lease nor write
 * leases that are already over for everyone else. {@link JournalLease#until()} is then on the
 * journal's clock. A journal without one (the file journal, on one machine) uses the caller's
 * times as given.
 */
public interface SubmissionJournal {
  /**
   * Stores the entry, replacing any entry with the same {@link JournalEntry#localId()}. When it
   * returns, the entry must survive a crash of this process. A {@link JournalEntry#finished()
   * finished} entry is stored with no lease, in the same change: nobody works on a finished job, so
   * its holder's last write gives the lease up (the shipped journals do; one that does not leaves
   * the lease to run out). An unfinished entry's lease is left as it is.
   *
   * <p>An entry stored as {@link JournalEntry.State#DOWNLOADED} is never written back to {@link
   * JournalEntry.State#COMPLETED}: the video is on disk, and a late write from an instance that
   * lost the job's lease (it stalled, or its clock is off) must not make the job look unfinished.
   * Such a write is dropped, with no error; the shipped journals do this in the same change.
   *
   * @param entry the entry
   * @throws JournalException when it cannot be stored
   */
  void record(JournalEntry entry);

  /**
   * Every entry stored, in the order they were first recorded. The client itself reads only
   * through the keyed methods below; this is for tools and for journals that override none of them.
   *
   * @return the entries
   * @throws JournalException when they cannot be read
   */
  List<JournalEntry> entries();

  /**
   * The entry with this local id.
   *
   * @param localId the entry's {@link JournalEntry#localId()}
   * @return the entry, or empty when there is none
   * @throws JournalException when it cannot be read
   */
  default Optional<JournalEntry> entry(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    return entries().stream().filter(e -> e.localId().equals(localId)).findFirst();
  }

  /**
   * The entry of one account's job with this request id.
   *
   * @param account the {@link JournalEntry#account()} hash
   * @param requestId RunComfy's request id
   * @return the entry, or empty when the journal has none
   * @throws JournalException when it cannot be read
   */
  default Optional<JournalEntry> byRequestId(String account, String requestId) {
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(requestId, "requestId == null");
    return entries().stream()
        .filter(e -> e.account().equals(account) && e.requestId().equals(Optional.of(requestId)))
        .findFirst();
  }

  /**
   * One account's entries that are not {@link JournalEntry#finished() finished}, oldest first:
   * what {@link DreaminaClient#pending()} lists and a recovery pass works through.
   *
   * @param account the {@link JournalEntry#account()} hash
   * @return the unfinished entries
   * @throws JournalException when they cannot be read
   */
  default List<JournalEntry> unfinished(String account) {
    Objects.requireNonNull(account, "account == null");
    return entries().stream()
        .filter(e -> e.account().equals(account) && !e.finished())
        .sorted(Comparator.comparing(JournalEntry::createdAt))
        .toList();
  }

  /**
   * The lease on an entry, as the journal holds it now, ended or not. The default, for a journal
   * that keeps no leases, has none.
   *
   * @param localId the entry's local id
   * @return the lease, or empty when nobody holds one (or there is no such entry)
   * @throws JournalException when it cannot be read
   */
  default Optional<JournalLease> lease(String localId) {
    return Optional.empty();
  }

  /**
   * Stores a new intent with {@code owner}'s lease on it until {@code until}, all or nothing: what
   * a client writes before it submits, so that the job is leased from its first moment. It
   * replaces an entry with the same local id only when no job can exist behind that entry ({@link
   * JournalEntry#madeNoJob()}) and its lease is free, ended at {@code entry.updatedAt()}, or
   * {@code owner}'s; otherwise it throws and writes nothing, so a paid job's record is never lost
   * to a second submit of the same local id.
   *
   * <p>The default checks, then records, then claims, in three steps (an entry with no job is
   * finished, and a finished entry carries no lease): enough for a journal only one process uses.
   * A shared journal must do it in one durable change, as the shipped ones do.
   *
   * <p>A journal with a clock of its own judges "free" and "ended" on it, and the lease lasts
   * {@code until − entry.updatedAt()} from its own time.
   *
   * @param entry the entry
   * @param owner who leases it
   * @param until when the lease ends, on the clock of {@code entry.updatedAt()}
   * @throws JournalException when it cannot be stored, or when the entry it would replace records
   *     a job or is leased by someone else; then nothing was written
   */
  default void recordLeased(JournalEntry entry, String owner, Instant until) {
    Optional<JournalEntry> existing = entry(entry.localId());
    if (existing.isPresent() && !existing.get().madeNoJob()) {
      throw Refusals.refused(entry, existing.get(), null);
    }
    record(entry);
    if (!claim(entry.localId(), owner, entry.updatedAt(), until)) {
      throw Refusals.refused(entry, entry, lease(entry.localId()).orElse(null));
    }
  }

  /**
   * {@link #recordLeased(JournalEntry, String, Instant)}, also charging {@code estimate} to the
   * current window of each budget, all or nothing: the ledger of a spend limit that every instance
   * sharing the journal shares ({@link dev.dreamina.DreaminaClientBuilder#spendLimit(Budget...)}).
   * The windows are the journal's clock's ({@link Budget#windowAt}); budgets that share a window
   * charge it once, against the smallest of their limits. A window's committed amount is kept in
   * one place per account and window (so that the check does not sum history), and each job's
   * charges beside it, for {@link #releaseCharges} and {@link #settleCharges}. Several instances
   * (or processes) charging one window at once never take it past its limit together.
   *
   * <p>The default, for a journal that keeps no budgets, takes none: with budgets it throws.
   *
   * @param entry the entry
   * @param owner who leases it
   * @param until when the lease ends, on the clock of {@code entry.updatedAt()}
   * @param budgets the budgets to charge; none charges nothing
   * @param estimate the job's estimate, in US dollars
   * @throws SpendLimitException when a window would pass its limit; then nothing was written
   * @throws JournalException as {@link #recordLeased(JournalEntry, String, Instant)} does
   * @throws UnsupportedOperationException when this journal keeps no budgets
   */
  default void recordLeased(JournalEntry entry, String owner, Instant until, List<Budget> budgets, BigDecimal estimate) {
    if (!budgets.isEmpty()) {
      throw new UnsupportedOperationException(
          getClass().getName() + " keeps no budgets; FileSubmissionJournal and JdbcSubmissionJournal do");
    }
    recordLeased(entry, owner, until);
  }

  /**
   * Gives back what a job's charges committed (it failed, was cancelled, or was never made), each
   * once, however many instances call this for it. Nothing when it has none.
   *
   * @param localId the job's entry
   * @throws JournalException when the journal cannot be written
   */
  default void releaseCharges(String localId) {}

  /**
   * Replaces a job's estimate with its real cost in every window it was charged to (RunComfy
   * reported the cost of the completed job); the window stays the one it was charged to. Nothing
   * when it has no charges.
   *
   * @param localId the job's entry
   * @param actual the cost, in US dollars
   * @throws JournalException when the journal cannot be written
   */
  default void settleCharges(String localId, BigDecimal actual) {}

  /**
   * What each budget's current window (on the journal's clock) has committed, for one account.
   *
   * @param account the {@link JournalEntry#account()} hash
   * @param budgets the budgets
   * @return one window per budget, in their order
   * @throws JournalException when the journal cannot be read
   * @throws UnsupportedOperationException when this journal keeps no budgets (the default)
   */
  default List<SpendWindow> spend(String account, List<Budget> budgets) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no budgets");
  }

  /**
   * Takes or renews the lease on an entry, in one atomic step: {@code owner} gets it until {@code
   * until} when nobody holds it, when its lease ended at or before {@code now}, or when {@code
   * owner} holds it already. A client takes the lease of a job before it waits for or downloads
   * it, and recovery on another instance takes a job only once its lease has run out. Leases are
   * not part of {@link JournalEntry}, and {@link #record} leaves them as they are.
   *
   * <p>A journal with a clock of its own judges "ended" on it, and the new lease lasts {@code
   * until − now} from its own time. The default, for a journal only one process uses, grants
   * every claim.
   *
   * @param localId the entry's {@link JournalEntry#localId()}
   * @param owner who takes it: a client's {@code instanceId}
   * @param now the owner's clock, to tell whether the current lease ended (unless the journal has
   *     a clock of its own)
   * @param until when the new lease ends
   * @return {@code true} when {@code owner} holds the lease now; {@code false} when someone else
   *     does, or there is no such entry, or it is {@link JournalEntry#finished() finished} (nobody
   *     works on a finished job)
   * @throws JournalException when the journal cannot be read or written
   */
  default boolean claim(String localId, String owner, Instant now, Instant until) {
    return true;
  }

  /**
   * Extends a lease that {@code owner} still holds, in one atomic step: only when the entry's
   * lease is {@code owner}'s and ends after {@code now}. Unlike {@link #claim}, it never takes a
   * lease that was {@link #release released} or that ran out, so a renewal racing a release cannot
   * bring the lease back.
   *
   * <p>A journal with a clock of its own judges "live" on it, and the extended lease lasts {@code
   * until − now} from its own time. The default, for a journal only one process uses, is {@link
   * #claim}.
   *
   * @param localId the entry's local id
   * @param owner the owner
   * @param now the owner's clock (unless the journal has a clock of its own)
   * @param until when the extended lease ends
   * @return {@code true} when extended; {@code false} when {@code owner} no longer holds a live
   *     lease on it
   * @throws JournalException when the journal cannot be read or written
   */
  default boolean renew(String localId, String owner, Instant now, Instant until) {
    return claim(localId, owner, now, until);
  }

  /**
   * Takes {@code theirs}, a lease as {@link #lease} returned it, for {@code owner}, in one atomic
   * step, whether or not it has ended: only while the entry is unfinished and its lease is still
   * {@code theirs} (its owner's, ending no later than {@code theirs.until()}), so that a lease
   * renewed or taken meanwhile is left alone. The client does this when asked to ({@code resume}
   * with take-over), and when the owner was a process on this machine that no longer runs.
   *
   * <p>The default reads the lease, then, when it is {@code theirs.owner()}'s or nobody's, claims
   * it with {@code theirs.until()} as {@code now}: two steps, enough for a journal only one process
   * uses. A shared journal does it in one, as the shipped ones do; one with a clock of its own
   * grants a new lease of {@code until − now} from its own time.
   *
   * @param localId the entry's local id
   * @param owner who takes it
   * @param theirs the lease to take, as read
   * @param now the owner's clock
   * @param until when the new lease ends
   * @return {@code true} when {@code owner} holds the lease now
   * @throws JournalException when the journal cannot be read or written
   */
  default boolean takeOver(String localId, String owner, JournalLease theirs, Instant now, Instant until) {
    Optional<JournalLease> current = lease(localId);
    return (current.isEmpty() || current.get().owner().equals(theirs.owner())) && claim(localId, owner, theirs.until(), until);
  }

  /**
   * Stores the entry as {@link #record} does, but only while {@code owner} holds its lease (taken
   * and not taken by anyone since, whether or not it has run out), in one atomic step: how a
   * client writes a job it works on, so that an instance that stalled, or whose lease another
   * instance took, cannot overwrite what the new holder wrote. Otherwise it writes nothing and
   * returns {@code false}.
   *
   * <p>The default, for a journal only one process uses, is {@link #record}, and returns {@code
   * true}.
   *
   * @param entry the entry
   * @param owner who writes it
   * @return whether it was written: {@code false} when {@code owner} does not hold the lease
   * @throws JournalException when it cannot be stored
   */
  default boolean recordHeld(JournalEntry entry, String owner) {
    record(entry);
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

  /**
   * Deletes finished entries (every account's) last changed before {@code cutoff}; never an
   * unfinished one, whatever its age. Retention: without it a shared journal grows by one row per
   * job for ever. Schedule it (the Spring Boot starter runs it with each recovery pass), with an
   * age longer than any batch you may still {@link dev.dreamina.batch.BatchOptions#resume()
   * resume}: a resumed batch that finds no entry for an item submits it again.
   *
   * <p>The default deletes nothing and returns 0.
   *
   * @param cutoff entries finished and last changed before this are deleted (journals may keep
   *     some up to a few seconds older, never delete a younger one)
   * @return how many were deleted
   * @throws JournalException when the journal cannot be written
   */
  default int deleteFinishedBefore(Instant cutoff) {
    return 0;
  }

  /**
   * The current time on the journal's own clock, for a journal that several machines share and
   * that has one (a database's); empty for a journal on this machine's clock (the file journal).
   * Such a journal judges leases on this clock (see the class comment). The client compares it with
   * its own when it opens the journal and on each recovery pass, and logs a WARNING naming both
   * when they differ by more than a quarter of its lease, since the times it writes in entries, and
   * retention's cutoff, are still on its own clock. The default is empty.
   *
   * @return the journal's time, or empty when it has no clock of its own
   * @throws JournalException when the journal cannot be read
   */
  default Optional<Instant> clock() {
    return Optional.empty();
  }

  /**
   * The settings a batch runner stored for a batch with {@link #recordBatchSettings}, as it wrote
   * them: how the batch runs, for a resumed run to take them from here (the CLI's {@code batch
   * --resume} does). The default stores none and returns empty.
   *
   * @param batchId the batch's id ({@link dev.dreamina.batch.BatchOptions#batchId()})
   * @return the settings, or empty when none were stored
   * @throws JournalException when the journal cannot be read
   */
  default Optional<String> batchSettings(String batchId) {
    Objects.requireNonNull(batchId, "batchId == null");
    return Optional.empty();
  }

  /**
   * Stores a batch's settings (opaque text to the journal, such as JSON), replacing any stored
   * before. The default stores nothing and returns {@code false}, so that a journal written by an
   * application keeps working; its batch runners then take their settings as given.
   *
   * @param batchId the batch's id
   * @param settings what to store
   * @return whether this journal stored them
   * @throws JournalException when the journal cannot be written
   */
  default boolean recordBatchSettings(String batchId, String settings) {
    Objects.requireNonNull(batchId, "batchId == null");
    Objects.requireNonNull(settings, "settings == null");
    return false;
  }
}
