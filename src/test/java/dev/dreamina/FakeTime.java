package dev.dreamina;

import dev.dreamina.internal.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Time that only moves when the code under test sleeps; records every sleep. */
final class FakeTime implements TimeSource {
  static final Instant START = Instant.parse("2026-11-24T12:00:00Z");

  private long nanos = 1_000_000_000L;
  private final long startNanos = nanos;
  private final List<Duration> sleeps = new ArrayList<>();
  private int interruptOnSleep = -1;

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return START.plusNanos(nanos - startNanos);
  }

  @Override
  public synchronized void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted() || sleeps.size() == interruptOnSleep) {
      throw new InterruptedException("fake interrupt");
    }
    sleeps.add(duration);
    nanos += duration.toNanos();
  }

  /** Makes sleep number {@code index} (0-based) throw as if the thread were interrupted. */
  synchronized void interruptOnSleep(int index) {
    this.interruptOnSleep = index;
  }

  synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }

  synchronized List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  synchronized Duration elapsed() {
    return Duration.ofNanos(nanos - startNanos);
  }
}
