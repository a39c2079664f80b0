package dev.dreamina.journal;

import dev.dreamina.DreaminaClient;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link DreaminaClient#recover()} pass found and did: one item per unfinished journal
 * entry of the client's account.
 *
 * @param items one per entry, oldest first
 */
public record RecoveryReport(List<Item> items) {
  /**
   * Creates a report.
   *
   * @param items the items
   */
  public RecoveryReport {
    items = List.copyOf(items);
  }

  /** What recovery did with an entry. */
  public enum Outcome {
    /**
     * Awaited to its end and, when it had a download target, downloaded there: the entry is
     * finished ({@link JournalEntry.State#DOWNLOADED}, {@code COMPLETED}, {@code FAILED} or
     * {@code CANCELLED}).
     */
    FINISHED,
    /**
     * Taken, but not finished in this pass (the wait timed out, the network failed, the download
     * failed, or the lease was lost): the lease was given up, and a later pass tries again.
     */
    NOT_FINISHED,
    /**
     * Its submit's outcome is unknown, so it has no request id ({@link JournalEntry.State#INTENT}
     * left by a crash mid-submit, or {@link JournalEntry.State#UNKNOWN}): it may or may not have
     * created a paid job. It is never submitted again. A person looks for a job made at its
     * {@link JournalEntry#createdAt()} on the RunComfy dashboard, finishes it with {@link
     * DreaminaClient#resume(String)} if there is one, then calls {@link
     * DreaminaClient#dismiss(String)} with its local id.
     */
    NEEDS_A_PERSON,
    /**
     * Its download target's folder does not exist on this instance: left for an instance where it
     * does (or for a person: {@code resume} with the request id, then download where you like).
     */
    TARGET_MISSING,
    /**
     * Another live instance, or this client, holds its lease: left alone. The item's {@code
     * lease()} says who and until when, and its detail what is known of the holder ({@link
     * JournalLease#describe()}). A lease whose holder was a process on this machine that no longer
     * runs is never {@code HELD}: the pass takes the job at once.
     */
    HELD
  }

  /**
   * One entry, and what recovery did with it.
   *
   * @param entry the entry as it stands after this pass
   * @param outcome what was done
   * @param detail why, for every outcome but {@link Outcome#FINISHED}
   * @param lease for {@link Outcome#HELD}, who holds the entry and until when (empty when this
   *     client holds it, or the holder let go meanwhile)
   */
  public record Item(JournalEntry entry, Outcome outcome, Optional<String> detail, Optional<JournalLease> lease) {
    /**
     * Creates an item.
     *
     * @param entry the entry
     * @param outcome the outcome
     * @param detail the detail
     * @param lease the lease, for a held entry
     */
    public Item {
      Objects.requireNonNull(entry, "entry == null");
      Objects.requireNonNull(outcome, "outcome == null");
      Objects.requireNonNull(detail, "detail == null");
      Objects.requireNonNull(lease, "lease == null");
    }
  }

  /**
   * The items with one outcome.
   *
   * @param outcome the outcome
   * @return those items, oldest first
   */
  public List<Item> items(Outcome outcome) {
    return items.stream().filter(i -> i.outcome() == outcome).toList();
  }

  /**
   * Counts by outcome, for a log line: {@code RecoveryReport{FINISHED=3, HELD=2}}.
   *
   * @return the summary
   */
  @Override
  public String toString() {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    items.forEach(i -> counts.merge(i.outcome(), 1, Integer::sum));
    return "RecoveryReport" + counts;
  }
}
