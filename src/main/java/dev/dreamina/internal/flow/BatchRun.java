package dev.dreamina.internal.flow;

import dev.dreamina.AwaitOptions;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.batch.Batch;
import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.batch.BatchOutcome;
import dev.dreamina.batch.BatchOutcome.Kind;
import dev.dreamina.batch.BatchProgress;
import dev.dreamina.batch.BatchReport;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One batch: a queue of requests run with at most {@code limit} jobs in flight, on the async path
 * (no thread waits for a job). A rate limit halves the limit and pauses submits for the time the
 * server asked; each {@code limit} completions in a row raise it by one again, up to the
 * configured concurrency. No request is submitted twice: a rate-limited submit was refused, so it
 * goes back to the queue; one whose outcome is unknown is reported, never sent again.
 */
public final class BatchRun implements Batch {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);
  private static final int MAX_RATE_LIMITED = 20;

  private final JobFlow flow;
  private final ClientRuntime runtime;
  private final JournalRecorder journal;
  private final BatchOptions options;
  private final AwaitOptions awaitOptions;
  private final boolean preflight;
  private final List<BatchItem> items;
  private final long startNanos;
  private final CompletableFuture<BatchReport> result = new CompletableFuture<>();
  private final CompletableFuture<Void> submitsSettled = new CompletableFuture<>();

  // guarded by this
  private final Deque<Task> queue = new ArrayDeque<>();
  private final Map<String, BatchOutcome> outcomes = new HashMap<>();
  private final Map<String, Integer> rateLimited = new HashMap<>();
  private final Set<String> inFlightIds = new HashSet<>();
  private int running;
  /** Submits started and not answered yet (their outcome not journaled yet). */
  private int submitting;
  private boolean planned;
  private int limit;
  private int completionsSinceRaise;
  private long pausedUntil;
  private boolean pauseScheduled;
  private boolean stopped;
  private int failed;

  /** A request to submit, or a journaled job to wait for. */
  private record Task(BatchItem item, String localId, String awaitRequestId) {}

  public BatchRun(JobFlow flow, List<BatchItem> items, BatchOptions options, AwaitOptions awaitOptions, boolean preflight) {
    this.flow = flow;
    this.runtime = flow.runtime();
    this.journal = flow.journal();
    this.items = List.copyOf(items);
    this.options = options;
    this.awaitOptions = awaitOptions;
    this.preflight = preflight;
    this.limit = options.concurrency();
    this.startNanos = runtime.time().nanoTime();
    Set<String> keys = new HashSet<>();
    for (BatchItem item : this.items) {
      if (!keys.add(item.key())) {
        throw new IllegalArgumentException("Two items of the batch have the key " + item.key());
      }
    }
  }

  /** Plans every item (against the journal, when resuming) and starts. */
  public BatchRun start() {
    runtime.blocking(this::plan).whenComplete((planned, failure) -> {
      if (failure != null) {
        submitsSettled.complete(null); // refused before anything was submitted
        result.completeExceptionally(Futures.unwrap(failure));
      } else {
        pump();
      }
    });
    return this;
  }

  /** Blocking: one keyed read of the journal per item, when the batch has an id. */
  private Void plan() {
    Map<String, JournalEntry> journaled = new HashMap<>();
    options.batchId().ifPresent(
        batchId -> {
          for (BatchItem item : items) {
            if (item.idempotencyKey().isEmpty()) { // a keyed item's submit finds its key's job itself
              String localId = Batch.journalLocalId(batchId, item.key());
              journal.byLocalId(localId).ifPresent(e -> journaled.put(localId, e));
            }
          }
        });
    if (!journaled.isEmpty() && !options.resume()) {
      throw new IllegalStateException(
          "Batch " + options.batchId().orElseThrow() + " ran before (its jobs are in the journal): resume it, or"
              + " give this run another batch id. Nothing was submitted.");
    }
    synchronized (this) {
      planned = true;
      for (BatchItem item : items) {
        String localId =
            item.idempotencyKey().isPresent() ? null : options.batchId().map(id -> Batch.journalLocalId(id, item.key())).orElse(null);
        JournalEntry entry = localId == null ? null : journaled.get(localId);
        if (entry == null) {
          queue.add(new Task(item, localId, null));
        } else if (!entry.finished() && entry.requestId().isPresent()) {
          queue.add(new Task(item, localId, entry.requestId().get()));
        } else if (entry.madeNoJob()) {
          queue.add(new Task(item, localId, null)); // no job exists: it may run
        } else {
          record(earlierOutcome(item, entry));
        }
      }
    }
    return null;
  }

  /** What an earlier run, or another instance, made of an item whose entry needs nothing more here. */
  private static BatchOutcome earlierOutcome(BatchItem item, JournalEntry entry) {
    String requestId = entry.requestId().orElse(null);
    return switch (entry.state()) {
      case COMPLETED, DOWNLOADED ->
          outcome(item, Kind.COMPLETED, requestId, entry.state() == State.DOWNLOADED ? entry.target().orElse(null) : null,
              "completed in an earlier run");
      case FAILED -> outcome(item, Kind.FAILED, requestId, null, entry.detail().orElse("failed in an earlier run"));
      case CANCELLED -> outcome(item, Kind.CANCELLED, requestId, null, "cancelled in an earlier run");
      default -> outcome(item, Kind.SUBMIT_UNKNOWN, null, null,
          "an earlier run's submit has an unknown outcome (journal entry " + entry.localId() + "): check the RunComfy dashboard");
    };
  }

  /** Starts what may start now; completes the batch when nothing is left. */
  private void pump() {
    settleIfNoSubmitsLeft();
    while (true) {
      Task task;
      synchronized (this) {
        if (stopped) {
          while (!queue.isEmpty()) {
            BatchItem item = queue.poll().item();
            record(outcome(item, Kind.NOT_STARTED, null, null, "the batch was stopped before it started"));
          }
        }
        if (queue.isEmpty() && running == 0) {
          finish();
          return;
        }
        if (queue.isEmpty() || running >= limit) {
          return;
        }
        long wait = pausedUntil - runtime.time().nanoTime();
        if (wait > 0) {
          if (!pauseScheduled) {
            pauseScheduled = true;
            runtime.time().schedule(Duration.ofNanos(wait), () -> {
              synchronized (this) {
                pauseScheduled = false;
              }
              pump();
            });
          }
          return;
        }
        task = queue.poll();
        running++;
        if (task.awaitRequestId() == null) {
          submitting++;
        }
      }
      tellProgress();
      // Started on the blocking executor: the submit writes the journal, and pump() runs on
      // HTTP and scheduler threads, which must not wait for a disk or a database.
      try {
        runtime.blocking(
            () -> {
              run(task);
              return null;
            });
      } catch (RuntimeException closed) {
        if (task.awaitRequestId() == null) {
          submitAnswered();
        }
        done(outcome(task.item(), Kind.NOT_STARTED, null, null, "the client was closed: " + closed));
      }
    }
  }

  /** Blocking (it may claim a lease): submits the item, or takes over its earlier run's job; then waits and downloads. */
  private void run(Task task) {
    BatchItem item = task.item();
    JobFlow flow = item.idempotencyKey().map(this.flow::keyed).orElse(this.flow);
    CompletableFuture<String> submitted;
    if (task.awaitRequestId() == null) {
      submitted = flow.submitForBatch(item.request(), item.target().orElse(null), preflight, task.localId()).thenApply(s -> s.requestId());
    } else {
      Optional<BatchOutcome> notHere = holdEarlierJob(task);
      if (notHere.isPresent()) {
        done(notHere.get());
        return;
      }
      submitted = CompletableFuture.completedFuture(task.awaitRequestId());
    }
    boolean submits = task.awaitRequestId() == null;
    submitted.whenComplete((requestId, failure) -> {
      if (failure != null) {
        submitFailed(task, Futures.unwrap(failure)); // a rate-limited one is queued again first
        if (submits) {
          submitAnswered();
        }
        return;
      }
      if (submits) {
        submitAnswered();
      }
      synchronized (this) {
        inFlightIds.add(requestId);
      }
      flow.awaitThenDownload(requestId, item.target().orElse(null), awaitOptions)
          .whenComplete((done, waitFailure) -> {
            synchronized (this) {
              inFlightIds.remove(requestId);
            }
            ended(item, requestId, done, waitFailure == null ? null : Futures.unwrap(waitFailure));
          });
    });
  }

  /** A submit this batch started has its answer (or failure) journaled. */
  private void submitAnswered() {
    synchronized (this) {
      submitting--;
    }
    settleIfNoSubmitsLeft();
  }

  /**
   * Completes {@link #submitsSettled} once no submit is in flight and none is to come (stopped, or
   * nothing left to submit); outside the lock, so that what depends on it never runs holding it.
   */
  private void settleIfNoSubmitsLeft() {
    if (submitsSettled.isDone()) {
      return; // after it, every pump would otherwise look through the queue again
    }
    boolean settled;
    synchronized (this) {
      settled = planned && submitting == 0 && (stopped || queue.stream().allMatch(t -> t.awaitRequestId() != null));
    }
    if (settled) {
      submitsSettled.complete(null);
    }
  }

  /**
   * Takes the lease of a job an earlier run submitted, as recovery does, and reads its entry again
   * under it: empty when this run now holds it; else the outcome to report (another live instance
   * holds it, or it finished since the plan was read).
   */
  private Optional<BatchOutcome> holdEarlierJob(Task task) {
    BatchItem item = task.item();
    Leases.Claim claim = journal.claim(task.localId());
    return switch (claim.kind()) {
      case TAKEN -> Optional.empty();
      case HELD_HERE -> Optional.of(outcome(item, Kind.HELD, task.awaitRequestId(), null, "this client is working on it"));
      case HELD_ELSEWHERE -> Optional.of(outcome(item, Kind.HELD, task.awaitRequestId(), null, Recovery.heldBy(claim)));
      case FINISHED -> Optional.of(
          claim.entry().map(e -> earlierOutcome(item, e))
              .orElse(outcome(item, Kind.NOT_FINISHED, task.awaitRequestId(), null, "its journal entry is gone")));
    };
  }

  private void submitFailed(Task task, Throwable failure) {
    BatchItem item = task.item();
    if (failure instanceof RateLimitException limited) {
      boolean requeued;
      synchronized (this) {
        requeued = rateLimited.merge(item.key(), 1, Integer::sum) <= MAX_RATE_LIMITED;
        if (requeued) {
          running--;
          queue.addFirst(task); // refused by the server, so never created: safe to send again
          limit = Math.max(1, limit / 2);
          completionsSinceRaise = 0;
          Duration pause = limited.retryAfter().orElse(DEFAULT_PAUSE);
          pausedUntil = Math.max(pausedUntil, runtime.time().nanoTime() + pause.toNanos());
          LOG.log(Level.DEBUG, () -> "batch: rate limited; " + limit + " in flight from now, pausing " + pause);
        }
      }
      if (requeued) {
        tellProgress();
        pump();
        return;
      }
    }
    Kind kind =
        failure instanceof SpendLimitException ? Kind.REFUSED_BY_SPEND_LIMIT
            : failure instanceof InvalidRequestException ? Kind.INVALID
            : failure instanceof SubmissionUnknownException ? Kind.SUBMIT_UNKNOWN
            : Kind.NOT_FINISHED;
    if (kind == Kind.REFUSED_BY_SPEND_LIMIT) {
      synchronized (this) {
        stopped = true; // the money ran out: no new submits
      }
    }
    done(outcome(item, kind, null, null, failure.getMessage()));
  }

  private void ended(BatchItem item, String requestId, RequestResult result, Throwable failure) {
    BatchOutcome outcome;
    if (failure == null) {
      outcome =
          new BatchOutcome(item.key(), Kind.COMPLETED, Optional.of(requestId), item.target(), result.videoUrl(), result.cost(), Optional.empty());
      synchronized (this) {
        if (++completionsSinceRaise >= limit && limit < options.concurrency()) {
          limit++;
          completionsSinceRaise = 0;
        }
      }
    } else if (failure instanceof GenerationFailedException failed) {
      outcome = outcome(item, failed.status() == Status.CANCELLED ? Kind.CANCELLED : Kind.FAILED, requestId, null, failed.error().orElse(failed.getMessage()));
    } else {
      outcome = outcome(item, Kind.NOT_FINISHED, requestId, null, failure.toString());
    }
    done(outcome);
  }

  private void done(BatchOutcome outcome) {
    synchronized (this) {
      record(outcome);
    }
    options.onOutcome().ifPresent(listener -> tell(listener, outcome));
    synchronized (this) {
      running--; // only now: the batch cannot end before every outcome was told
    }
    tellProgress();
    pump();
  }

  /** Records an outcome; call holding the lock. */
  private void record(BatchOutcome outcome) {
    outcomes.put(outcome.key(), outcome);
    if (outcome.kind() != Kind.COMPLETED) {
      failed++;
    }
  }

  private void finish() {
    Map<String, BatchOutcome> ordered = new LinkedHashMap<>();
    for (BatchItem item : items) {
      ordered.put(item.key(), outcomes.get(item.key()));
    }
    result.complete(new BatchReport(List.copyOf(ordered.values()), Duration.ofNanos(runtime.time().nanoTime() - startNanos), stopped));
  }

  private static BatchOutcome outcome(BatchItem item, Kind kind, String requestId, Path file, String detail) {
    return new BatchOutcome(
        item.key(), kind, Optional.ofNullable(requestId), Optional.ofNullable(file), Optional.empty(), Optional.empty(),
        Optional.ofNullable(detail));
  }

  @Override
  public CompletableFuture<BatchReport> result() {
    return result;
  }

  @Override
  public CompletableFuture<Void> submitsSettled() {
    return submitsSettled;
  }

  @Override
  public synchronized BatchProgress progress() {
    int done = outcomes.size();
    Duration elapsed = Duration.ofNanos(runtime.time().nanoTime() - startNanos);
    int left = items.size() - done;
    Optional<Duration> remaining = done == 0 ? Optional.empty() : Optional.of(elapsed.multipliedBy(left).dividedBy(done));
    return new BatchProgress(
        items.size(), done, failed, running, queue.size(), limit, flow.spendCommitted(), elapsed, remaining);
  }

  /** Tells the progress listener, if any. */
  private void tellProgress() {
    options.onProgress().ifPresent(listener -> tell(listener, progress()));
  }

  private static <T> void tell(Consumer<T> listener, T value) {
    try {
      listener.accept(value);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "A batch listener threw; the batch goes on: " + e, e);
    }
  }

  @Override
  public void stop() {
    List<String> toCancel;
    synchronized (this) {
      stopped = true;
      toCancel = options.cancelQueuedOnStop() ? List.copyOf(inFlightIds) : List.of();
    }
    toCancel.forEach(id -> runtime.api().cancelAsync(id, false));
    pump();
  }
}
