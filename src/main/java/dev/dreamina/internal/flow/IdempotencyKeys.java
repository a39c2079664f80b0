package dev.dreamina.internal.flow;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.IdempotencyKeyReusedException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Hashes;
import dev.dreamina.internal.LeaseOwners;
import dev.dreamina.internal.SignedUrls;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.wire.JournalCodec;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.SubmissionJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Idempotency keys in the journal: what a key (an app's, or the implicit one of {@code
 * reuseIdentical}) already has, read before or after a keyed intent. The intent itself, under the
 * key's local id ({@link JournalEntry#keyedLocalId}), is {@link JournalRecorder}'s.
 */
public final class IdempotencyKeys {
  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;
  private final Duration lease;
  /** Whether a request identical to a completed one, with a fixed seed, is that job ({@code reuseIdentical}). */
  private final boolean reuseIdentical;

  IdempotencyKeys(SubmissionJournal journal, String account, TimeSource time, Duration lease, boolean reuseIdentical) {
    this.journal = journal;
    this.account = account;
    this.time = time;
    this.lease = lease;
    this.reuseIdentical = reuseIdentical;
  }

  /** Whether {@link #reuse} may find anything (no I/O). */
  public boolean reusesIdentical() {
    return reuseIdentical;
  }

  /**
   * What the journal holds for this account's idempotency key, before anything is sent: empty when
   * the key is new (or its last submit made no job), so that this call submits under it; else its
   * job's entry, which has a request id. Blocking: a keyed read; while the key's first submit is in
   * flight (on any instance), the read again every so often, for at most one lease time.
   *
   * @throws IdempotencyKeyReusedException when the key's job has another request
   * @throws SubmissionUnknownException when the key's first submit has an unknown outcome, or is
   *     still unanswered after a lease time
   * @throws IllegalStateException without a journal
   */
  public Optional<JournalEntry> keyed(ImageToVideoRequest request, String key) {
    if (journal == null) {
      throw new IllegalStateException("An idempotency key needs a journal, its ledger: set one with DreaminaClientBuilder.journal(...)");
    }
    String localId = JournalEntry.keyedLocalId(account, key);
    long deadline = time.nanoTime() + lease.toNanos();
    Duration pause = KEY_POLL_FIRST;
    while (true) {
      Optional<JournalEntry> found = journal.entry(localId);
      if (found.isEmpty() || found.get().madeNoJob()) {
        return Optional.empty();
      }
      JournalEntry entry = found.get();
      String differences = differences(entry.request(), request);
      if (!differences.isEmpty()) {
        throw new IdempotencyKeyReusedException(key, localId, entry.requestId().orElse(null), differences);
      }
      if (entry.requestId().isPresent()) {
        return found;
      }
      if (entry.state() != State.INTENT) {
        throw new SubmissionUnknownException(key, localId, entry.detail().orElse(entry.state().name()));
      }
      Optional<JournalLease> holder = journal.lease(localId);
      if (holder.isEmpty() || LeaseOwners.liveness(holder.get().owner()) == LeaseOwners.Liveness.GONE) {
        // The entry was read before the lease: its submit may have been answered, and the lease
        // given up, in between. Only an intent still there with nobody (alive) holding it is one
        // whose instance stopped.
        if (journal.entry(localId).map(e -> e.state() == State.INTENT).orElse(false)) {
          throw new SubmissionUnknownException(
              key, localId, "its instance stopped before the submit's answer was recorded" + holder.map(l -> ": " + l.describe()).orElse(""));
        }
        continue;
      }
      if (time.nanoTime() - deadline >= 0) {
        throw new SubmissionUnknownException(
            key, localId, "it is still unanswered after " + lease.toSeconds() + " s, " + holder.get().describe());
      }
      try {
        time.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CallInterruptedException(
            "Interrupted while waiting for the first submit of idempotency key \"" + key + "\"; nothing was sent", null, e);
      }
      pause = pause.multipliedBy(2).compareTo(KEY_POLL_MAX) > 0 ? KEY_POLL_MAX : pause.multipliedBy(2);
    }
  }

  /**
   * With {@code reuseIdentical}, for a request with a fixed seed: an identical request's job that
   * completed, or is under way ({@link Reuse#job()}), or else the implicit idempotency key a new
   * submit of it takes. The key is {@code identical:}, the SHA-256 of the request as the wire
   * carries it, then {@code #0}, {@code #1}…: an attempt that failed, was cancelled or whose
   * outcome is unknown passes to the next one, so that only a completed (or live) job is reused.
   * Empty when reuse is off, the seed is random, or there is no journal. Blocking: one keyed read
   * per earlier attempt that did not complete.
   */
  public Optional<Reuse> reuse(ImageToVideoRequest request) {
    if (!reuseIdentical || request.seed().isEmpty() || request.seed().getAsInt() < 0) {
      return Optional.empty();
    }
    String base = "identical:" + Hashes.sha256Hex(JournalCodec.requestJson(ImagePublisher.withoutSignature(request)), 32) + "#";
    for (int attempt = 0; ; attempt++) {
      String key = base + attempt;
      Optional<JournalEntry> found = journal.entry(JournalEntry.keyedLocalId(account, key));
      if (found.isEmpty() || found.get().madeNoJob() || found.get().state() == State.INTENT) {
        return Optional.of(new Reuse(Optional.empty(), key)); // new, or under way: the keyed submit sees which
      }
      State state = found.get().state();
      if (state == State.SUBMITTED || state == State.COMPLETED || state == State.DOWNLOADED) {
        return Optional.of(new Reuse(found, key));
      }
      // FAILED, CANCELLED or UNKNOWN: not a result to reuse; the next attempt's key is tried.
    }
  }

  /**
   * What {@link #reuse} found.
   *
   * @param job an identical request's job to reuse, or empty
   * @param key the implicit key a new submit of the request takes
   */
  public record Reuse(Optional<JournalEntry> job, String key) {}


  private static final Duration KEY_POLL_FIRST = Duration.ofMillis(10);
  private static final Duration KEY_POLL_MAX = Duration.ofMillis(500);

  /** What differs between a key's request and this one, as {@code "prompt, seed"}; empty when they are the same. */
  private static String differences(ImageToVideoRequest first, ImageToVideoRequest now) {
    List<String> differ = new ArrayList<>();
    if (!first.prompt().equals(now.prompt())) {
      differ.add("prompt");
    }
    if (!SignedUrls.unsigned(first.imageUrl()).equals(SignedUrls.unsigned(now.imageUrl()))) {
      differ.add("image URL");
    }
    if (!first.frames().equals(now.frames())) {
      differ.add("frames");
    }
    if (!first.seed().equals(now.seed())) {
      differ.add("seed");
    }
    return String.join(", ", differ);
  }
}
