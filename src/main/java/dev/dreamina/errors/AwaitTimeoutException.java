package dev.dreamina.errors;

import dev.dreamina.AwaitOptions;
import dev.dreamina.CancelOutcome;
import dev.dreamina.DreaminaClient;
import dev.dreamina.RequestStatus;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The await deadline passed before the job finished. The job may still be running and will still be
 * charged: resume with {@link DreaminaClient#awaitResult(String)} and {@link #requestId()}.
 *
 * <p>With {@link AwaitOptions#cancelOnTimeout()}, one bounded cancel was tried first, and
 * {@link #cancelOutcome()} reports what it did.
 */
public class AwaitTimeoutException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable RequestStatus lastStatus;
  private final boolean cancelAttempted;
  private final @Nullable CancelOutcome cancelOutcome;

  /**
   * Creates the exception.
   *
   * @param requestId the job's id
   * @param timeout the deadline that passed
   * @param lastStatus the last status seen, or {@code null} when no poll succeeded
   * @param cancelAttempted whether a cancel was tried
   * @param cancelOutcome the cancel's outcome, or {@code null} when none was tried or it failed
   * @param cause the last polling failure, or {@code null}
   */
  public AwaitTimeoutException(
      String requestId,
      Duration timeout,
      @Nullable RequestStatus lastStatus,
      boolean cancelAttempted,
      @Nullable CancelOutcome cancelOutcome,
      @Nullable Throwable cause) {
    super(describe(requestId, timeout, lastStatus, cancelAttempted, cancelOutcome), requestId, cause);
    this.lastStatus = lastStatus;
    this.cancelAttempted = cancelAttempted;
    this.cancelOutcome = cancelOutcome;
  }

  /**
   * The last status seen before the deadline.
   *
   * @return the status, or empty when no poll succeeded
   */
  public Optional<RequestStatus> lastStatus() {
    return Optional.ofNullable(lastStatus);
  }

  /**
   * Whether a cancel was tried at the deadline ({@link AwaitOptions#cancelOnTimeout()}).
   *
   * @return {@code true} when a cancel was tried
   */
  public boolean cancelAttempted() {
    return cancelAttempted;
  }

  /**
   * What the cancel tried at the deadline did.
   *
   * @return the outcome, or empty when no cancel was tried or the cancel call itself failed (then
   *     its failure is a suppressed exception)
   */
  public Optional<CancelOutcome> cancelOutcome() {
    return Optional.ofNullable(cancelOutcome);
  }

  private static String describe(
      String requestId,
      Duration timeout,
      @Nullable RequestStatus lastStatus,
      boolean cancelAttempted,
      @Nullable CancelOutcome cancelOutcome) {
    StringBuilder sb =
        new StringBuilder("Gave up waiting for request ")
            .append(requestId)
            .append(" after ")
            .append(timeout)
            .append(" (last status: ")
            .append(lastStatus == null ? "none seen" : lastStatus.describe())
            .append("). ");
    if (!cancelAttempted) {
      sb.append("The job may still be running; resume with awaitResult(\"")
          .append(requestId)
          .append("\").");
    } else if (cancelOutcome == CancelOutcome.CANCELLED) {
      sb.append("It was cancelled.");
    } else {
      sb.append("A cancel was tried (")
          .append(cancelOutcome == null ? "the cancel call failed" : "outcome: " + cancelOutcome)
          .append("); the job may still be running; resume with awaitResult(\"")
          .append(requestId)
          .append("\").");
    }
    return sb.toString();
  }
}
