package dev.dreamina.internal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.SubmissionJournal;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * What the client writes to its {@link SubmissionJournal}, and reads back. Before a submit a
 * failed write throws, so nothing is submitted; after one it is logged at WARNING instead, since
 * the job exists and its caller must still get its request id.
 *
 * <p>It also holds the leases of the jobs this client works on ({@link SubmissionJournal#claim}):
 * taken with the intent (or by recovery), renewed every third of the lease time while the job is
 * awaited or downloaded, and given up when the client stops working on it. A plain submit keeps
 * its lease for one lease time, unrenewed; a closed client renews nothing, so its leases run out.
 */
public final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;
  private final String owner;
  private final Duration lease;
  private final Executor blockingExecutor;

  /** The jobs whose leases this client renews, by local id: their request id, "" before it is known. */
  private final Map<String, String> held = new ConcurrentHashMap<>();

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

  /**
   * Records the intent to submit, and takes the job's lease.
   *
   * @param keepLease whether this client goes on to await the job, renewing its lease; a plain
   *     submit leaves its lease to run out
   * @throws JournalException when it cannot be written; then nothing may be submitted
   */
  public Recording intent(ImageToVideoRequest request, Path target, boolean keepLease) {
    return intent(request, target, keepLease, null);
  }

  /**
   * {@link #intent(ImageToVideoRequest, Path, boolean)} under a given local id (a batch's, the
   * same in every run), or a new one when {@code localId == null}.
   */
  public Recording intent(ImageToVideoRequest request, Path target, boolean keepLease, String localId) {
    if (journal == null) {
      return new Recording(null, false);
    }
    var now = time.now();
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
    hold(entry.localId(), "");
    return new Recording(entry, keepLease);
  }

  /** One submit's entry, updated as its outcome becomes known. */
  public final class Recording {
    private JournalEntry entry;
    private final boolean keepLease;

    private Recording(JournalEntry entry, boolean keepLease) {
      this.entry = entry;
      this.keepLease = keepLease;
    }

    /** Records how the submit ended: its request id, an unknown outcome, or no job. */
    public void settle(Submission submission, Throwable failure) {
      if (failure == null) {
        update(State.SUBMITTED, submission.requestId(), null);
        if (entry != null && keepLease) {
          held.replace(entry.localId(), submission.requestId());
        } else if (entry != null) {
          held.remove(entry.localId()); // not renewed: the lease runs out, then recovery may take it
        }
      } else {
        update(failure instanceof SubmissionUnknownException ? State.UNKNOWN : State.NOT_SUBMITTED, null, failure.getMessage());
        if (entry != null) {
          letGo(entry.localId());
        }
      }
    }

    private void update(State state, String requestId, String detail) {
      if (entry != null) {
        entry = entry.with(state, requestId, detail, time.now());
        note(entry);
      }
    }
  }

  /**
   * Records how an await ended: completed ({@code failure == null}), or failed or cancelled (a
   * {@link GenerationFailedException}); any other failure says nothing about the job.
   */
  public void ended(String requestId, Throwable failure) {
    if (journal == null) {
      return;
    }
    if (failure instanceof CallInterruptedException) {
      // An interrupted thread cannot use the file journal (its channels close on interrupt), and
      // an app interrupting its waits is usually going down: as after a crash, the lease runs out.
      held.values().removeIf(requestId::equals);
      return;
    }
    Optional<JournalEntry> entry = byRequestId(requestId);
    if (failure == null) {
      terminal(entry, Status.COMPLETED, null);
      if (entry.isPresent() && entry.get().target().isPresent()) {
        return; // its download comes next, under the same lease
      }
    } else if (failure instanceof GenerationFailedException failed) {
      terminal(entry, failed.status(), failed.error().orElse(null));
    }
    entry.ifPresent(e -> letGo(e.localId()));
  }

  /** Records a terminal state of a journaled job; jobs not in the journal are left alone. */
  private void terminal(Optional<JournalEntry> entry, Status status, String detail) {
    State state =
        status == Status.COMPLETED ? State.COMPLETED : status == Status.CANCELLED ? State.CANCELLED : State.FAILED;
    entry.filter(e -> e.state() != State.DOWNLOADED).ifPresent(e -> note(e.with(state, null, detail, time.now())));
  }

  /** Records a download ({@code failure == null}), and stops working on the job either way. */
  public void downloaded(String requestId, Throwable failure) {
    if (journal == null) {
      return;
    }
    Optional<JournalEntry> entry = byRequestId(requestId);
    if (failure == null) {
      entry.ifPresent(e -> note(e.with(State.DOWNLOADED, null, null, time.now())));
    }
    entry.ifPresent(e -> letGo(e.localId()));
  }

  // ---- leases --------------------------------------------------------------------------------------

  /** Whether this client holds (and renews) the job's lease. */
  public boolean holds(String localId) {
    return held.containsKey(localId);
  }

  /**
   * Takes the job's lease for this client, for recovery.
   *
   * @return whether this client holds it now
   */
  public boolean claim(String localId) {
    var now = time.now();
    return journal.claim(localId, owner, now, now.plus(lease));
  }

  /** Starts renewing a lease this client took. */
  public void hold(String localId, String requestId) {
    held.put(localId, requestId);
    renewalLock.lock();
    try {
      if (renewal == null && !closed) {
        scheduleRenewal();
      }
    } finally {
      renewalLock.unlock();
    }
  }

  /** Stops working on a job: no more renewals, and the lease is given up for others to take. */
  public void letGo(String localId) {
    held.remove(localId);
    try {
      journal.release(localId, owner);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not give up the lease on journal entry " + localId + "; it runs out by itself: " + e.getMessage());
    }
  }

  /**
   * Lets go of the job with this request id if this client still holds it: for flows that end
   * without the await or download that would have let go (a completed result without a video, a
   * download cancelled before it started). Costs nothing when the lease is not held.
   */
  public void stoppedWorking(String requestId) {
    held.forEach(
        (localId, heldRequestId) -> {
          if (heldRequestId.equals(requestId)) {
            letGo(localId);
          }
        });
  }

  private void scheduleRenewal() {
    Duration every = lease.dividedBy(3);
    renewal =
        TimeSource.SYSTEM.schedule(
            every,
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
   * Renews every lease this client holds. One it finds taken (this client stalled for longer than
   * the lease) it stops renewing, and logs at WARNING: another instance may be working that job.
   */
  private void renewLeases() {
    for (var job : held.entrySet()) {
      String localId = job.getKey();
      try {
        if (!claim(localId)) {
          held.remove(localId);
          LOG.log(
              Level.WARNING,
              "Lost the lease on request " + (job.getValue().isEmpty() ? "(not submitted yet)" : job.getValue())
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

  public Optional<JournalEntry> byLocalId(String localId) {
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && e.localId().equals(localId))
        .findFirst();
  }

  public Optional<JournalEntry> byRequestId(String requestId) {
    if (journal == null) {
      return Optional.empty();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && e.requestId().equals(Optional.of(requestId)))
        .findFirst();
  }

  /** Every entry of this account; none without a journal. */
  public List<JournalEntry> entries() {
    if (journal == null) {
      return List.of();
    }
    return journal.entries().stream().filter(e -> e.account().equals(account)).toList();
  }

  public List<JournalEntry> pending() {
    if (journal == null) {
      return List.of();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && !e.finished())
        .sorted(Comparator.comparing(JournalEntry::createdAt))
        .collect(Collectors.toList());
  }

  public void dismiss(String localId) {
    JournalEntry entry = journal == null ? null : byLocalId(localId).orElse(null);
    if (entry == null) {
      throw new IllegalArgumentException("No journal entry with local id " + localId);
    }
    journal.record(entry.with(State.DISMISSED, null, null, time.now()));
  }

  private void note(JournalEntry entry) {
    try {
      journal.record(entry);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Could not record " + entry.state() + " for request "
              + entry.requestId().orElse("(none yet, local id " + entry.localId() + ")")
              + " in the journal: " + e.getMessage());
    }
  }
}
