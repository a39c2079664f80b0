package dev.dreamina.internal;

import dev.dreamina.AwaitOptions;
import dev.dreamina.RequestResult;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.journal.JournalEntry;
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
  private final ClientCore core;
  private final JournalRecorder journal;

  Recovery(ClientCore core, JournalRecorder journal) {
    this.core = core;
    this.journal = journal;
  }

  CompletableFuture<RecoveryReport> run(AwaitOptions options) {
    return core.blocking(this::claimAll)
        .thenCompose(
            claims -> {
              List<CompletableFuture<Item>> items = new ArrayList<>();
              for (Claim claim : claims) {
                items.add(claim.item != null ? CompletableFuture.completedFuture(claim.item) : finish(claim.entry, options));
              }
              return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
                  .thenApply(done -> new RecoveryReport(items.stream().map(CompletableFuture::join).toList()));
            });
  }

  /** An entry taken to be worked ({@code item == null}), or what was decided without working it. */
  private record Claim(JournalEntry entry, Item item) {}

  /** Blocking: the journal's reads and leases. */
  private List<Claim> claimAll() {
    List<Claim> claims = new ArrayList<>();
    for (JournalEntry pending : journal.pending()) {
      String localId = pending.localId();
      if (journal.holds(localId) || !journal.claim(localId)) {
        claims.add(new Claim(pending, item(pending, Outcome.HELD, null)));
        continue;
      }
      // Read again under the lease: another instance may have finished it since the list was read.
      Optional<JournalEntry> now = journal.byLocalId(localId).filter(e -> !e.finished());
      if (now.isEmpty()) {
        journal.letGo(localId);
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
        journal.hold(localId, entry.requestId().get());
        claims.add(new Claim(entry, null));
      }
    }
    return claims;
  }

  /** A claimed entry this instance cannot work on: its lease is given up at once. */
  private Claim leftAlone(JournalEntry entry, Outcome outcome, String detail) {
    journal.letGo(entry.localId());
    return new Claim(entry, item(entry, outcome, detail));
  }

  /** Awaits a claimed job, downloads it if it has a target, and reads its entry back. */
  private CompletableFuture<Item> finish(JournalEntry entry, AwaitOptions options) {
    String requestId = entry.requestId().orElseThrow();
    String localId = entry.localId();
    return core.awaitAsync(requestId, options)
        .thenCompose(
            result -> {
              Optional<Path> target = entry.target();
              if (target.isEmpty()) {
                return CompletableFuture.completedFuture(result);
              }
              if (!journal.holds(localId)) {
                throw new IllegalStateException(
                    "the lease on request " + requestId + " was lost while waiting; not downloaded here");
              }
              return core.blocking(() -> core.download(result, target.get(), null)).thenApply(path -> result);
            })
        .handle((result, failure) -> failure == null ? null : Futures.unwrap(failure))
        .thenCompose(failure -> core.blocking(() -> done(entry, failure)));
  }

  /** Blocking: reads the entry back. */
  private Item done(JournalEntry entry, Throwable failure) {
    if (failure != null && !(failure instanceof GenerationFailedException)) {
      journal.letGo(entry.localId()); // already given up on the way, unless the journal failed there

      return item(entry, Outcome.NOT_FINISHED, failure.toString());
    }
    return item(journal.byLocalId(entry.localId()).orElse(entry), Outcome.FINISHED, null);
  }

  private static Item item(JournalEntry entry, Outcome outcome, String detail) {
    return new Item(entry, outcome, Optional.ofNullable(detail));
  }
}
