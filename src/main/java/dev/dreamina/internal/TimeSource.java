package dev.dreamina.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic time, wall time, sleeping and scheduling, in one injectable place so tests never sleep
 * for real.
 * Elapsed time is always measured with {@link #nanoTime()}, never with the wall clock. The wall
 * clock is read to turn an HTTP-date {@code Retry-After} into a wait, and by the journal: its
 * entries' timestamps, the file journal's lease ends, and the retention cutoff. A database journal
 * judges leases on the database's clock instead.
 */
public interface TimeSource {
  /** The real clock and {@link Thread#sleep}. */
  TimeSource SYSTEM =
      new TimeSource() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          long nanos = duration.toNanos();
          if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
          }
        }

        @Override
        public Future<?> schedule(Duration delay, Runnable task) {
          return Scheduler.EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
      };

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The wall clock. */
  Instant now();

  /** Sleeps, or throws at once when the thread is interrupted. */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Runs {@code task} once after {@code delay}, on a thread that must only start work, never block:
   * this is how async retries and polls wait without holding a thread.
   *
   * @return a handle whose {@code cancel} stops the task if it has not started
   */
  Future<?> schedule(Duration delay, Runnable task);

  /**
   * The one scheduler thread shared by every client in the JVM, created on first use. A daemon, so
   * it never keeps the JVM alive; its tasks only enqueue OkHttp calls.
   */
  final class Scheduler {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private Scheduler() {}

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, "dreamina-scheduler");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
