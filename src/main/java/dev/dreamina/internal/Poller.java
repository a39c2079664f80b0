package dev.dreamina.internal;

import dev.dreamina.AwaitOptions;
import dev.dreamina.AwaitTimeoutException;
import dev.dreamina.CallInterruptedException;
import dev.dreamina.CancelOutcome;
import dev.dreamina.DreaminaException;
import dev.dreamina.GenerationFailedException;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * Polls a job until it finishes, fails or the deadline passes. Transient failures (see {@link
 * RetryPolicy#isTransient}) never end the wait early: after the transport's own retries they are
 * remembered and polling goes on; the deadline reports the last one as its cause.
 */
public final class Poller {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final double GROWTH = 1.5;

  private final RunComfyApi api;
  private final TimeSource time;

  public Poller(RunComfyApi api, TimeSource time) {
    this.api = api;
    this.time = time;
  }

  public RequestResult await(String requestId, AwaitOptions options) {
    long deadline = time.nanoTime() + options.timeout().toNanos();
    Duration interval = options.pollInterval();
    RequestStatus last = null;
    DreaminaException lastFailure = null;
    while (true) {
      try {
        RequestStatus status = api.status(requestId, deadline);
        lastFailure = null;
        if (changed(last, status)) {
          options.onUpdate().ifPresent(callback -> callback.accept(status));
        }
        last = status;
        if (status.status().isTerminal()) {
          RequestResult result = finalResult(requestId, status.status(), deadline);
          if (result != null) {
            return result;
          }
        }
      } catch (CallInterruptedException e) {
        throw interrupted(requestId, last, e);
      } catch (DreaminaException e) {
        if (!RetryPolicy.isTransient(e)) {
          throw e;
        }
        lastFailure = e;
        LOG.log(Level.DEBUG, () -> "polling " + requestId + " goes on after: " + e.getMessage());
      }
      long remaining = deadline - time.nanoTime();
      if (remaining <= 0) {
        throw timedOut(requestId, options, last, lastFailure);
      }
      try {
        time.sleep(min(interval, Duration.ofNanos(remaining)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(requestId, last, e);
      }
      interval = min(Duration.ofNanos((long) (interval.toNanos() * GROWTH)), options.maxPollInterval());
    }
  }

  /**
   * The result of a job whose status is terminal: returned when completed, thrown as {@link
   * GenerationFailedException} when failed or cancelled, or {@code null} when the result call
   * still reports it unfinished (then polling goes on).
   */
  private RequestResult finalResult(String requestId, Status terminal, long deadline) {
    RequestResult result;
    try {
      result = api.result(requestId, deadline);
    } catch (DreaminaException e) {
      if (terminal == Status.COMPLETED
          || RetryPolicy.isTransient(e)
          || e instanceof CallInterruptedException) {
        throw e;
      }
      // The job failed either way; a missing error text should not hide that.
      GenerationFailedException failure =
          new GenerationFailedException(requestId, terminal, null, null);
      failure.addSuppressed(e);
      throw failure;
    }
    if (terminal != Status.COMPLETED) {
      throw new GenerationFailedException(requestId, terminal, result.error().orElse(null), result);
    }
    switch (result.status()) {
      case COMPLETED:
        return result;
      case FAILED:
      case CANCELLED:
        throw failed(result);
      default:
        return null;
    }
  }

  private static GenerationFailedException failed(RequestResult result) {
    return new GenerationFailedException(
        result.requestId(), result.status(), result.error().orElse(null), result);
  }

  private AwaitTimeoutException timedOut(
      String requestId, AwaitOptions options, RequestStatus last, DreaminaException lastFailure) {
    if (!options.cancelOnTimeout()) {
      return new AwaitTimeoutException(
          requestId, options.timeout(), last, false, null, lastFailure);
    }
    CancelOutcome outcome = null;
    DreaminaException cancelFailure = null;
    try {
      outcome = api.cancel(requestId, false).outcome();
    } catch (DreaminaException e) {
      cancelFailure = e;
    }
    AwaitTimeoutException timeout =
        new AwaitTimeoutException(requestId, options.timeout(), last, true, outcome, lastFailure);
    if (cancelFailure != null) {
      timeout.addSuppressed(cancelFailure);
    }
    return timeout;
  }

  private static CallInterruptedException interrupted(
      String requestId, RequestStatus last, Exception cause) {
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

  private static boolean changed(RequestStatus last, RequestStatus now) {
    return last == null
        || !last.rawStatus().equals(now.rawStatus())
        || !Objects.equals(last.queuePosition(), now.queuePosition());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
