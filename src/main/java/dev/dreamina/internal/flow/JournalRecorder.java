package dev.dreamina.internal.flow;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.LeaseOwners;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.SubmissionJournal;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the client writes to its {@link SubmissionJournal}, and reads back. Before a submit a
 * failed write throws, so nothing is submitted; after one it is logged at WARNING instead, since
 * the job exists and its caller must still get its request id.
 *
 * <p>Only the holder of a job's lease writes its entry. The client holds a {@link Job} from the
 * moment it takes the lease (with the intent, before a wait, or in recovery) until it lets go:
 * the job carries its entry, so no step reads the journal again to find it. While it holds a job
 * it renews its lease every third of the lease time, on the client's time source, with {@link
 * SubmissionJournal#renew} (which never takes back a released lease). A plain submit keeps its
 * lease for one lease time, unrenewed; a closed client gives up the leases it holds, plain
 * submits' included. A lease whose owner was a process on this machine that no longer runs is
 * taken at once ({@link LeaseOwners}); any other is waited out.
 */
public final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final int WRITE_ATTEMPTS = 3;

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;
  private final String owner;
  private final Duration lease;
  private final Executor blockingExecutor;

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

  public JournalRecorder(
      SubmissionJournal journal, String apiToken, TimeSource time, String owner, Duration lease, Executor blockingExecutor) {
    this.journal = journal;
    this.account = journal == null ? "" : account(apiToken);
    this.time = time;
    this.owner = owner;
    this.lease = lease;
    this.blockingExecutor = blockingExecutor;
  }

  public boolean enabled() {
    return journal != null;
  }

  /** The first 16 hex digits of the token's SHA-256: tells accounts apart, reveals nothing. */
  public static String account(String apiToken) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(apiToken.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** A journaled job whose lease this client holds: its entry as last written. */
  public final class Job {
    private volatile JournalEntry entry;
    private volatile boolean lost;
    /** Its last state is not written yet: the renewals keep its lease and write it again. */
    private volatile boolean unsaved;
    /** Held while its lease is renewed or let go: no renewal runs once the job is let go. */
    private final ReentrantLock lock = new ReentrantLock();
    /** When its lease ends, as this client last took or renewed it. */
    private volatile Instant leaseUntil;

    private Job(JournalEntry entry) {
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
     * Writes the entry in another state; after the submit, a failed write is logged, not thrown.
     *
     * @return whether it was written
     */
    private boolean update(State state, String requestId, String detail) {
      entry = entry.with(state, requestId, detail, time.now());
      return note(entry);
    }

    /**
     * Writes the job's last state, which gives its lease up too. When the journal cannot take it,
     * the job stays held: the renewals keep its lease and write the state again until it is
     * recorded, so that no other instance works a job this one has finished.
     */
    private void finish(State state, String detail) {
      if (update(state, null, detail)) {
        forget(this);
      } else {
        unsaved = true;
      }
    }
  }

  // ---- submit ---------------------------------------------------------------------------------------

  /**
   * Records the intent to submit under {@code localId} (a batch's, the same in every run), or a new
   * one when {@code null}, and takes the job's lease: one durable change.
   *
   * @param keepLease whether this client goes on to await the job, renewing its lease; a plain
   *     submit leaves its lease to run out
   * @throws JournalException when it cannot be written; then nothing may be submitted
   */
  public Recording intent(ImageToVideoRequest request, Path target, boolean keepLease, String localId) {
    if (journal == null) {
      return notJournaled;
    }
    Instant now = time.now();
    JournalEntry entry =
        new JournalEntry(
            localId != null ? localId : UUID.randomUUID().toString(),
            account,
            Optional.empty(),
            State.INTENT,
            request,
            Optional.ofNullable(target).map(Path::toAbsolutePath),
            Optional.empty(),
            now,
            now);
    Instant until = now.plus(lease);
    try {
      journal.recordLeased(entry, owner, until);
    } catch (RuntimeException e) {
      throw new JournalException(
          "Not submitted: the journal cannot record the job, so a crash could lose it. " + e.getMessage(),
          null,
          e);
    }
    return new Recording(hold(entry, until), keepLease);
  }

  /** The recording of every submit without a journal: nothing to write, nothing allocated. */
  private final Recording notJournaled = new Recording(null, false);

  /** One submit's job, updated as its outcome becomes known. */
  public final class Recording {
    private final Job job;
    private final boolean keepLease;

    private Recording(Job job, boolean keepLease) {
      this.job = job;
      this.keepLease = keepLease;
    }

    /** Records how the submit ended: its request id, an unknown outcome, or no job. */
    public void settle(Submission submission, Throwable failure) {
      if (job == null) {
        return;
      }
      if (failure == null) {
        job.update(State.SUBMITTED, submission.requestId(), null); // written even if the lease was lost: it is paid
        if (keepLease) {
          jobsByRequestId.put(submission.requestId(), job); // a lost job too, so that its flow sees the loss
        } else {
          forget(job); // not renewed: the lease runs out, then another may take it
          unrenewed(job);
        }
      } else {
        job.update(failure instanceof SubmissionUnknownException ? State.UNKNOWN : State.NOT_SUBMITTED, null, failure.getMessage());
        letGo(job);
      }
    }
  }

  /**
   * Remembers a lease this client leaves to run out (a plain submit's, an interrupted wait's),
   * until it does: so that {@link #close()} can give it up. Those at the front that ran out are
   * dropped on the way, which keeps the queue to about one lease time's worth.
   */
  private void unrenewed(Job job) {
    Instant now = time.now();
    for (Unrenewed oldest = unrenewed.peek(); oldest != null && !oldest.until.isAfter(now); oldest = unrenewed.peek()) {
      unrenewed.remove(oldest);
    }
    unrenewed.add(new Unrenewed(job.entry().localId(), job.leaseUntil));
  }

  private record Unrenewed(String localId, Instant until) {}

  // ---- waits ----------------------------------------------------------------------------------------

  /** What a wait does when another live instance holds the job it waits for. */
  public enum WhenHeld {
    /** Waits anyway, writing nothing to the journal: the holder records the job (awaitResult). */
    WATCH,
    /** Throws {@link JobHeldException} before waiting (resume). */
    REFUSE,
    /** Takes the lease over, saying so at WARNING (resume with takeOver). */
    TAKE_OVER
  }

  /**
   * Before a wait on {@code requestId}: the job this client holds, taking its lease when the
   * journal has an unfinished entry for it; empty when the journal has none, the entry is
   * finished, or another instance holds it and {@code whenHeld} is {@link WhenHeld#WATCH}.
   * Blocking: a keyed read, a claim and a read under the lease; nothing when this client holds the
   * job already.
   *
   * @throws JobHeldException when another instance holds it and {@code whenHeld} is {@link
   *     WhenHeld#REFUSE}
   */
  public Optional<Job> holdForWait(String requestId, WhenHeld whenHeld) {
    if (journal == null) {
      return Optional.empty();
    }
    Job mine = jobsByRequestId.get(requestId);
    if (mine != null) {
      return Optional.of(mine);
    }
    Optional<JournalEntry> found = journal.byRequestId(account, requestId).filter(e -> !e.finished());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String localId = found.get().localId();
    Claim claim = claim(localId, null);
    if (claim.kind() != Claim.Kind.HELD_ELSEWHERE || whenHeld == WhenHeld.WATCH) {
      return claim.job(); // taken; or another flow of this client works on it; or it just finished
    }
    JournalLease theirs = claim.lease().orElse(null);
    if (theirs == null) {
      return Optional.empty(); // let go in between (the job just finished): nothing to hold
    }
    if (whenHeld == WhenHeld.REFUSE) {
      throw new JobHeldException(requestId, localId, theirs);
    }
    Claim taken = claim(localId, theirs);
    if (taken.kind() == Claim.Kind.HELD_ELSEWHERE) { // it changed hands since it was read
      throw new JobHeldException(requestId, localId, taken.lease().orElse(theirs));
    }
    if (taken.job().isPresent()) {
      LOG.log(
          Level.WARNING,
          "Took over request " + requestId + " (journal entry " + localId + ") from " + theirs.owner()
              + ", whose lease ran until " + theirs.until() + ", as asked");
    }
    return taken.job();
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
  private Claim claim(String localId, JournalLease takeOverFrom) {
    if (!claiming.add(localId)) {
      return Claim.of(Claim.Kind.HELD_HERE);
    }
    try {
      Job mine = jobs.get(localId);
      if (mine != null && !mine.lost) {
        return Claim.of(Claim.Kind.HELD_HERE);
      }
      Instant now = time.now();
      Instant until = now.plus(lease);
      boolean taken = journal.claim(localId, owner, takeOverFrom != null ? takeOverFrom.until() : now, until);
      if (!taken && takeOverFrom == null) {
        taken = takenFromTheGone(localId, until);
      }
      if (!taken) {
        Optional<JournalLease> theirs = journal.lease(localId);
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
          mine.leaseUntil = until;
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
      return new Claim(Claim.Kind.TAKEN, Optional.of(hold(fresh.get(), until)), fresh, Optional.empty());
    } finally {
      claiming.remove(localId);
    }
  }

  /**
   * Takes a lease whose owner was a process on this machine that no longer runs (killed, crashed):
   * nobody can renew it, so nobody waits for it to run out. Only that very lease is taken (the
   * claim's {@code now} is its end), so one renewed or taken meanwhile is left alone.
   */
  private boolean takenFromTheGone(String localId, Instant until) {
    Optional<JournalLease> theirs = journal.lease(localId);
    if (theirs.isEmpty() || LeaseOwners.liveness(theirs.get().owner()) != LeaseOwners.Liveness.GONE) {
      return false;
    }
    if (!journal.claim(localId, owner, theirs.get().until(), until)) {
      return false;
    }
    LOG.log(
        Level.WARNING,
        "Took journal entry " + localId + " at once from " + theirs.get().describe()
            + "; its lease would have run until " + theirs.get().until());
    return true;
  }

  /**
   * Holds a job whose lease this client took until {@code until} (the very value the journal
   * wrote, so that this client never thinks its lease lasts longer than it does): renews it until
   * the job is let go.
   */
  private Job hold(JournalEntry entry, Instant until) {
    Job job = new Job(entry);
    job.leaseUntil = until;
    jobs.put(entry.localId(), job);
    entry.requestId().ifPresent(id -> jobsByRequestId.put(id, job));
    scheduleRenewalIfNeeded();
    return job;
  }

  /**
   * Records how an await ended: completed ({@code failure == null}), or failed or cancelled (a
   * {@link GenerationFailedException}); any other failure says nothing about the job. Only for a
   * job this client holds.
   */
  public void ended(String requestId, Throwable failure) {
    Job job = jobsByRequestId.get(requestId);
    if (job == null) {
      return;
    }
    if (failure instanceof CallInterruptedException) {
      // An interrupted thread cannot use the file journal (its channels close on interrupt), and
      // an app interrupting its waits is usually going down: as after a crash, the lease runs
      // out, unless the client is closed first, which gives it up.
      forget(job);
      unrenewed(job);
      return;
    }
    if (!stillHeld(job)) {
      // Another instance may be working this job now: nothing is written. A job whose download
      // comes next stays known as lost, so that the download sees it and does not happen (unless
      // this client takes the lease back first); if it were forgotten here, a download looking the
      // job up by its request id would find nothing against it, or another flow's hold of it.
      if (failure != null || job.entry().target().isEmpty()) {
        forget(job);
      }
      return;
    }
    if (failure == null && job.entry().target().isPresent()) {
      job.update(State.COMPLETED, null, null); // its download comes next, under the same lease
    } else if (failure == null) {
      job.finish(State.COMPLETED, null);
    } else if (failure instanceof GenerationFailedException failed) {
      job.finish(failed.status() == Status.CANCELLED ? State.CANCELLED : State.FAILED, failed.error().orElse(null));
    } else {
      letGo(job); // not ended: the wait timed out or failed; another pass may take it
    }
  }

  /** Records a download ({@code failure == null}), and stops working on the job either way. */
  public void downloaded(String requestId, Throwable failure) {
    Job job = jobsByRequestId.get(requestId);
    if (job == null) {
      return;
    }
    if (job.lost) {
      forget(job);
      return;
    }
    if (failure == null) {
      job.finish(State.DOWNLOADED, null);
    } else {
      letGo(job);
    }
  }

  /** Whether this client holds the job with this request id (no I/O). */
  public boolean holdsRequest(String requestId) {
    return jobsByRequestId.containsKey(requestId);
  }

  /**
   * Before a download: throws when this client held the job and lost its lease while working on it
   * (it stalled for longer than the lease), since another instance may be downloading it now.
   *
   * @throws JobHeldException then, naming the lease as it stands
   */
  public void checkNotLost(String requestId) {
    Job job = jobsByRequestId.get(requestId);
    if (job != null && !stillHeld(job)) {
      forget(job);
      String localId = job.entry().localId();
      throw new JobHeldException(
          requestId, localId, journal.lease(localId).orElse(new JournalLease("(nobody now)", time.now())));
    }
  }

  /**
   * Lets go of the job with this request id if this client still holds it: for flows that end
   * without the await or download that would have let go (a completed result without a video, a
   * download cancelled before it started). Costs nothing when the lease is not held.
   */
  public void stoppedWorking(String requestId) {
    Job job = jobsByRequestId.get(requestId);
    if (job != null) {
      letGo(job);
    }
  }

  // ---- leases --------------------------------------------------------------------------------------

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
  private void forget(Job job) {
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
  private void release(String localId) {
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
      journal.record(job.entry()); // its last state, which gives the lease up
      job.unsaved = false;
      forget(job);
      LOG.log(Level.INFO, "Recorded " + job.entry().state() + " for journal entry " + localId + " after all");
      return;
    }
    Instant now = time.now();
    Instant until = now.plus(lease);
    if (journal.renew(localId, owner, now, until) || retaken(localId, now, until)) {
      job.leaseUntil = until;
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
  private boolean stillHeld(Job job) {
    job.lock.lock();
    try {
      if (job.held() && Duration.between(time.now(), job.leaseUntil).compareTo(lease.dividedBy(2)) < 0) {
        renew(job);
      }
      return !job.lost;
    } catch (RuntimeException e) {
      // The journal cannot be reached: the lease holds until the end this client wrote, no longer.
      LOG.log(Level.WARNING, "Could not renew the lease on journal entry " + job.entry().localId() + ": " + e.getMessage());
      if (!job.leaseUntil.isAfter(time.now())) {
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
        note(job.entry()); // its last state, which gives the lease up; failing again, the lease runs out
      } else {
        release(job.entry().localId());
      }
    }
    Instant now = time.now();
    for (Unrenewed submitted; (submitted = unrenewed.poll()) != null; ) {
      if (submitted.until.isAfter(now)) {
        release(submitted.localId); // only if still this client's: a wait may have taken it since
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------------------

  /** This account's entry with this local id. */
  public Optional<JournalEntry> byLocalId(String localId) {
    return journal == null ? Optional.empty() : journal.entry(localId).filter(e -> e.account().equals(account));
  }

  /** This account's entry of the job with this request id. */
  public Optional<JournalEntry> byRequestId(String requestId) {
    return journal == null ? Optional.empty() : journal.byRequestId(account, requestId);
  }

  /** This account's unfinished entries, oldest first; none without a journal. */
  public List<JournalEntry> pending() {
    return journal == null ? List.of() : journal.unfinished(account);
  }

  public void dismiss(String localId) {
    JournalEntry entry = byLocalId(localId).orElse(null);
    if (entry == null) {
      throw new IllegalArgumentException("No journal entry with local id " + localId);
    }
    journal.record(entry.with(State.DISMISSED, null, null, time.now()));
  }

  /** Deletes finished entries older than {@code age}; see {@link SubmissionJournal#deleteFinishedBefore}. */
  public int deleteFinishedOlderThan(Duration age) {
    return journal == null ? 0 : journal.deleteFinishedBefore(time.now().minus(age));
  }

  /**
   * Writes an entry after the submit: three tries, each on a connection of its own, since a pool
   * may hand out connections a failover broke; then a WARNING.
   */
  private boolean note(JournalEntry entry) {
    for (int attempt = 1; ; attempt++) {
      try {
        journal.record(entry);
        return true;
      } catch (RuntimeException e) {
        if (attempt < WRITE_ATTEMPTS) {
          continue;
        }
        LOG.log(
            Level.WARNING,
            "Could not record " + entry.state() + " for request "
                + entry.requestId().orElse("(none yet, local id " + entry.localId() + ")")
                + " in the journal: " + e.getMessage());
        return false;
      }
    }
  }
}
