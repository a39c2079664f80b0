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

  /** The longest idempotency key taken. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 256;

  /**
   * @throws NullPointerException when {@code key} is null
   * @throws IllegalArgumentException when it is empty, longer than {@value #MAX_IDEMPOTENCY_KEY_LENGTH}
   *     characters or holds a control character
   */
  public static String idempotencyKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey == null");
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "idempotencyKey must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters, not " + key.length());
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("idempotencyKey holds a line break or another control character");
    }
    return key;
  }
}
