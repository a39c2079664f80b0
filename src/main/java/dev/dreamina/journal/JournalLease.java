package dev.dreamina.journal;

import dev.dreamina.internal.LeaseOwners;
import java.time.Instant;
import java.util.Objects;

/**
 * Who works on a journaled job, and until when: a lease {@link SubmissionJournal#claim taken} by
 * one client and renewed while it works. Another instance takes the job over only once {@link
 * #until()} has passed.
 *
 * @param owner the holder's {@link dev.dreamina.DreaminaClientBuilder#instanceId instance id}
 * @param until when the lease ends unless renewed, on the holder's clock
 */
public record JournalLease(String owner, Instant until) {
  /**
   * Creates a lease.
   *
   * @param owner the owner
   * @param until when it ends
   */
  public JournalLease {
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(until, "until == null");
  }

  /**
   * Whether the lease is still running at {@code now}.
   *
   * @param now the time to judge by
   * @return {@code true} when it ends after {@code now}
   */
  public boolean liveAt(Instant now) {
    return until.isAfter(now);
  }

  /**
   * Who holds the lease, and until when, saying only what is known of the holder: "process 24529
   * on this machine (…), still running, until T"; "process 24529 on this machine (…), which no
   * longer runs" (its jobs are taken at once); "web-2/31/… until T (on another machine, which
   * cannot be checked from here)"; or, for an owner id the app chose, "pod-7 until T". See {@link
   * dev.dreamina.DreaminaClientBuilder#instanceId}.
   *
   * @return a description for people, not for parsing
   */
  public String describe() {
    return LeaseOwners.describe(this);
  }
}
