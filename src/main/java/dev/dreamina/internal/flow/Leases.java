package dev.dreamina.internal.flow;

import dev.dreamina.Budget;
import dev.dreamina.internal.LeaseOwners;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.SubmissionJournal;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The journal leases a client holds, and the jobs they hold: taking one (with the intent, before a
 * wait, in recovery), renewing them on a schedule, giving them up, and what {@link #close()} gives
 * up. {@link JournalRecorder} decides what is written to the journal and when; this class, who
 * may write it.
 *
 * <p>The client holds a {@link Job} from the moment it takes the lease until it lets go: the job
 * carries its entry, so no step reads the journal again to find it. While it holds a job it renews
 * its lease every third of the lease time, on the client's time source, with {@link
 * SubmissionJournal#renew} (which never takes back a released lease), and writes its entry only as
 * its holder ({@link SubmissionJournal#recordHeld}). It counts its own lease as lasting one lease
 * time from just before the statement that took or renewed it, on the monotonic clock: never
 * longer than the journal does, whichever clock the journal judges on. A plain submit keeps its
 * lease for one lease time, unrenewed; a closed client gives up the leases it holds, plain
 * submits' included. A lease whose owner was a process on this machine that no longer runs is
 * taken at once ({@link LeaseOwners}); any other is waited out.
 */
public final class Leases {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final SubmissionJournal journal;
  private final TimeSource time;
  private final String owner;
  private final Duration lease;
  private final Executor blockingExecutor;
  /** Writes an entry after the submit, as its holder or not, logging a failure. */
  private final Writer writer;

  /** How an entry is written after the submit (retrying, and logging a failure). */
  @FunctionalInterface
  interface Writer {
    /**
     * @param holder the lease holder the write is for ({@link SubmissionJournal#recordHeld}), or
     *     {@code null} to write whoever holds it
     */
    Written write(JournalEntry entry, String holder);
  }

  /** What writing an entry came to. */
  enum Written {
    DONE,
    /** Not written: this client no longer holds the lease. */
    NOT_HOLDER,
    /** Not written: the journal could not be reached (logged). */
    FAILED
  }

  /**
   * The jobs this client works on, by local id: those whose leases it holds and renews, and those
   * whose lease it lost while their flow goes on (their flow writes nothing and downloads nothing,
   * unless the lease is taken back).
   */
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  /** The same jobs, by request id once it is known (and a job whose lease was lost, until its flow ends). */
  private final Map<String, Job> jobsByRequestId = new ConcurrentHashMap<>();

  /** Leases left to run out that may not have yet, in the order they were left ({@link #unrenewed(Job)}). */
  private final Queue<Unrenewed> unrenewed = new ConcurrentLinkedQueue<>();

  /** Local ids this client is claiming right now: no two of its flows claim one job at once. */
  private final Set<String> claiming = ConcurrentHashMap.newKeySet();

  private final ReentrantLock renewalLock = new ReentrantLock();
  private Future<?> renewal; // guarded by renewalLock
  private boolean closed; // guarded by renewalLock

  Leases(
      SubmissionJournal journal, TimeSource time, String owner, Duration lease, Executor blockingExecutor, Writer writer) {
    this.journal = journal;
    this.time = time;
    this.owner = owner;
    this.lease = lease;
    this.blockingExecutor = blockingExecutor;
    this.writer = writer;
  }

  /** A journaled job whose lease this client holds: its entry as last written. */
  public final class Job {
    private volatile JournalEntry entry;
    volatile boolean lost;
    /** Its last state is not written yet: the renewals keep its lease and write it again. */
    private volatile boolean unsaved;
    /** Held while its lease is renewed or let go: no renewal runs once the job is let go. */
    private final ReentrantLock lock = new ReentrantLock();
    /** What its intent charged to the budgets' windows, when this client wrote it with budgets; else {@code null}. */
    volatile BigDecimal charged;
    /**
     * When its lease ends ({@link TimeSource#nanoTime()}): one lease time from just before the
     * statement that last took or renewed it.
     */
    private volatile long leaseEnd;

    Job(JournalEntry entry) {
      this.entry = entry;
    }

    public JournalEntry entry() {
      return entry;
    }

    /** Whether this client still holds the job: it was neither let go nor lost. */
    public boolean held() {
      return !lost && jobs.get(entry.localId()) == this;
    }

    /**
     * Writes the entry in another state, as the holder of its lease; after the submit, a failed
     * write is logged, not thrown. When another instance holds the lease now, nothing is written
     * and the job is lost (a WARNING says so).
     */
    Written update(State state, String requestId, String detail) {
      entry = entry.with(state, requestId, detail, time.now());
      return heldWrite();
    }

    /** Names the file its video goes to, in the entry written next. */
    void target(Path target) {
      entry = entry.withTarget(target);
    }

    /** Writes the submit's outcome whoever holds the lease now: the submitting client knows it best. */
    void settle(State state, String requestId, String detail) {
      entry = entry.with(state, requestId, detail, time.now());
      writer.write(entry, null);
    }

    private Written heldWrite() {
      Written written = writer.write(entry, owner);
      if (written == Written.NOT_HOLDER) {
        lost = true;
        LOG.log(
            Level.WARNING,
            "Did not record " + entry.state() + " for request " + entry.requestId().orElse("(not submitted yet)")
                + " (journal entry " + entry.localId() + "): another instance took its lease, and works the job now");
      }
      return written;
    }

    /**
     * Writes the job's last state, which gives its lease up too. When the journal cannot take it,
     * the job stays held: the renewals keep its lease and write the state again until it is
     * recorded, so that no other instance works a job this one has finished.
     */
    void finish(State state, String detail) {
      if (update(state, null, detail) == Written.FAILED) {
        unsaved = true;
      } else {
        forget(this);
      }
    }
  }

  /**
   * Compares the journal's clock ({@link SubmissionJournal#clock()}) with this client's, and logs
   * a WARNING naming both when they differ by more than a quarter of the lease: a journal with a
   * clock judges leases on it, but the times this client writes into entries are on its own.
   * Blocking: one statement; nothing for a journal without a clock of its own. A journal that
   * cannot be read is left to the step that needs it, which says so.
   */
  void checkClock() {
    long start = time.nanoTime();
    Instant mine = time.now();
    Optional<Instant> theirs;
    try {
      theirs = journal.clock();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "Could not read the journal's clock: " + e.getMessage());
      return;
    }
    if (theirs.isEmpty()) {
      return;
    }
    mine = mine.plusNanos((time.nanoTime() - start) / 2); // this client's time when the journal read its own, about
    Duration apart = Duration.between(mine, theirs.get()).abs();
    if (apart.compareTo(lease.dividedBy(4)) > 0) {
      LOG.log(
          Level.WARNING,
          "The journal's clock reads " + theirs.get() + " and this instance's " + mine + ": " + apart.toSeconds()
              + " s apart, more than a quarter of the " + lease.toSeconds() + " s journal lease. Leases are judged on"
              + " the journal's clock, but the times this instance writes into entries, and its retention's cutoff,"
              + " are on its own, so they are off by as much. Set this machine's clock right (NTP).");
    }
  }

  // ---- taking -------------------------------------------------------------------------------------

  /**
   * Stores a new intent with this client's lease on it, all or nothing ({@link
   * SubmissionJournal#recordLeased}), and holds its job.
   *
   * @throws RuntimeException from the journal, when it cannot be written
   */
  Job recordLeased(JournalEntry entry) {
    long start = time.nanoTime();
    journal.recordLeased(entry, owner, entry.updatedAt().plus(lease));
    return hold(entry, start);
  }

  /** {@link #recordLeased(JournalEntry)}, charging {@code estimate} to the budgets' windows in the same write. */
  Job recordLeased(JournalEntry entry, List<Budget> budgets, BigDecimal estimate) {
    long start = time.nanoTime();
    journal.recordLeased(entry, owner, entry.updatedAt().plus(lease), budgets, estimate);
    Job job = hold(entry, start);
    job.charged = estimate;
    return job;
  }

  /** The job this client works on with this request id, or {@code null} (no I/O). */
  Job forRequest(String requestId) {
    return jobsByRequestId.get(requestId);
  }

  /** Finds the job by its request id from now on (a lost job too, so that its flow sees the loss). */
  void watch(String requestId, Job job) {
    jobsByRequestId.put(requestId, job);
  }

  /**
   * What claiming an entry for this client came to.
   *
   * @param kind what happened
   * @param job the job this client now holds, when {@link Kind#TAKEN}
   * @param entry the entry as read under the lease, when {@link Kind#TAKEN} or {@link Kind#FINISHED}
   * @param lease who holds it, when {@link Kind#HELD_ELSEWHERE} (empty if they let go meanwhile)
   */
  public record Claim(Kind kind, Optional<Job> job, Optional<JournalEntry> entry, Optional<JournalLease> lease) {
    /** What happened. */
    public enum Kind {
      /** This client took the lease, and holds the job until it lets go. */
      TAKEN,
      /** This client already works on the job: another of its flows holds it. */
      HELD_HERE,
      /** Another instance holds the lease. */
      HELD_ELSEWHERE,
      /** Finished (or gone) by the time its lease was taken: the lease was given back. */
      FINISHED
    }

    private static Claim of(Kind kind) {
      return new Claim(kind, Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * Takes an entry's lease for this client (recovery, a resumed batch, a wait), exclusively within
   * this client too: two of its flows never hold one job, although the journal grants a claim to
   * an owner that holds the lease already. The entry is read again under the lease, since another
   * instance may have finished it since it was listed. Blocking: a claim and a read.
   */
  public Claim claim(String localId) {
    return claim(localId, null);
  }

  /** {@link #claim(String)}, treating {@code takeOverFrom}, when given, as a lease that has ended. */
  Claim claim(String localId, JournalLease takeOverFrom) {
    if (!claiming.add(localId)) {
      return Claim.of(Claim.Kind.HELD_HERE);
    }
    try {
      Job mine = jobs.get(localId);
      if (mine != null && !mine.lost) {
        return Claim.of(Claim.Kind.HELD_HERE);
      }
      long start = time.nanoTime();
      Instant now = time.now();
      Instant until = now.plus(lease);
      boolean taken =
          takeOverFrom != null ? journal.takeOver(localId, owner, takeOverFrom, now, until) : journal.claim(localId, owner, now, until);
      Optional<JournalLease> theirs = taken ? Optional.empty() : journal.lease(localId);
      if (!taken && takeOverFrom == null && theirs.isPresent() && LeaseOwners.liveness(theirs.get().owner()) == LeaseOwners.Liveness.GONE) {
        start = time.nanoTime();
        taken = takenFromTheGone(localId, theirs.get(), now, until);
        theirs = taken ? theirs : journal.lease(localId); // it changed hands meanwhile
      }
      if (!taken) {
        if (theirs.isEmpty()) { // refused with nobody holding it: finished, or gone
          Optional<JournalEntry> gone = journal.entry(localId);
          if (gone.isEmpty() || gone.get().finished()) {
            return new Claim(Claim.Kind.FINISHED, Optional.empty(), gone, Optional.empty());
          }
        }
        return new Claim(Claim.Kind.HELD_ELSEWHERE, Optional.empty(), Optional.empty(), theirs);
      }
      if (mine != null) {
        // A flow of this client lost this lease and goes on: it holds the job again, and finishes it.
        mine.lock.lock();
        try {
          mine.lost = false;
          mine.leaseEnd = start + lease.toNanos();
        } finally {
          mine.lock.unlock();
        }
        scheduleRenewalIfNeeded();
        return Claim.of(Claim.Kind.HELD_HERE);
      }
      Optional<JournalEntry> fresh = journal.entry(localId);
      if (fresh.isEmpty() || fresh.get().finished()) {
        release(localId);
        return new Claim(Claim.Kind.FINISHED, Optional.empty(), fresh, Optional.empty());
      }
      return new Claim(Claim.Kind.TAKEN, Optional.of(hold(fresh.get(), start)), fresh, Optional.empty());
    } finally {
      claiming.remove(localId);
    }
  }

  /**
   * Takes {@code theirs}, a lease whose owner was a process on this machine that no longer runs
   * (killed, crashed): nobody can renew it, so nobody waits for it to run out. Only that very lease
   * is taken ({@link SubmissionJournal#takeOver}), so one renewed or taken meanwhile is left alone.
   */
  private boolean takenFromTheGone(String localId, JournalLease theirs, Instant now, Instant until) {
    if (!journal.takeOver(localId, owner, theirs, now, until)) {
      return false;
    }
    LOG.log(
        Level.WARNING,
        "Took journal entry " + localId + " at once from " + theirs.describe() + "; its lease would have run until " + theirs.until());
    return true;
  }

  /**
   * Holds a job whose lease this client took with a statement sent at {@code start} ({@link
   * TimeSource#nanoTime()}; so that it never thinks its lease lasts longer than the journal does):
   * renews it until the job is let go.
   */
  private Job hold(JournalEntry entry, long start) {
    Job job = new Job(entry);
    job.leaseEnd = start + lease.toNanos();
    jobs.put(entry.localId(), job);
    entry.requestId().ifPresent(id -> jobsByRequestId.put(id, job));
    scheduleRenewalIfNeeded();
    return job;
  }

  /**
   * Remembers a lease this client leaves to run out (a plain submit's, an interrupted wait's),
   * until it does: so that {@link #close()} can give it up. Those at the front that ran out are
   * dropped on the way, which keeps the queue to about one lease time's worth.
   */
  void unrenewed(Job job) {
    long now = time.nanoTime();
    for (Unrenewed oldest = unrenewed.peek(); oldest != null && now - oldest.end >= 0; oldest = unrenewed.peek()) {
      unrenewed.remove(oldest);
    }
    unrenewed.add(new Unrenewed(job.entry().localId(), job.leaseEnd));
  }

  /** A lease left to run out, ending at {@code end} ({@link TimeSource#nanoTime()}). */
  private record Unrenewed(String localId, long end) {}

  // ---- renewing and giving up -----------------------------------------------------------------------

  private void scheduleRenewalIfNeeded() {
    renewalLock.lock();
    try {
      if (renewal == null && !closed) {
        scheduleRenewal();
      }
    } finally {
      renewalLock.unlock();
    }
  }

  /**
   * Stops renewing the job's lease, and leaves it to run out; under the job's lock, so that no
   * renewal of it is under way once this returns.
   */
  void forget(Job job) {
    job.lock.lock();
    try {
      jobs.remove(job.entry().localId(), job);
      job.entry().requestId().ifPresent(id -> jobsByRequestId.remove(id, job));
    } finally {
      job.lock.unlock();
    }
  }

  /** Stops working on a job: no more renewals, then the lease is given up for others to take. */
  public void letGo(Job job) {
    forget(job);
    release(job.entry().localId());
  }

  /** Gives up this client's lease on an entry; a failure is logged, and the lease runs out. */
  void release(String localId) {
    try {
      journal.release(localId, owner);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not give up the lease on journal entry " + localId + "; it runs out by itself: " + e.getMessage());
    }
  }

  private void scheduleRenewal() {
    renewal =
        time.schedule(
            lease.dividedBy(3),
            () -> {
              try {
                blockingExecutor.execute(this::renewAndReschedule);
              } catch (RuntimeException shutDown) {
                clearRenewal();
              }
            });
  }

  private void renewAndReschedule() {
    renewLeases();
    renewalLock.lock();
    try {
      renewal = null;
      if (!closed && !jobs.isEmpty()) {
        scheduleRenewal();
      }
    } finally {
      renewalLock.unlock();
    }
  }

  private void clearRenewal() {
    renewalLock.lock();
    try {
      renewal = null;
    } finally {
      renewalLock.unlock();
    }
  }

  /**
   * Extends every lease this client holds, each under its job's lock (so never one let go; a lock,
   * not {@code synchronized}, so that a virtual thread doing this I/O is not pinned). A lease
   * that ran out unseen (this client stalled, or the journal was unreachable, for longer than the
   * lease) is taken again when nobody else took it and the job is not finished. Otherwise the job
   * is lost: its flow writes nothing more and does not download it, and a WARNING says so.
   */
  private void renewLeases() {
    for (Job job : List.copyOf(jobs.values())) {
      job.lock.lock();
      try {
        if (job.held()) {
          renew(job);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not renew the lease on journal entry " + job.entry().localId() + "; trying again: " + e.getMessage());
      } finally {
        job.lock.unlock();
      }
    }
  }

  /** Renews one held job's lease, or writes its unsaved last state; call holding its lock. */
  private void renew(Job job) {
    String localId = job.entry().localId();
    if (job.unsaved) {
      boolean written = journal.recordHeld(job.entry(), owner); // its last state, which gives the lease up
      job.unsaved = false;
      job.lost = !written;
      forget(job);
      LOG.log(
          written ? Level.INFO : Level.WARNING,
          (written ? "Recorded " : "Did not record ") + job.entry().state() + " for journal entry " + localId
              + (written ? " after all" : ": another instance took its lease meanwhile"));
      return;
    }
    long start = time.nanoTime();
    Instant now = time.now();
    Instant until = now.plus(lease);
    if (journal.renew(localId, owner, now, until) || retaken(localId, now, until)) {
      job.leaseEnd = start + lease.toNanos();
      return;
    }
    job.lost = true; // its flow sees the loss and writes nothing more, unless the lease is taken back
    LOG.log(
        Level.WARNING,
        "Lost the lease on request " + job.entry().requestId().orElse("(not submitted yet)")
            + " (journal entry " + localId + "): it ran out, and another instance may be working the job");
  }

  /**
   * Whether this client still holds the job, before it writes its end or downloads it. When the
   * lease may have run out unseen (less than half of it left by this client's last renewal:
   * renewals failed, or this client stalled), it is renewed first, in one statement; otherwise
   * this costs nothing.
   */
  boolean stillHeld(Job job) {
    job.lock.lock();
    try {
      if (job.held() && job.leaseEnd - time.nanoTime() < lease.toNanos() / 2) {
        renew(job);
      }
      return !job.lost;
    } catch (RuntimeException e) {
      // The journal cannot be reached: the lease holds until the end this client wrote, no longer.
      LOG.log(Level.WARNING, "Could not renew the lease on journal entry " + job.entry().localId() + ": " + e.getMessage());
      if (time.nanoTime() - job.leaseEnd >= 0) {
        job.lost = true;
      }
      return !job.lost;
    } finally {
      job.lock.unlock();
    }
  }

  /** Takes an ended lease again, if nobody took it and the job is not finished meanwhile (a claim refuses a finished one). */
  private boolean retaken(String localId, Instant now, Instant until) {
    if (!journal.claim(localId, owner, now, until)) {
      return false;
    }
    LOG.log(Level.DEBUG, () -> "The lease on journal entry " + localId + " ran out unseen; nobody took it, so it is held again");
    return true;
  }

  /**
   * Stops renewing, and gives up the leases of the jobs this client holds, so that another
   * instance (or the same program run again) can take them at once rather than after a lease
   * time. Each such job counts as lost: a flow of it still under way writes nothing more and does
   * not download it. A client that dies without closing leaves its leases to run out.
   */
  public void close() {
    renewalLock.lock();
    try {
      closed = true;
      if (renewal != null) {
        renewal.cancel(false);
        renewal = null;
      }
    } finally {
      renewalLock.unlock();
    }
    for (Job job : List.copyOf(jobs.values())) {
      job.lock.lock();
      try {
        if (job.lost) {
          continue;
        }
        job.lost = true; // kept in the maps, so that its flow sees the loss
      } finally {
        job.lock.unlock();
      }
      if (job.unsaved) {
        writer.write(job.entry(), owner); // its last state, which gives the lease up; failing again, the lease runs out
      } else {
        release(job.entry().localId());
      }
    }
    long now = time.nanoTime();
    for (Unrenewed submitted; (submitted = unrenewed.poll()) != null; ) {
      if (submitted.end - now > 0) {
        release(submitted.localId); // only if still this client's: a wait may have taken it since
      }
    }
  }

}
