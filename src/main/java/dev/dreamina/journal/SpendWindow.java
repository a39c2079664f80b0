package dev.dreamina.journal;

import dev.dreamina.Budget;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one budget's current window has committed, across every instance sharing the journal:
 * {@link dev.dreamina.DreaminaClient#spend()} lists one per budget.
 *
 * @param budget the budget
 * @param window the window's name ({@link Budget#windowAt})
 * @param committed the estimates of its submits, less what failed, cancelled or never-made jobs
 *     gave back, with completed jobs at their real cost when RunComfy reported it; US dollars
 */
public record SpendWindow(Budget budget, String window, BigDecimal committed) {
  /**
   * Creates a window's report.
   *
   * @param budget the budget
   * @param window the window's name
   * @param committed what it committed
   */
  public SpendWindow {
    Objects.requireNonNull(budget, "budget == null");
    Objects.requireNonNull(window, "window == null");
    Objects.requireNonNull(committed, "committed == null");
  }

  /**
   * What the window may still commit: the limit less what it committed, never below zero.
   *
   * @return US dollars
   */
  public BigDecimal remaining() {
    return budget.limit().subtract(committed).max(BigDecimal.ZERO);
  }
}
