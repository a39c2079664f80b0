package dev.dreamina.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Monotonic time, wall time and sleeping, in one injectable place so tests never sleep for real.
 * Elapsed time is always measured with {@link #nanoTime()}, never with the wall clock; the wall
 * clock is only read to turn an HTTP-date {@code Retry-After} into a wait.
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
      };

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The wall clock. */
  Instant now();

  /** Sleeps, or throws at once when the thread is interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
