package dev.dreamina.errors;

import dev.dreamina.journal.JournalLease;
import java.util.Objects;

/**
 * {@link dev.dreamina.DreaminaClient#resume(String) resume} found the job leased by another
 * instance: it was left to that instance, and nothing was done here (no wait, no download, no
 * journal write). The message says what is known of the holder: a process on this machine that
 * still runs, or an owner on another machine (or one whose id the app chose) that cannot be
 * checked from here. A holder that was a process on this machine and no longer runs never causes
 * this: its jobs are taken at once. Resume again once {@link #lease()} has ended, or take the job
 * over on purpose with {@link dev.dreamina.DreaminaClient#resume(String,
 * dev.dreamina.AwaitOptions, boolean) resume(id, options, true)} when you know that instance is gone.
 */
public class JobHeldException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final String localId;
  private final String owner;
  private final java.time.Instant until;

  /**
   * Creates the exception.
   *
   * @param requestId the job
   * @param localId its journal entry's local id
   * @param lease the lease that holds it
   */
  public JobHeldException(String requestId, String localId, JournalLease lease) {
    super(
        "Request " + requestId + " is held by " + lease.describe()
            + ": left to it. Resume once the lease has ended, or take it over if that instance is gone.",
        requestId,
        null);
    this.localId = Objects.requireNonNull(localId, "localId == null");
    this.owner = lease.owner();
    this.until = lease.until();
  }

  /**
   * The job's journal entry.
   *
   * @return its local id
   */
  public String localId() {
    return localId;
  }

  /**
   * Who holds the job, and until when.
   *
   * @return the lease
   */
  public JournalLease lease() {
    return new JournalLease(owner, until);
  }
}
