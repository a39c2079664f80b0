package dev.dreamina.errors;

import dev.dreamina.journal.SubmissionJournal;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SubmissionJournal} could not be read or written. Thrown before a submit, it means the
 * submit was not sent: a job the journal cannot record is a job that could be lost.
 */
public class JournalException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and what was (not) done about it
   * @param requestId the job concerned, or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public JournalException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(message, requestId, cause);
  }
}
