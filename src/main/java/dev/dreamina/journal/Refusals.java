package dev.dreamina.journal;

import dev.dreamina.errors.JournalException;
import org.jspecify.annotations.Nullable;

/** What the shipped journals say when {@link SubmissionJournal#recordLeased} refuses. */
final class Refusals {
  private Refusals() {}

  /**
   * The exception a refused intent throws, naming why.
   *
   * @param intent the intent that was refused
   * @param existing the entry it would have replaced
   * @param lease the lease that stood in the way, or {@code null} when the entry records a job
   */
  static JournalException refused(JournalEntry intent, JournalEntry existing, @Nullable JournalLease lease) {
    String why =
        lease != null
            ? "it is leased by " + lease.owner() + " until " + lease.until()
            : "it records a job that exists or may exist (" + existing.state()
                + existing.requestId().map(id -> ", request " + id).orElse("") + ")";
    return new JournalException(
        "Journal entry " + intent.localId() + " was not replaced: " + why + ". Nothing was written.",
        existing.requestId().orElse(null),
        null);
  }
}
