package dev.dreamina;

import dev.dreamina.errors.AwaitTimeoutException;
import dev.dreamina.internal.Arguments;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How {@link DreaminaClient#awaitResult(String, AwaitOptions)} polls: the first delay between
 * polls, the cap it grows to (by half again each poll), the overall deadline, whether to cancel at
 * the deadline, and a callback for status changes. Immutable; made with {@link #builder()}.
 *
 * <p>Defaults: poll after {@value #DEFAULT_POLL_INTERVAL_SECONDS} s, growing to at most {@value
 * #DEFAULT_MAX_POLL_INTERVAL_SECONDS} s; give up after {@value #DEFAULT_TIMEOUT_MINUTES} minutes;
 * no cancel at the deadline; no callback. (RunComfy's own clients poll every 3 to 5 s and give up
 * after 5 to 30 minutes.)
 */
public final class AwaitOptions {
  /** The default first delay between polls, in seconds. */
  public static final int DEFAULT_POLL_INTERVAL_SECONDS = 2;

  /** The default cap on the delay between polls, in seconds. */
  public static final int DEFAULT_MAX_POLL_INTERVAL_SECONDS = 10;

  /** The default overall deadline, in minutes. */
  public static final int DEFAULT_TIMEOUT_MINUTES = 15;

  private static final AwaitOptions DEFAULTS = builder().build();

  private final Duration pollInterval;
  private final Duration maxPollInterval;
  private final Duration timeout;
  private final boolean cancelOnTimeout;
  private final boolean cancelOnAbort;
  private final @Nullable Consumer<RequestStatus> onUpdate;

  private AwaitOptions(Builder b) {
    this.pollInterval = b.pollInterval;
    this.maxPollInterval = b.maxPollInterval;
    this.timeout = b.timeout;
    this.cancelOnTimeout = b.cancelOnTimeout;
    this.cancelOnAbort = b.cancelOnAbort;
    this.onUpdate = b.onUpdate;
  }

  /**
   * The defaults described above.
   *
   * @return the default options
   */
  public static AwaitOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these options, to make a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.pollInterval = pollInterval;
    b.maxPollInterval = maxPollInterval;
    b.timeout = timeout;
    b.cancelOnTimeout = cancelOnTimeout;
    b.cancelOnAbort = cancelOnAbort;
    b.onUpdate = onUpdate;
    return b;
  }

  /**
   * The first delay between polls. Default 2 s.
   *
   * @return the delay
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * The cap on the delay between polls, which grows by half each poll. Default 10 s.
   *
   * @return the cap
   */
  public Duration maxPollInterval() {
    return maxPollInterval;
  }

  /**
   * How long to wait in all before {@link AwaitTimeoutException}. Default 15 minutes.
   *
   * @return the deadline, measured from the start of the wait
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether one bounded cancel is tried at the deadline. Default {@code false}.
   *
   * @return {@code true} to cancel at the deadline
   */
  public boolean cancelOnTimeout() {
    return cancelOnTimeout;
  }

  /**
   * Whether cancelling the future of {@link DreaminaClientAsync#awaitResult(String, AwaitOptions)}
   * or {@link DreaminaClientAsync#generate(ImageToVideoRequest, AwaitOptions)} also makes one
   * bounded cancel of the job on RunComfy. Default {@code false}: cancelling the future only stops
   * the polling, and the job runs on.
   *
   * @return {@code true} to cancel the job when the wait is abandoned
   */
  public boolean cancelOnAbort() {
    return cancelOnAbort;
  }

  /**
   * The callback for status changes.
   *
   * @return the callback, or empty when none is set
   */
  public Optional<Consumer<RequestStatus>> onUpdate() {
    return Optional.ofNullable(onUpdate);
  }

  @Override
  public String toString() {
    return "AwaitOptions{pollInterval="
        + pollInterval
        + ", maxPollInterval="
        + maxPollInterval
        + ", timeout="
        + timeout
        + ", cancelOnTimeout="
        + cancelOnTimeout
        + ", cancelOnAbort="
        + cancelOnAbort
        + ", onUpdate="
        + (onUpdate == null ? "none" : "set")
        + "}";
  }

  /** Collects await options. Not thread-safe. */
  public static final class Builder {
    private Duration pollInterval = Duration.ofSeconds(DEFAULT_POLL_INTERVAL_SECONDS);
    private Duration maxPollInterval = Duration.ofSeconds(DEFAULT_MAX_POLL_INTERVAL_SECONDS);
    private Duration timeout = Duration.ofMinutes(DEFAULT_TIMEOUT_MINUTES);
    private boolean cancelOnTimeout;
    private boolean cancelOnAbort;
    private @Nullable Consumer<RequestStatus> onUpdate;

    private Builder() {}

    /**
     * Sets the first delay between polls. Default 2 s.
     *
     * @param pollInterval a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Arguments.positive(pollInterval, "pollInterval");
      return this;
    }

    /**
     * Sets the cap on the delay between polls. Default 10 s.
     *
     * @param maxPollInterval a positive duration, at least the poll interval
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = Arguments.positive(maxPollInterval, "maxPollInterval");
      return this;
    }

    /**
     * Sets the overall deadline. Default 15 minutes.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Arguments.positive(timeout, "timeout");
      return this;
    }

    /**
     * Whether to try one bounded cancel at the deadline. Default {@code false}. Only a queued job
     * can be cancelled; {@link AwaitTimeoutException#cancelOutcome()} reports what happened.
     *
     * @param cancelOnTimeout {@code true} to cancel at the deadline
     * @return this builder
     */
    public Builder cancelOnTimeout(boolean cancelOnTimeout) {
      this.cancelOnTimeout = cancelOnTimeout;
      return this;
    }

    /**
     * Whether cancelling an async wait's future also makes one bounded cancel of the job on
     * RunComfy (one attempt, no retry, within the client's request timeout; its outcome is logged
     * at DEBUG). Default {@code false}: cancelling the future only stops the polling.
     *
     * @param cancelOnAbort {@code true} to cancel the job when its async wait is cancelled
     * @return this builder
     */
    public Builder cancelOnAbort(boolean cancelOnAbort) {
      this.cancelOnAbort = cancelOnAbort;
      return this;
    }

    /**
     * Sets a callback for the first status seen and for every change of status or queue position.
     * A blocking wait runs it on the awaiting thread; an async wait runs it, in order, on the SDK
     * thread that read the status, so it must be quick and must not block. An exception it throws
     * ends the wait and reaches the caller (or the future).
     *
     * @param onUpdate the callback, or {@code null} for none
     * @return this builder
     */
    public Builder onUpdate(@Nullable Consumer<RequestStatus> onUpdate) {
      this.onUpdate = onUpdate;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException if the cap is below the first delay
     */
    public AwaitOptions build() {
      if (maxPollInterval.compareTo(pollInterval) < 0) {
        throw new IllegalArgumentException(
            "maxPollInterval (" + maxPollInterval + ") < pollInterval (" + pollInterval + ")");
      }
      return new AwaitOptions(this);
    }
  }
}
