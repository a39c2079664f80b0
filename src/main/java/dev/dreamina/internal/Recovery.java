package dev.dreamina.internal;

import dev.dreamina.AwaitOptions;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.RecoveryReport.Item;
import dev.dreamina.journal.RecoveryReport.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One recovery pass: every unfinished journal entry of the account is claimed (its lease taken in
 * one statement) or left to whoever holds it; each claimed job is awaited and downloaded to its
 * recorded target, all at once on the async path. It never submits: an entry without a request id
 * is reported for a person to check.
 */
final class Recovery {
  private final ClientCore flow;
  private final JournalRecorder journal;

  Recovery(ClientCore flow, JournalRecorder journal) {
    this.flow = flow;
    this.journal = journal;
  }

  CompletableFuture<RecoveryReport> run(AwaitOptions options) {
    return flow.blocking(this::claimAll)
        .thenCompose(
            claims -> {
              List<CompletableFuture<Item>> items = new ArrayList<>();
              for (Claim claim : claims) {
                items.add(claim.item != null ? CompletableFuture.completedFuture(claim.item) : finish(claim.job, options));
              }
              return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
                  .thenApply(done -> new RecoveryReport(items.stream().map(CompletableFuture::join).toList()));
            });
  }

  /** A job taken to be worked ({@code item == null}), or what was decided without working it. */
  private record Claim(JournalRecorder.Job job, Item item) {}

  /** Blocking: the journal's reads and leases, a few keyed statements per unfinished entry. */
  private List<Claim> claimAll() {
    List<Claim> claims = new ArrayList<>();
    for (JournalEntry pending : journal.pending()) {
      String localId = pending.localId();
      if (journal.holds(localId)) {
        claims.add(new Claim(null, item(pending, Outcome.HELD, "this client is working on it", Optional.empty())));
        continue;
      }
      if (!journal.claim(localId)) {
        Optional<JournalLease> theirs = journal.lease(localId);
        claims.add(
            new Claim(
                null,
                item(pending, Outcome.HELD, theirs.map(l -> "held by " + l.owner() + " until " + l.until()).orElse("held by another instance"), theirs)));
        continue;
      }
      // Read again under the lease: another instance may have finished it since the list was read.
      Optional<JournalEntry> now = journal.byLocalId(localId).filter(e -> !e.finished());
      if (now.isEmpty()) {
        journal.release(localId);
        continue;
      }
      JournalEntry entry = now.get();
      Optional<Path> folder = entry.target().map(Path::getParent);
      if (entry.requestId().isEmpty()) {
        claims.add(
            leftAlone(
                entry,
                Outcome.NEEDS_A_PERSON,
                "Its submit's outcome is unknown (" + entry.state() + ", recorded " + entry.createdAt()
                    + "): look for a job made then on the RunComfy dashboard, resume it if there is one,"
                    + " then dismiss local id " + localId + ". It is never submitted again."));
      } else if (folder.isPresent() && !Files.isDirectory(folder.get())) {
        claims.add(
            leftAlone(
                entry,
                Outcome.TARGET_MISSING,
                "Request " + entry.requestId().get() + " is to be downloaded to " + entry.target().get()
                    + ", but " + folder.get() + " does not exist on this instance"));
      } else {
        claims.add(new Claim(journal.hold(entry), null));
      }
    }
    return claims;
  }

  /** A claimed entry this instance cannot work on: its lease is given up at once. */
  private Claim leftAlone(JournalEntry entry, Outcome outcome, String detail) {
    journal.release(entry.localId());
    return new Claim(null, item(entry, outcome, detail, Optional.empty()));
  }

  /** Awaits a claimed job, downloads it if it has a target; the job carries its entry as written. */
  private CompletableFuture<Item> finish(JournalRecorder.Job job, AwaitOptions options) {
    JournalEntry entry = job.entry();
    return flow.awaitThenDownload(entry.requestId().orElseThrow(), entry.target().orElse(null), options)
        .handle((result, failure) -> failure == null ? null : Futures.unwrap(failure))
        .thenCompose(failure -> flow.blocking(() -> done(job, failure)));
  }

  /** Blocking: lets go of a job left unfinished; reports the job's entry as last written. */
  private Item done(JournalRecorder.Job job, Throwable failure) {
    if (failure != null && !(failure instanceof GenerationFailedException)) {
      if (job.held()) {
        journal.letGo(job); // already given up on the way, unless the journal failed there
      }
      return item(job.entry(), Outcome.NOT_FINISHED, failure.toString(), Optional.empty());
    }
    return item(job.entry(), Outcome.FINISHED, null, Optional.empty());
  }

  private static Item item(JournalEntry entry, Outcome outcome, String detail, Optional<JournalLease> lease) {
    return new Item(entry, outcome, Optional.ofNullable(detail), lease);
  }
}
