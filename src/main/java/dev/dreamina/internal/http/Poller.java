package dev.dreamina.internal.http;

import dev.dreamina.AwaitOptions;
import dev.dreamina.CancelOutcome;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import dev.dreamina.errors.AwaitTimeoutException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.internal.Events;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.TimeSource;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Polls a job until it finishes, fails or the deadline passes, either on the calling thread
 * ({@link #await}) or with no thread held between polls ({@link #awaitAsync}). Both follow the
 * same {@link Wait} rules. Transient failures (see {@link RetryPolicy#isTransient}) never end the
 * wait early: after the transport's own retries they are remembered and polling goes on; the
 * deadline reports the last one as its cause. An unreadable status answer (no {@code status}, an
 * empty or non-JSON body) is treated the same way, up to {@link #MAX_UNREADABLE_IN_A_ROW} in a
 * row, as RunComfy's CLI polls on through an answer it cannot read.
 */
public final class Poller {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final double GROWTH = 1.5;

  /** Unreadable status answers polled through in a row; the next one ends the wait. */
  public static final int MAX_UNREADABLE_IN_A_ROW = 5;

  private final RunComfyApi api;
  private final TimeSource time;
  private final Events events;

  public Poller(RunComfyApi api, TimeSource time, Events events) {
    this.api = api;
    this.time = time;
    this.events = events;
  }

  public RequestResult await(String requestId, AwaitOptions options) {
    Wait wait = new Wait(requestId, options);
    while (true) {
      try {
        RequestStatus status = readStatus(wait);
        if (status != null && wait.seen(status)) {
          RequestResult result = finalResult(wait, status.status());
          if (result != null) {
            return result;
          }
        }
      } catch (CallInterruptedException e) {
        throw wait.interrupted(e);
      } catch (DreaminaException e) {
        wait.failed(e);
      }
      Duration delay = wait.nextDelay();
      if (delay == null) {
        throw timedOut(wait);
      }
      try {
        time.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw wait.interrupted(e);
      }
    }
  }

  /** A status read, or {@code null} for an unreadable answer that the wait polls through. */
  private RequestStatus readStatus(Wait wait) {
    try {
      return api.status(wait.requestId, wait.deadline);
    } catch (InvalidResponseException e) {
      wait.unreadable(e);
      return null;
    }
  }

  private RequestResult finalResult(Wait wait, Status terminal) {
    RequestResult result;
    try {
      result = api.result(wait.requestId, wait.deadline);
    } catch (DreaminaException e) {
      throw wait.resultFailure(terminal, e);
    }
    return wait.settle(terminal, result);
  }

  private AwaitTimeoutException timedOut(Wait wait) {
    if (!wait.options.cancelOnTimeout()) {
      return wait.timeout(false, null, null);
    }
    try {
      return wait.timeout(true, api.cancel(wait.requestId, false).outcome(), null);
    } catch (DreaminaException e) {
      return wait.timeout(true, null, e);
    }
  }

  /**
   * Polls like {@link #await}, but holds no thread between polls: each poll is an OkHttp async
   * call, and each delay a task on the shared scheduler. Cancelling the future stops the polling
   * at once (the pending poll and any exchange in flight), and with {@link
   * AwaitOptions#cancelOnAbort()} makes one bounded cancel of the job.
   */
  public CompletableFuture<RequestResult> awaitAsync(String requestId, AwaitOptions options) {
    AsyncWait wait = new AsyncWait(new Wait(requestId, options));
    wait.poll();
    return wait.future;
  }

  private final class AsyncWait {
    final Wait wait;
    final CompletableFuture<RequestResult> future = new CompletableFuture<>();
    volatile Future<?> pending;
    volatile CompletableFuture<?> inFlight;

    AsyncWait(Wait wait) {
      this.wait = wait;
      future.whenComplete(
          (result, failure) -> {
            if (future.isCancelled()) {
              abort();
            }
          });
    }

    private void abort() {
      Future<?> next = pending;
      CompletableFuture<?> current = inFlight;
      if (next != null) {
        next.cancel(false);
      }
      if (current != null) {
        current.cancel(true);
      }
      if (wait.options.cancelOnAbort()) {
        api.cancelAsync(wait.requestId, false)
            .whenComplete(
                (cancel, failure) ->
                    LOG.log(
                        Level.DEBUG,
                        () ->
                            "wait for " + wait.requestId + " abandoned; cancel: "
                                + (failure == null ? cancel.rawOutcome() : Futures.unwrap(failure).getMessage())));
      }
    }

    /** Polls once. Steps run one after another, so the wait's state needs no locking. */
    void poll() {
      if (future.isDone()) {
        return;
      }
      CompletableFuture<RequestStatus> call = api.statusAsync(wait.requestId, wait.deadline);
      inFlight = call;
      call.whenComplete(
          (status, failure) -> {
            if (failure != null) {
              statusFailed(Futures.unwrap(failure));
              return;
            }
            boolean terminal;
            try {
              terminal = wait.seen(status);
            } catch (RuntimeException callbackFailure) {
              future.completeExceptionally(callbackFailure);
              return;
            }
            if (terminal) {
              fetchResult(status.status());
            } else {
              scheduleNext();
            }
          });
    }

    private void fetchResult(Status terminal) {
      CompletableFuture<RequestResult> call = api.resultAsync(wait.requestId, wait.deadline);
      inFlight = call;
      call.whenComplete(
          (result, failure) -> {
            RequestResult settled;
            try {
              if (failure != null) {
                Throwable cause = Futures.unwrap(failure);
                if (!(cause instanceof DreaminaException dreaminaFailure)) {
                  future.completeExceptionally(cause);
                  return;
                }
                throw wait.resultFailure(terminal, dreaminaFailure);
              }
              settled = wait.settle(terminal, result);
            } catch (DreaminaException e) {
              failed(e);
              return;
            }
            if (settled != null) {
              future.complete(settled);
            } else {
              scheduleNext();
            }
          });
    }

    private void statusFailed(Throwable failure) {
      if (!(failure instanceof InvalidResponseException unreadable)) {
        failed(failure);
        return;
      }
      try {
        wait.unreadable(unreadable);
      } catch (InvalidResponseException fatal) {
        future.completeExceptionally(fatal);
        return;
      }
      scheduleNext();
    }

    private void failed(Throwable failure) {
      if (future.isDone()) {
        return;
      }
      if (!(failure instanceof DreaminaException dreaminaFailure)) {
        future.completeExceptionally(failure);
        return;
      }
      try {
        wait.failed(dreaminaFailure);
      } catch (DreaminaException fatal) {
        future.completeExceptionally(fatal);
        return;
      }
      scheduleNext();
    }

    private void scheduleNext() {
      if (future.isDone()) {
        return;
      }
      Duration delay = wait.nextDelay();
      if (delay != null) {
        pending = time.schedule(delay, this::poll);
        if (future.isDone()) {
          pending.cancel(false); // cancelled while scheduling; poll() would return at once anyway
        }
        return;
      }
      if (!wait.options.cancelOnTimeout()) {
        future.completeExceptionally(wait.timeout(false, null, null));
        return;
      }
      api.cancelAsync(wait.requestId, false)
          .whenComplete(
              (cancel, failure) -> {
                Throwable cause = failure == null ? null : Futures.unwrap(failure);
                future.completeExceptionally(
                    cause instanceof DreaminaException cancelFailure
                        ? wait.timeout(true, null, cancelFailure)
                        : wait.timeout(true, cancel == null ? null : cancel.outcome(), null));
              });
    }
  }

  /** One wait's state and rules, shared by the blocking and the async loop. */
  private final class Wait {
    final String requestId;
    final AwaitOptions options;
    final long deadline;
    Duration interval;
    RequestStatus last;
    DreaminaException lastFailure;
    int unreadableInARow;

    Wait(String requestId, AwaitOptions options) {
      this.requestId = requestId;
      this.options = options;
      this.deadline = time.nanoTime() + options.timeout().toNanos();
      this.interval = options.pollInterval();
    }

    /** Records a status read; tells whether it is terminal. */
    boolean seen(RequestStatus status) {
      lastFailure = null;
      unreadableInARow = 0;
      if (changed(last, status)) {
        events.statusChanged(status);
        options.onUpdate().ifPresent(callback -> callback.accept(status));
      }
      last = status;
      return status.status().isTerminal();
    }

    /** Remembers an unreadable status answer so polling goes on; rethrows it past the cap. */
    void unreadable(InvalidResponseException e) {
      if (++unreadableInARow > MAX_UNREADABLE_IN_A_ROW) {
        throw e;
      }
      lastFailure = e;
      LOG.log(
          Level.DEBUG,
          () ->
              "polling " + requestId + " goes on after unreadable answer " + unreadableInARow
                  + " in a row: " + e.getMessage());
    }

    /** Remembers a transient failure so polling goes on; rethrows any other. */
    void failed(DreaminaException e) {
      if (!RetryPolicy.isTransient(e)) {
        throw e;
      }
      lastFailure = e;
      LOG.log(Level.DEBUG, () -> "polling " + requestId + " goes on after: " + e.getMessage());
    }

    /**
     * The result of a job whose status is terminal: returned when completed, thrown as {@link
     * GenerationFailedException} when failed or cancelled, or {@code null} when the result call
     * still reports it unfinished (then polling goes on).
     */
    RequestResult settle(Status terminal, RequestResult result) {
      if (terminal != Status.COMPLETED) {
        throw new GenerationFailedException(requestId, terminal, result.error().orElse(null), result);
      }
      return switch (result.status()) {
        case COMPLETED -> result;
        case FAILED, CANCELLED ->
            throw new GenerationFailedException(
                result.requestId(), result.status(), result.error().orElse(null), result);
        default -> null;
      };
    }

    /** What a failed result call means once the status was terminal. */
    DreaminaException resultFailure(Status terminal, DreaminaException e) {
      if (terminal == Status.COMPLETED
          || RetryPolicy.isTransient(e)
          || e instanceof CallInterruptedException) {
        return e;
      }
      // The job failed either way; a missing error text should not hide that.
      GenerationFailedException failure = new GenerationFailedException(requestId, terminal, null, null);
      failure.addSuppressed(e);
      return failure;
    }

    /** The delay before the next poll, or {@code null} when the deadline has passed. */
    Duration nextDelay() {
      long remaining = deadline - time.nanoTime();
      if (remaining <= 0) {
        return null;
      }
      Duration delay = min(interval, Duration.ofNanos(remaining));
      interval = min(Duration.ofNanos((long) (interval.toNanos() * GROWTH)), options.maxPollInterval());
      return delay;
    }

    AwaitTimeoutException timeout(
        boolean cancelAttempted, CancelOutcome outcome, DreaminaException cancelFailure) {
      AwaitTimeoutException timeout =
          new AwaitTimeoutException(
              requestId, options.timeout(), last, cancelAttempted, outcome, lastFailure);
      if (cancelFailure != null) {
        timeout.addSuppressed(cancelFailure);
      }
      return timeout;
    }

    CallInterruptedException interrupted(Exception cause) {
      return new CallInterruptedException(
          "Interrupted while waiting for request "
              + requestId
              + " (last status: "
              + (last == null ? "none seen" : last.describe())
              + "). The job is unaffected; resume with awaitResult(\""
              + requestId
              + "\").",
          requestId,
          cause);
    }
  }

  private static boolean changed(RequestStatus last, RequestStatus now) {
    return last == null
        || !last.rawStatus().equals(now.rawStatus())
        || !Objects.equals(last.queuePosition(), now.queuePosition());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
