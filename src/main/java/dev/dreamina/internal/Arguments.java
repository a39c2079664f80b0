package dev.dreamina.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the public builders, with messages that name the argument. */
public final class Arguments {
  private Arguments() {}

  /**
   * @throws NullPointerException when {@code d} is null
   * @throws IllegalArgumentException when {@code d} is zero or negative
   */
  public static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
