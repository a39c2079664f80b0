package dev.dreamina;

import dev.dreamina.internal.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;

/** The real clock and sleeps, with a wall clock the test moves forward. */
final class OffsetTime implements TimeSource {
  private volatile Duration offset = Duration.ZERO;

  void advance(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public long nanoTime() {
    return SYSTEM.nanoTime();
  }

  @Override
  public Instant now() {
    return SYSTEM.now().plus(offset);
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    SYSTEM.sleep(duration);
  }

  @Override
  public Future<?> schedule(Duration delay, Runnable task) {
    return SYSTEM.schedule(delay, task);
  }
}
