package dev.dreamina.internal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SubmissionUnknownException;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * lease for one lease time, unrenewed; a closed client renews nothing, so its leases run out.
 */
public final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;
  private final String owner;
  private final Duration lease;
  private final Executor blockingExecutor;

  /** The jobs whose leases this client holds and renews, by local id. */
  private final Map<String, Job> held = new ConcurrentHashMap<>();

  /** The same jobs, by request id once it is known. */
  private final Map<String, Job> heldByRequestId = new ConcurrentHashMap<>();

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

    private Job(JournalEntry entry) {
      this.entry = entry;
    }

    public JournalEntry entry() {
      return entry;
    }

    /** Whether this client still holds the job: it was neither let go nor lost. */
    public boolean held() {
      return !lost && held.get(entry.localId()) == this;
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

    /** Writes the job's last state, which gives its lease up too; when that write fails, the lease is released by itself. */
    private void finish(State state, String detail) {
      if (update(state, null, detail)) {
        forget(this);
      } else {
        letGo(this);
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
      return new Recording(null, false);
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
    try {
      journal.recordLeased(entry, owner, now.plus(lease));
    } catch (RuntimeException e) {
      throw new JournalException(
          "Not submitted: the journal cannot record the job, so a crash could lose it. " + e.getMessage(),
          null,
          e);
    }
    return new Recording(hold(entry), keepLease);
  }

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
        job.update(State.SUBMITTED, submission.requestId(), null);
        if (keepLease) {
          heldByRequestId.put(submission.requestId(), job);
        } else {
          held.remove(job.entry().localId(), job); // not renewed: the lease runs out, then another may take it
        }
      } else {
        job.update(failure instanceof SubmissionUnknownException ? State.UNKNOWN : State.NOT_SUBMITTED, null, failure.getMessage());
        letGo(job);
      }
    }
  }

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
   * Blocking: one keyed read and one claim, nothing when this client holds the job already.
   *
   * @throws JobHeldException when another instance holds it and {@code whenHeld} is {@link
   *     WhenHeld#REFUSE}
   */
  public Optional<Job> holdForWait(String requestId, WhenHeld whenHeld) {
    if (journal == null) {
      return Optional.empty();
    }
    Job mine = heldByRequestId.get(requestId);
    if (mine != null) {
      return Optional.of(mine);
    }
    Optional<JournalEntry> found = journal.byRequestId(account, requestId).filter(e -> !e.finished());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JournalEntry entry = found.get();
    if (claim(entry.localId())) {
      return Optional.of(hold(entry));
    }
    Optional<JournalLease> current = journal.lease(entry.localId());
    if (current.isEmpty() || whenHeld == WhenHeld.WATCH) {
      return Optional.empty(); // let go in between (the job just finished): nothing to hold
    }
    JournalLease theirs = current.get();
    if (whenHeld == WhenHeld.REFUSE) {
      throw new JobHeldException(requestId, entry.localId(), theirs);
    }
    // Taken over: the claim treats the holder's lease as ended, unless it changed since it was read.
    if (!journal.claim(entry.localId(), owner, theirs.until(), time.now().plus(lease))) {
      throw new JobHeldException(requestId, entry.localId(), journal.lease(entry.localId()).orElse(theirs));
    }
    LOG.log(
        Level.WARNING,
        "Took over request " + requestId + " (journal entry " + entry.localId() + ") from " + theirs.owner()
            + ", whose lease ran until " + theirs.until() + ", as asked");
    return Optional.of(hold(entry));
  }

  /**
   * Takes an entry's lease for this client (recovery, a resumed batch): then read the entry again
   * ({@link #byLocalId}), since another instance may have finished it since it was listed, and
   * {@link #hold} it or {@link #release} it.
   */
  public boolean claim(String localId) {
    Instant now = time.now();
    return journal.claim(localId, owner, now, now.plus(lease));
  }

  /** Holds a job whose lease this client claimed: renews it until the job is let go. */
  public Job hold(JournalEntry entry) {
    Job job = new Job(entry);
    hold(job);
    entry.requestId().ifPresent(id -> heldByRequestId.put(id, job));
    return job;
  }

  /**
   * Records how an await ended: completed ({@code failure == null}), or failed or cancelled (a
   * {@link GenerationFailedException}); any other failure says nothing about the job. Only for a
   * job this client holds.
   */
  public void ended(String requestId, Throwable failure) {
    Job job = heldByRequestId.get(requestId);
    if (job == null) {
      return;
    }
    if (job.lost) {
      forget(job); // another instance may be recording this job now
      return;
    }
    if (failure instanceof CallInterruptedException) {
      // An interrupted thread cannot use the file journal (its channels close on interrupt), and
      // an app interrupting its waits is usually going down: as after a crash, the lease runs out.
      forget(job);
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
    Job job = heldByRequestId.get(requestId);
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

  /** Where the journal says this held job's video goes. */
  public Optional<Path> target(String requestId) {
    Job job = heldByRequestId.get(requestId);
    return job == null ? Optional.empty() : job.entry().target();
  }

  /** Whether this client holds the job with this request id (no I/O). */
  public boolean holdsRequest(String requestId) {
    return heldByRequestId.containsKey(requestId);
  }

  /**
   * Before a download: throws when this client held the job and lost its lease while working on it
   * (it stalled for longer than the lease), since another instance may be downloading it now.
   *
   * @throws JobHeldException then, naming the lease as it stands
   */
  public void checkNotLost(String requestId) {
    Job job = heldByRequestId.get(requestId);
    if (job != null && job.lost) {
      forget(job);
      String localId = job.entry().localId();
      throw new JobHeldException(
          requestId, localId, journal.lease(localId).orElse(new JournalLease("(nobody now)", time.now())));
    }
  }

  /** Whether this client holds the job with this local id. */
  public boolean holds(String localId) {
    return held.containsKey(localId);
  }

  /**
   * Lets go of the job with this request id if this client still holds it: for flows that end
   * without the await or download that would have let go (a completed result without a video, a
   * download cancelled before it started). Costs nothing when the lease is not held.
   */
  public void stoppedWorking(String requestId) {
    Job job = heldByRequestId.get(requestId);
    if (job != null) {
      letGo(job);
    }
  }

  // ---- leases --------------------------------------------------------------------------------------

  private void hold(Job job) {
    held.put(job.entry().localId(), job);
    renewalLock.lock();
    try {
      if (renewal == null && !closed) {
        scheduleRenewal();
      }
    } finally {
      renewalLock.unlock();
    }
  }

  /** Stops renewing the job's lease, and leaves it to run out. */
  private void forget(Job job) {
    held.remove(job.entry().localId(), job);
    job.entry().requestId().ifPresent(id -> heldByRequestId.remove(id, job));
  }

  /** Stops working on a job: no more renewals, then the lease is given up for others to take. */
  public void letGo(Job job) {
    forget(job);
    release(job.entry().localId());
  }

  /** Gives up this client's lease on an entry; a failure is logged, and the lease runs out. */
  public void release(String localId) {
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
      if (!closed && !held.isEmpty()) {
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
   * Extends every lease this client holds. One it finds taken or ended (this client stalled for
   * longer than the lease) it stops holding, and logs at WARNING: another instance may be working
   * that job. A job let go meanwhile is skipped; its renewal fails in the journal anyway.
   */
  private void renewLeases() {
    for (Job job : List.copyOf(held.values())) {
      String localId = job.entry().localId();
      try {
        Instant now = time.now();
        if (!journal.renew(localId, owner, now, now.plus(lease)) && job.held()) {
          job.lost = true;
          held.remove(localId, job); // its flow sees the loss and writes nothing more
          LOG.log(
              Level.WARNING,
              "Lost the lease on request " + job.entry().requestId().orElse("(not submitted yet)")
                  + " (journal entry " + localId + "): it ran out, and another instance may be working the job");
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not renew the lease on journal entry " + localId + "; trying again: " + e.getMessage());
      }
    }
  }

  /** Stops renewing; the leases still held run out. */
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

  /** The lease on an entry, as the journal holds it now. */
  public Optional<JournalLease> lease(String localId) {
    return journal.lease(localId);
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

  private boolean note(JournalEntry entry) {
    try {
      journal.record(entry);
      return true;
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Could not record " + entry.state() + " for request "
              + entry.requestId().orElse("(none yet, local id " + entry.localId() + ")")
              + " in the journal: " + e.getMessage());
      return false;
    }
  }
}
