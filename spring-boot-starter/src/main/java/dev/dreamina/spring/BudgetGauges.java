package dev.dreamina.spring;

import dev.dreamina.DreaminaClient;
import dev.dreamina.journal.SpendWindow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code dreamina.budget.committed} and {@code dreamina.budget.remaining}, in US dollars, one of
 * each per budget (tagged {@code period}: day, month or total): what every instance sharing the
 * journal committed in the budget's current window, and what is left. A scrape reads the journal
 * at most once every {@value #FRESH_MILLIS} ms, whatever the number of gauges; a journal that
 * cannot be read gives NaN.
 */
public final class BudgetGauges {
  static final long FRESH_MILLIS = 5_000;

  private final DreaminaClient client;
  private List<SpendWindow> windows; // guarded by this
  private long readAt; // guarded by this, System.nanoTime()

  BudgetGauges(DreaminaClient client) {
    this.client = client;
  }

  /** Registers the gauges of the client's budgets; none without budgets (one read of the journal). */
  void bindTo(MeterRegistry registry) {
    List<SpendWindow> now = client.spend();
    for (int i = 0; i < now.size(); i++) {
      int budget = i;
      String period = now.get(i).budget().period().name().toLowerCase(Locale.ROOT);
      gauge(registry, "dreamina.budget.committed", period, "What every instance committed in the budget's current window",
          g -> g.read(budget, true));
      gauge(registry, "dreamina.budget.remaining", period, "What the budget's current window may still commit",
          g -> g.read(budget, false));
    }
  }

  private void gauge(MeterRegistry registry, String name, String period, String description, ToDoubleFunction<BudgetGauges> value) {
    Gauge.builder(name, this, value).description(description).baseUnit("usd").tag("period", period).register(registry);
  }

  private double read(int budget, boolean committed) {
    List<SpendWindow> current;
    synchronized (this) {
      if (windows == null || System.nanoTime() - readAt > FRESH_MILLIS * 1_000_000) {
        try {
          windows = client.spend();
        } catch (RuntimeException unreadable) {
          return Double.NaN;
        }
        readAt = System.nanoTime();
      }
      current = windows;
    }
    SpendWindow window = current.get(budget);
    return (committed ? window.committed() : window.remaining()).doubleValue();
  }
}
