package dev.dreamina.internal.flow;

import dev.dreamina.AwaitOptions;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.internal.Futures;
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
public final class Recovery {
  private final JobFlow flow;
  private final JournalRecorder journal;

  private Recovery(JobFlow flow) {
    this.flow = flow;
    this.journal = flow.journal();
  }

  /** One pass over the flow's journal; an empty report at once without a journal. */
  public static CompletableFuture<RecoveryReport> run(JobFlow flow, AwaitOptions options) {
    if (!flow.journal().enabled()) {
      return CompletableFuture.completedFuture(new RecoveryReport(List.of()));
    }
    return new Recovery(flow).run(options);
  }

  private CompletableFuture<RecoveryReport> run(AwaitOptions options) {
    return flow.runtime().blocking(this::claimAll)
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
  private record Claim(Leases.Job job, Item item) {}

  /** Blocking: the journal's reads and leases, a few keyed statements per unfinished entry. */
  private List<Claim> claimAll() {
    journal.checkClock();
    List<Claim> claims = new ArrayList<>();
    for (JournalEntry pending : journal.pending()) {
      Leases.Claim claim = journal.claim(pending.localId());
      switch (claim.kind()) {
        case HELD_HERE -> claims.add(new Claim(null, item(pending, Outcome.HELD, "this client is working on it", Optional.empty())));
        case HELD_ELSEWHERE -> claims.add(new Claim(null, item(pending, Outcome.HELD, heldBy(claim), claim.lease())));
        case FINISHED -> { } // finished by another instance since the list was read
        case TAKEN -> claims.add(work(claim.job().orElseThrow()));
      }
    }
    return claims;
  }

  static String heldBy(Leases.Claim claim) {
    return claim.lease().map(l -> "held by " + l.describe()).orElse("held by another instance");
  }

  /** A job this pass took: worked, or let go at once when it cannot be worked here. */
  private Claim work(Leases.Job job) {
    JournalEntry entry = job.entry();
    Optional<Path> folder = entry.target().map(Path::getParent);
    if (entry.requestId().isEmpty()) {
      return leftAlone(
          job,
          Outcome.NEEDS_A_PERSON,
          "Its submit's outcome is unknown (" + entry.state() + ", recorded " + entry.createdAt()
              + "): look for a job made then on the RunComfy dashboard, resume it if there is one,"
              + " then dismiss local id " + entry.localId() + ". It is never submitted again.");
    }
    if (folder.isPresent() && !Files.isDirectory(folder.get())) {
      return leftAlone(
          job,
          Outcome.TARGET_MISSING,
          "Request " + entry.requestId().get() + " is to be downloaded to " + entry.target().get()
              + ", but " + folder.get() + " does not exist on this instance");
    }
    return new Claim(job, null);
  }

  /** A claimed entry this instance cannot work on: its lease is given up at once. */
  private Claim leftAlone(Leases.Job job, Outcome outcome, String detail) {
    journal.letGo(job);
    return new Claim(null, item(job.entry(), outcome, detail, Optional.empty()));
  }

  /** Awaits a claimed job, downloads it if it has a target; the job carries its entry as written. */
  private CompletableFuture<Item> finish(Leases.Job job, AwaitOptions options) {
    JournalEntry entry = job.entry();
    return flow.awaitThenDownload(entry.requestId().orElseThrow(), entry.target().orElse(null), options)
        .handle((result, failure) -> failure == null ? null : Futures.unwrap(failure))
        .thenCompose(failure -> flow.runtime().blocking(() -> done(job, failure)));
  }

  /** Blocking: lets go of a job left unfinished; reports the job's entry as last written. */
  private Item done(Leases.Job job, Throwable failure) {
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
