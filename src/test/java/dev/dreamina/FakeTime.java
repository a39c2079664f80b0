package dev.dreamina;

import dev.dreamina.internal.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Time that only moves when the code under test sleeps or schedules; records every wait. A
 * scheduled task runs at once, after the clock has moved by its delay, unless {@link #holdTasks()}
 * was called: then tasks wait in {@link #held()} until the test runs them.
 */
final class FakeTime implements TimeSource {
  static final Instant START = Instant.parse("2026-11-24T12:00:00Z");

  private long nanos = 1_000_000_000L;
  private final long startNanos = nanos;
  private final List<Duration> sleeps = new ArrayList<>();
  private int interruptOnSleep = -1;
  private boolean holdTasks;
  private final BlockingQueue<FutureTask<Void>> held = new LinkedBlockingQueue<>();

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

  @Override
  public Future<?> schedule(Duration delay, Runnable task) {
    FutureTask<Void> future = new FutureTask<>(task, null);
    synchronized (this) {
      sleeps.add(delay);
      nanos += delay.toNanos();
      if (holdTasks) {
        held.add(future);
        return future;
      }
    }
    future.run();
    return future;
  }

  /** From now on, scheduled tasks wait to be run by the test. */
  synchronized void holdTasks() {
    holdTasks = true;
  }

  /** Waits up to 5 s for the next held task. */
  FutureTask<Void> nextHeld() throws InterruptedException {
    return held.poll(5, TimeUnit.SECONDS);
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
