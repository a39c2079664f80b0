package dev.dreamina.internal.http;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.internal.TimeSource;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Which failures are worth another attempt, and how long to wait before it: the server's {@code
 * Retry-After} when it sent one (up to a cap), else exponential backoff with jitter.
 */
public final class RetryPolicy {
  /** Statuses that say "try again": timeout, rate limit, and the transient 5xx. */
  private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

  /** RunComfy's "Internal" code; its docs advise retrying with exponential backoff. */
  private static final int INTERNAL_ERROR_CODE = 500001;

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final DoubleSupplier random;

  /**
   * @param maxRetries retries after the first attempt
   * @param initialBackoff the backoff before the first retry, before jitter
   * @param maxBackoff the backoff cap
   * @param maxRetryAfter the longest {@code Retry-After} slept through; a longer one fails the call
   * @param random uniform values in [0, 1), for jitter
   */
  public RetryPolicy(
      int maxRetries,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration maxRetryAfter,
      DoubleSupplier random) {
    this.maxRetries = maxRetries;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxRetryAfter = maxRetryAfter;
    this.random = random;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /** Whether an HTTP status says "try again": 408, 429, 500, 502, 503, 504. */
  public static boolean isRetryableStatus(int status) {
    return RETRYABLE_STATUS.contains(status);
  }

  /**
   * Whether a failed read (status, result, cancel) may be tried again: I/O failures, 408, 429,
   * 500, 502, 503, 504, and {@code error_code} 500001.
   */
  public static boolean isTransient(DreaminaException e) {
    if (e instanceof NetworkException) {
      return true;
    }
    if (e instanceof ApiException api) {
      return isRetryableStatus(api.statusCode())
          || api.errorCode().orElse(0) == INTERNAL_ERROR_CODE;
    }
    return false;
  }

  /**
   * The wait before retry number {@code retry} (1-based), or empty when the server asked for a
   * wait longer than the cap, so the call should fail now rather than sleep through it.
   */
  public Optional<Duration> delayBefore(int retry, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      Duration wait = retryAfter.get();
      return wait.compareTo(maxRetryAfter) > 0 ? Optional.empty() : Optional.of(wait);
    }
    return Optional.of(backoff(retry, initialBackoff, maxBackoff, random));
  }

  /** One attempt of a call, numbered from 1. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run(int attempt);
  }

  /** How long to wait after a failed attempt before the next one, or {@code null} to give up. */
  @FunctionalInterface
  public interface DelayRule {
    Duration after(int attempt, DreaminaException failure);
  }

  /**
   * The one blocking retry loop, for API calls and downloads alike: runs attempts until one
   * succeeds or {@code rule} gives up, sleeping on {@code time} in between. An interrupt during a
   * sleep sets the flag again and ends the loop with {@code interrupted}'s exception.
   */
  public static <T> T retrying(
      Attempt<T> attempt,
      DelayRule rule,
      TimeSource time,
      Function<InterruptedException, DreaminaException> interrupted) {
    for (int n = 1; ; n++) {
      try {
        return attempt.run(n);
      } catch (DreaminaException failure) {
        Duration delay = rule.after(n, failure);
        if (delay == null) {
          throw failure;
        }
        try {
          time.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted.apply(e);
        }
      }
    }
  }

  /**
   * {@code min(cap, initial * 2^(n-1))}, scaled by a jitter factor in [0.75, 1.0] so that many
   * clients failing together do not retry in lockstep.
   */
  static Duration backoff(int retry, Duration initial, Duration cap, DoubleSupplier random) {
    double base = initial.toNanos() * Math.pow(2, Math.max(0, retry - 1));
    double capped = Math.min(base, cap.toNanos());
    double jitter = 0.75 + 0.25 * random.getAsDouble();
    return Duration.ofNanos((long) (capped * jitter));
  }

  /**
   * Reads a {@code Retry-After} header: whole seconds, or an HTTP date (RFC 1123) measured against
   * {@code now}. A date in the past means no wait.
   *
   * @return the wait, or empty when the header is absent or unreadable
   */
  public static Optional<Duration> parseRetryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
      } catch (NumberFormatException tooLong) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L));
      }
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeException unreadable) {
      return Optional.empty();
    }
  }
}
