package dev.dreamina.internal;

import dev.dreamina.JobListener;
import dev.dreamina.JobListener.JobEnd;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells the client's {@link JobListener} what happens, catching whatever it throws, and keeps the
 * per-job clock (submitted, first seen running) that the end event's queue and run times come
 * from. With no listener, it does nothing at all.
 */
public final class Events {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  /** Jobs whose times are kept at most; a job never waited for would otherwise stay forever. */
  private static final int MAX_JOBS = 10_000;

  private final JobListener listener;
  private final TimeSource time;

  /** Per job: when it was submitted (or its wait began), and when it was first seen running. */
  private final Map<String, long[]> clocks =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
          return size() > MAX_JOBS;
        }
      };

  public Events(JobListener listener, TimeSource time) {
    this.listener = listener;
    this.time = time;
  }

  public boolean enabled() {
    return listener != null;
  }

  public void submitted(String requestId) {
    if (listener != null) {
      clock(requestId);
      tell(l -> l.submitted(requestId));
    }
  }

  public void submitFailed(Throwable failure) {
    if (listener != null && failure instanceof SubmissionUnknownException unknown) {
      tell(l -> l.submitOutcomeUnknown(unknown));
    }
  }

  public void statusChanged(RequestStatus status) {
    if (listener == null) {
      return;
    }
    long[] clock = clock(status.requestId());
    if (status.status() == Status.IN_PROGRESS) {
      synchronized (clocks) {
        if (clock[1] == 0) {
          clock[1] = time.nanoTime();
        }
      }
    }
    tell(l -> l.statusChanged(status.requestId(), status.status(), status.queuePosition()));
  }

  public void retried(String call, String requestId, int attempt, DreaminaException cause) {
    if (listener != null) {
      tell(l -> l.retried(call, Optional.ofNullable(requestId), attempt, cause));
    }
  }

  /** A wait ended: with the result, or with {@code failure}; only a job's end is told. */
  public void ended(String requestId, RequestResult result, Throwable failure) {
    if (listener == null) {
      return;
    }
    Status status;
    RequestResult last = result;
    Optional<String> error = Optional.empty();
    if (failure == null) {
      status = Status.COMPLETED;
    } else if (failure instanceof GenerationFailedException failed) {
      status = failed.status();
      last = failed.result().orElse(null);
      error = failed.error();
    } else {
      return; // a timeout or an error says nothing of the job: it may still run
    }
    long now = time.nanoTime();
    long[] clock;
    synchronized (clocks) {
      clock = clocks.remove(requestId);
    }
    long start = clock == null ? now : clock[0];
    long running = clock == null || clock[1] == 0 ? now : clock[1];
    JobEnd end =
        new JobEnd(
            requestId,
            status,
            Duration.ofNanos(running - start),
            Duration.ofNanos(now - running),
            last == null ? Optional.empty() : last.cost(),
            error);
    tell(l -> l.ended(end));
  }

  public void downloaded(String requestId, long bytes, long startNanos) {
    if (listener != null) {
      Duration duration = Duration.ofNanos(time.nanoTime() - startNanos);
      tell(l -> l.downloaded(requestId, bytes, duration));
    }
  }

  public long nanoTime() {
    return time.nanoTime();
  }

  /** The job's clock, started now if it has none (a job submitted elsewhere). */
  private long[] clock(String requestId) {
    synchronized (clocks) {
      return clocks.computeIfAbsent(requestId, id -> new long[] {time.nanoTime(), 0});
    }
  }

  private void tell(Consumer<JobListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "A JobListener threw; the job goes on: " + e, e);
    }
  }
}
