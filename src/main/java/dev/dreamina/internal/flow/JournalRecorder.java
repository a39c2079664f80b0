package dev.dreamina.internal.flow;

import dev.dreamina.Budget;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Hashes;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.flow.Leases.Claim;
import dev.dreamina.internal.flow.Leases.Job;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.journal.SubmissionJournal;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * What the client writes to its {@link SubmissionJournal}, and reads back. Before a submit a
 * failed write throws, so nothing is submitted; after one it is logged at WARNING instead, since
 * the job exists and its caller must still get its request id.
 *
 * <p>Only the holder of a job's lease writes its entry: {@link Leases} takes, renews and gives up
 * the leases, and holds the {@link Leases.Job} each step carries.
 */
public final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final int WRITE_ATTEMPTS = 3;

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;
  private final Leases leases;
  /** The budgets each submit charges in the journal; none for none. */
  private final List<Budget> budgets;
  /** Idempotency keys, explicit and implicit ({@code reuseIdentical}), in this journal. */
  private final IdempotencyKeys keys;

  public JournalRecorder(
      SubmissionJournal journal,
      String apiToken,
      TimeSource time,
      String owner,
      Duration lease,
      Executor blockingExecutor,
      List<Budget> budgets,
      boolean reuseIdentical) {
    this.journal = journal;
    this.budgets = List.copyOf(budgets);
    this.account = journal == null ? "" : account(apiToken);
    this.time = time;
    this.keys = new IdempotencyKeys(journal, account, time, lease, reuseIdentical && journal != null);
    this.leases = new Leases(journal, time, owner, lease, blockingExecutor, this::note);
  }

  /** This journal's idempotency keys. */
  public IdempotencyKeys keys() {
    return keys;
  }

  public boolean enabled() {
    return journal != null;
  }


  /** The first 16 hex digits of the token's SHA-256: tells accounts apart, reveals nothing. */
  public static String account(String apiToken) {
    return Hashes.sha256Hex(apiToken, 8);
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
    return intent(request, target, keepLease, localId, null, null);
  }

  /**
   * {@link #intent(ImageToVideoRequest, Path, boolean, String)}, under an idempotency key when
   * {@code key} is not {@code null}: the entry's local id is then the key's ({@link
   * JournalEntry#keyedLocalId}), and the intent is refused when another call recorded the key first.
   * With budgets, {@code estimate} is charged to their windows in the same write.
   *
   * @throws SpendLimitException when a budget's window refuses it; then nothing was written
   */
  public Recording intent(
      ImageToVideoRequest request, Path target, boolean keepLease, String localId, String key, BigDecimal estimate) {
    if (journal == null) {
      return notJournaled;
    }
    Instant now = time.now();
    JournalEntry entry =
        new JournalEntry(
            key != null ? JournalEntry.keyedLocalId(account, key) : localId != null ? localId : UUID.randomUUID().toString(),
            account,
            Optional.empty(),
            State.INTENT,
            ImagePublisher.withoutSignature(request), // a signed URL is a credential: RunComfy has it, the journal needs only the object
            Optional.ofNullable(target).map(Path::toAbsolutePath),
            Optional.empty(),
            now,
            now,
            Optional.ofNullable(key));
    Job job;
    try {
      job = budgets.isEmpty() ? leases.recordLeased(entry) : leases.recordLeased(entry, budgets, estimate);
    } catch (SpendLimitException refused) {
      throw refused;
    } catch (RuntimeException e) {
      throw new JournalException(
          "Not submitted: the journal cannot record the job, so a crash could lose it. " + e.getMessage(),
          null,
          e);
    }
    return new Recording(job, keepLease);
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
        job.settle(State.SUBMITTED, submission.requestId(), null); // written even if the lease was lost: it is paid
        if (keepLease) {
          leases.watch(submission.requestId(), job); // a lost job too, so that its flow sees the loss
        } else {
          leases.forget(job); // not renewed: the lease runs out, then another may take it
          leases.unrenewed(job);
        }
      } else {
        boolean noJob = !(failure instanceof SubmissionUnknownException);
        if (noJob) {
          releaseCharges(job); // never made: its estimate comes back (an unknown one stays charged)
        }
        job.settle(noJob ? State.NOT_SUBMITTED : State.UNKNOWN, null, failure.getMessage());
        leases.letGo(job);
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
    Job mine = leases.forRequest(requestId);
    if (mine != null) {
      return Optional.of(mine);
    }
    Optional<JournalEntry> found = journal.byRequestId(account, requestId).filter(e -> !e.finished());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String localId = found.get().localId();
    Claim claim = leases.claim(localId, null);
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
    Claim taken = leases.claim(localId, theirs);
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
   * Records how an await ended: completed ({@code failure == null}), or failed or cancelled (a
   * {@link GenerationFailedException}); any other failure says nothing about the job. Only for a
   * job this client holds.
   */
  public void ended(String requestId, Throwable failure, Optional<BigDecimal> cost) {
    Job job = leases.forRequest(requestId);
    if (job == null) {
      return;
    }
    if (failure instanceof CallInterruptedException) {
      // An interrupted thread cannot use the file journal (its channels close on interrupt), and
      // an app interrupting its waits is usually going down: as after a crash, the lease runs
      // out, unless the client is closed first, which gives it up.
      leases.forget(job);
      leases.unrenewed(job);
      return;
    }
    if (!leases.stillHeld(job)) {
      // Another instance may be working this job now: nothing is written. A job whose download
      // comes next stays known as lost, so that the download sees it and does not happen (unless
      // this client takes the lease back first); if it were forgotten here, a download looking the
      // job up by its request id would find nothing against it, or another flow's hold of it.
      if (failure != null || job.entry().target().isEmpty()) {
        leases.forget(job);
      }
      return;
    }
    if (failure == null) {
      cost.ifPresent(actual -> settleCharges(job, actual));
    }
    if (failure == null && job.entry().target().isPresent()) {
      job.update(State.COMPLETED, null, null); // its download comes next, under the same lease
    } else if (failure == null) {
      job.finish(State.COMPLETED, null);
    } else if (failure instanceof GenerationFailedException failed) {
      releaseCharges(job); // before its end is written: done twice (a crash between), it gives back once
      job.finish(failed.status() == Status.CANCELLED ? State.CANCELLED : State.FAILED, failed.error().orElse(null));
    } else {
      leases.letGo(job); // not ended: the wait timed out or failed; another pass may take it
    }
  }

  /**
   * Records a download to {@code target} ({@code failure == null}; the entry then names the file,
   * whatever target it named before), and stops working on the job either way.
   */
  public void downloaded(String requestId, Path target, Throwable failure) {
    Job job = leases.forRequest(requestId);
    if (job == null) {
      return;
    }
    downloadedHeld(job, target, failure);
  }

  /**
   * {@link #downloaded}, for a call with an idempotency key: also when this client holds no lease
   * on the job, as long as the journal has it {@code COMPLETED} with no download to come (nobody
   * works on it then), so that the key's next call finds the file recorded and fetches nothing.
   * Blocking: a keyed read and a write, when this client does not hold the job.
   */
  public void downloadedForKey(String requestId, Path target, Throwable failure) {
    Job job = leases.forRequest(requestId);
    if (job != null) {
      downloadedHeld(job, target, failure);
      return;
    }
    Optional<JournalEntry> entry = failure == null ? byRequestId(requestId) : Optional.empty();
    if (entry.isPresent() && entry.get().state() == State.COMPLETED && entry.get().finished()) {
      note(entry.get().withTarget(target.toAbsolutePath()).with(State.DOWNLOADED, null, null, time.now()), null);
    }
  }

  private void downloadedHeld(Job job, Path target, Throwable failure) {
    if (job.lost) {
      leases.forget(job);
      return;
    }
    if (failure == null) {
      job.target(target.toAbsolutePath());
      job.finish(State.DOWNLOADED, null);
    } else {
      leases.letGo(job);
    }
  }

  /**
   * Gives a job's charges back to their budgets' windows; idempotent in the journal. A failure is
   * logged: the estimate then stays charged, which never lets the fleet overspend.
   */
  private void releaseCharges(Job job) {
    if (budgets.isEmpty()) {
      return;
    }
    try {
      journal.releaseCharges(job.entry().localId());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not give journal entry " + job.entry().localId() + "'s estimate back to its budgets: " + e.getMessage());
    }
  }

  /**
   * The job's real cost replaces its estimate in its budgets' windows (nothing to do when this
   * client charged it and the cost is the estimate); a failure is logged, the estimate stays.
   */
  private void settleCharges(Job job, BigDecimal actual) {
    BigDecimal charged = job.charged;
    if (budgets.isEmpty() || charged != null && charged.compareTo(actual) == 0) {
      return;
    }
    try {
      journal.settleCharges(job.entry().localId(), actual);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not count journal entry " + job.entry().localId() + " at its real cost: " + e.getMessage());
    }
  }

  /** Each budget's current window, across the fleet; none without budgets. */
  public List<SpendWindow> spend() {
    return budgets.isEmpty() ? List.of() : journal.spend(account, budgets);
  }

  /** Whether this client holds the job with this request id (no I/O). */
  public boolean holdsRequest(String requestId) {
    return leases.forRequest(requestId) != null;
  }

  /**
   * Before a download: throws when this client held the job and lost its lease while working on it
   * (it stalled for longer than the lease), since another instance may be downloading it now.
   *
   * @throws JobHeldException then, naming the lease as it stands
   */
  public void checkNotLost(String requestId) {
    Job job = leases.forRequest(requestId);
    if (job != null && !leases.stillHeld(job)) {
      leases.forget(job);
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
    Job job = leases.forRequest(requestId);
    if (job != null) {
      leases.letGo(job);
    }
  }

  /**
   * Takes an entry's lease for this client (recovery, a resumed batch); see {@link
   * Leases#claim(String)}.
   */
  public Claim claim(String localId) {
    return leases.claim(localId);
  }

  /** Stops working on a job: no more renewals, then the lease is given up for others to take. */
  public void letGo(Job job) {
    leases.letGo(job);
  }

  /** Warns when the journal's clock and this client's disagree; see {@link Leases#checkClock()}. Blocking. */
  public void checkClock() {
    if (journal != null) {
      leases.checkClock();
    }
  }

  /** Gives up the leases this client holds; see {@link Leases#close()}. */
  public void close() {
    leases.close();
  }


  // ---- reading -------------------------------------------------------------------------------------

  /** This account's entry with this local id. */
  public Optional<JournalEntry> byLocalId(String localId) {
    return journal == null ? Optional.empty() : journal.entry(localId).filter(e -> e.account().equals(account));
  }

  /** This account's entry of the job with this idempotency key. */
  public Optional<JournalEntry> byKey(String key) {
    return journal == null ? Optional.empty() : journal.entry(JournalEntry.keyedLocalId(account, key));
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
   * Writes an entry after the submit, as {@code holder}'s ({@link SubmissionJournal#recordHeld})
   * unless that is {@code null}: three tries, each on a connection of its own, since a pool may
   * hand out connections a failover broke; then a WARNING.
   */
  private Leases.Written note(JournalEntry entry, String holder) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (holder == null) {
          journal.record(entry);
          return Leases.Written.DONE;
        }
        return journal.recordHeld(entry, holder) ? Leases.Written.DONE : Leases.Written.NOT_HOLDER;
      } catch (RuntimeException e) {
        if (attempt < WRITE_ATTEMPTS) {
          continue;
        }
        LOG.log(
            Level.WARNING,
            "Could not record " + entry.state() + " for request "
                + entry.requestId().orElse("(none yet, local id " + entry.localId() + ")")
                + " in the journal: " + e.getMessage());
        return Leases.Written.FAILED;
      }
    }
  }
}
