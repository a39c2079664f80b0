package dev.dreamina.journal;

import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.JournalException;
import java.util.List;

/**
 * A durable record of paid jobs, so that a crash between "submitted" and "downloaded" never
 * orphans one. Plug one into {@link DreaminaClient.Builder#journal}; the client then records an
 * intent before each submit (and refuses to submit when it cannot), the request id after it, an
 * unknown outcome, each terminal state and each download. {@link DreaminaClient#pending()} and
 * {@link DreaminaClient#resume(String)} read it back.
 *
 * <p>{@link FileSubmissionJournal} is the shipped implementation. Another one (a database table,
 * say) needs only these two methods. Implementations must be thread-safe.
 */
public interface SubmissionJournal {
  /**
   * Stores the entry, replacing any entry with the same {@link JournalEntry#localId()}. When it
   * returns, the entry must survive a crash of this process.
   *
   * @param entry the entry
   * @throws JournalException when it cannot be stored
   */
  void record(JournalEntry entry);

  /**
   * Every entry stored, in the order they were first recorded.
   *
   * @return the entries
   * @throws JournalException when they cannot be read
   */
  List<JournalEntry> entries();
}
