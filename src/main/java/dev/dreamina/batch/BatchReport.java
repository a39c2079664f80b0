package dev.dreamina.batch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How a batch ended: one outcome per request, in the order given.
 *
 * @param outcomes the outcomes
 * @param elapsed how long it ran
 * @param stopped whether it was stopped (by {@link Batch#stop()} or the spend limit) before every
 *     request started
 */
public record BatchReport(List<BatchOutcome> outcomes, Duration elapsed, boolean stopped) {
  /**
   * Creates a report.
   *
   * @param outcomes the outcomes
   * @param elapsed the time it ran
   * @param stopped whether it was stopped
   */
  public BatchReport {
    outcomes = List.copyOf(outcomes);
  }

  /**
   * How many requests ended each way.
   *
   * @return the counts, kinds that did not occur left out
   */
  public Map<BatchOutcome.Kind, Integer> counts() {
    Map<BatchOutcome.Kind, Integer> counts = new EnumMap<>(BatchOutcome.Kind.class);
    outcomes.forEach(o -> counts.merge(o.kind(), 1, Integer::sum));
    return counts;
  }
}
