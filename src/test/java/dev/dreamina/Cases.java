package dev.dreamina;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Seeded random cases for the property and fuzz tests: the same cases on every run, each from a
 * seed of its own, and a failure that names the case and how to run exactly it again. The seed is
 * {@value #DEFAULT_SEED} unless {@code -Ddreamina.seed=N} gives another (to explore new cases).
 */
public final class Cases {
  public static final long DEFAULT_SEED = 20261130L;

  /** The run's seed: {@code -Ddreamina.seed}, else {@value #DEFAULT_SEED}. */
  public static final long SEED = Long.getLong("dreamina.seed", DEFAULT_SEED);

  private Cases() {}

  /**
   * Runs {@code property} on {@code tries} cases, each with a {@link Random} of its own seed.
   *
   * @throws AssertionError naming the property, the case, its seed and how to rerun it, with the
   *     failure as its cause
   */
  public static void check(String property, int tries, Consumer<Random> check) {
    for (int i = 0; i < tries; i++) {
      long seed = caseSeed(i);
      try {
        check.accept(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            property + " failed on case " + i + " of " + tries + " (case seed " + seed + "; run seed " + SEED
                + ": rerun with -Ddreamina.seed=" + SEED + "): " + e.getMessage(),
            e);
      }
    }
  }

  private static long caseSeed(int i) {
    return SEED * 0x9E3779B97F4A7C15L + i;
  }

  /** One of the items, each as likely. */
  public static <T> T pick(Random random, List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  /** An int from {@code min} to {@code max}, both included. */
  public static int between(Random random, int min, int max) {
    return min + (int) (random.nextDouble() * ((long) max - min + 1));
  }

  /** One of the generators' values, picked by weight: {@code weights[i]} for {@code generators.get(i)}. */
  public static <T> T weighted(Random random, int[] weights, List<Function<Random, T>> generators) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int at = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      at -= weights[i];
      if (at < 0) {
        return generators.get(i).apply(random);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** A string of up to {@code maxLength} characters of any kind, control characters and surrogate halves included. */
  public static String anyString(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      text.append((char) (random.nextBoolean() ? between(random, 0, 0x7F) : random.nextInt(0x10000)));
    }
    return text.toString();
  }
}
