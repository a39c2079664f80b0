package dev.dreamina.journal;

import dev.dreamina.Budget;
import dev.dreamina.errors.SpendLimitException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the shipped journals share about budgets. */
final class Budgets {
  private Budgets() {}

  /**
   * The budgets' windows at {@code now}, each with the budget whose limit is the smallest among
   * those that share it (budgets of one period and zone share windows), in the budgets' order.
   */
  static Map<String, Budget> windows(List<Budget> budgets, Instant now) {
    Map<String, Budget> windows = new LinkedHashMap<>();
    for (Budget budget : budgets) {
      windows.merge(budget.windowAt(now), budget, (a, b) -> a.limit().compareTo(b.limit()) <= 0 ? a : b);
    }
    return windows;
  }

  /** The exception a submit refused by a budget's window throws. */
  static SpendLimitException refused(Budget budget, String window, BigDecimal committed, BigDecimal estimate) {
    return new SpendLimitException(
        "Not submitted: this job (estimated " + estimate.toPlainString() + " USD) would pass the budget of " + budget
            + ": " + committed.stripTrailingZeros().toPlainString() + " USD is committed in " + window
            + " by every instance sharing the journal",
        budget.limit(),
        committed,
        estimate,
        window,
        null);
  }
}
