package dev.dreamina.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

/** The sandbox's scripted faults, in order, then its random ones. Thread-safe. */
final class Faults {
  /** A scripted answer: an error status (and its {@code Retry-After}), or 0 to drop the connection. */
  record Fault(int status, Duration retryAfter) {
    boolean drops() {
      return status == 0;
    }
  }

  private final Deque<Fault> scripted = new ArrayDeque<>();
  private volatile RandomFaults random = RandomFaults.NONE;

  void add(Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
    synchronized (scripted) {
      for (int i = 0; i < times; i++) {
        scripted.add(fault);
      }
    }
  }

  void random(double statusRate, int status, double readDropRate, long seed, boolean readsOnly) {
    if (!(statusRate >= 0 && statusRate <= 1 && readDropRate >= 0 && readDropRate <= 1)) {
      throw new IllegalArgumentException("rates must be between 0 and 1");
    }
    random = new RandomFaults(statusRate, status, readDropRate, new Random(seed), readsOnly);
  }

  /** The fault for the next request, or {@code null} for a normal answer. */
  Fault next(String method) {
    Fault fault;
    synchronized (scripted) {
      fault = scripted.poll();
    }
    return fault != null ? fault : random.next(method);
  }

  /** Seeded random faults; the random source is shared by the handler threads, hence the lock. */
  private record RandomFaults(double statusRate, int status, double readDropRate, Random random, boolean readsOnly) {
    static final RandomFaults NONE = new RandomFaults(0, 0, 0, new Random(0), false);

    Fault next(String method) {
      if ((statusRate == 0 && readDropRate == 0) || (readsOnly && !method.equals("GET"))) {
        return null;
      }
      double roll;
      synchronized (random) {
        roll = random.nextDouble();
      }
      if (roll < statusRate) {
        return new Fault(status, null);
      }
      if (method.equals("GET") && roll < statusRate + readDropRate) {
        return new Fault(0, null);
      }
      return null;
    }
  }
}
