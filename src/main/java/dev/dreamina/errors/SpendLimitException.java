package dev.dreamina.errors;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A submit was refused before anything was sent, because it would pass the client's spend limit
 * ({@code DreaminaClientBuilder.spendLimit}) or a budget's window that every instance sharing the
 * journal shares ({@link #window()}), or because the price could not be read while a
 * limit is set (the client never guesses a cost). Nothing was submitted, nothing is owed.
 */
public class SpendLimitException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final BigDecimal limit;
  private final BigDecimal committed;
  private final @Nullable BigDecimal estimate;
  private final @Nullable String window;

  /**
   * Creates the exception.
   *
   * @param message why the submit was refused
   * @param limit the client's limit, in US dollars
   * @param committed what the client had committed when it refused
   * @param estimate the job's estimate, or {@code null} when the price could not be read
   * @param cause why the price could not be read, or {@code null}
   */
  public SpendLimitException(
      String message, BigDecimal limit, BigDecimal committed, @Nullable BigDecimal estimate, @Nullable Throwable cause) {
    this(message, limit, committed, estimate, null, cause);
  }

  /**
   * Creates the exception for a budget's window ({@code DreaminaClientBuilder.spendLimit(Budget...)}).
   *
   * @param message why the submit was refused
   * @param limit the budget's limit, in US dollars
   * @param committed what the window had committed, across every instance sharing the journal
   * @param estimate the job's estimate, or {@code null} when the price could not be read
   * @param window the window's name ({@code dev.dreamina.Budget.windowAt}), or {@code null} for the
   *     client's own limit
   * @param cause why the price could not be read, or {@code null}
   */
  public SpendLimitException(
      String message,
      BigDecimal limit,
      BigDecimal committed,
      @Nullable BigDecimal estimate,
      @Nullable String window,
      @Nullable Throwable cause) {
    super(message, null, cause);
    this.limit = Objects.requireNonNull(limit, "limit == null");
    this.committed = Objects.requireNonNull(committed, "committed == null");
    this.estimate = estimate;
    this.window = window;
  }

  /**
   * The budget window that refused the submit, as {@code day:2026-12-07@UTC}; empty when the
   * client's own limit did.
   *
   * @return the window's name, or empty
   */
  public Optional<String> window() {
    return Optional.ofNullable(window);
  }

  /**
   * The client's spend limit.
   *
   * @return US dollars
   */
  public BigDecimal limit() {
    return limit;
  }

  /**
   * What the client had committed: the estimates of its jobs still running or completed, less
   * what failed or cancelled jobs gave back, with completed jobs at their real cost when known.
   *
   * @return US dollars
   */
  public BigDecimal committed() {
    return committed;
  }

  /**
   * The refused job's estimate; empty when the price could not be read.
   *
   * @return US dollars
   */
  public Optional<BigDecimal> estimate() {
    return Optional.ofNullable(estimate);
  }
}
