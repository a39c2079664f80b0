package dev.dreamina.examples.cli;

import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands that read without running a job: preflight, budget and pending. */
final class InspectCommands {
  private InspectCommands() {}

  @Command(
      mixinStandardHelpOptions = true, name = "preflight",
      description = "Check an image URL or file against the page's rules. Needs no token; costs nothing.")
  static final class PreflightCommand implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Parameters(paramLabel = "IMAGE", description = "An https URL, or a local file path.")
    String image;

    @Override
    public Integer call() {
      boolean url = image.regionMatches(true, 0, "https://", 0, 8) || image.regionMatches(true, 0, "http://", 0, 7);
      if (!url && !Files.exists(Path.of(image))) {
        cli.err.println("error: no such file: " + image);
        return DreaminaCli.VALIDATION;
      }
      ImagePreflight preflight = ImagePreflight.create();
      PreflightReport report = url ? preflight.check(URI.create(image)) : preflight.check(Path.of(image));
      report.format().ifPresent(f -> cli.out.println("type: " + f));
      report.bytes().ifPresent(n -> cli.out.println("bytes: " + n));
      if (report.width().isPresent()) {
        cli.out.println("size: " + report.width().getAsInt() + "x" + report.height().getAsInt() + " px");
      }
      report.failures().forEach(f -> cli.out.println("fails: " + f.message()));
      cli.out.println(report.passes() ? "passes" : "fails " + report.failures().size() + " rule(s)");
      return report.passes() ? 0 : DreaminaCli.VALIDATION;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "budget",
      description = "What each --budget's current window has committed, across every process sharing the journal, and what is left.")
  static final class BudgetCommand implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Option(names = "--json", description = "Print them as a JSON array (budget, period, limit, window, committed, remaining).")
    boolean json;

    @Override
    public Integer call() {
      if (cli.budgets().isEmpty()) {
        cli.err.println("error: no budget: pass --budget 50/day (or 500/month, 1000/total), or set DREAMINA_BUDGET");
        return DreaminaCli.USAGE;
      }
      try (ExampleBackend backend = cli.open()) {
        List<SpendWindow> windows = backend.client().spend();
        if (json) {
          cli.out.println(JsonOutput.spend(windows));
          return 0;
        }
        for (SpendWindow w : windows) {
          cli.out.println(
              w.window() + "  committed " + w.committed().stripTrailingZeros().toPlainString() + " USD of "
                  + w.budget().limit().toPlainString() + ", " + w.remaining().stripTrailingZeros().toPlainString() + " USD left"
                  + "  (" + w.budget() + ")");
        }
        return 0;
      }
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "pending", description = "List journaled jobs that are not finished (after a crash, say).")
  static final class PendingCommand implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Option(names = "--json", description = "Print them as a JSON array (local_id, request_id, state, created_at, target, lease).")
    boolean json;

    @Override
    public Integer call() {
      try (ExampleBackend backend = cli.open()) {
        List<JournalEntry> pending = backend.client().pending();
        if (json) {
          cli.out.println(JsonOutput.pending(pending, localId -> cli.opened == null ? Optional.empty() : cli.opened.lease(localId)));
          return 0;
        }
        for (JournalEntry e : pending) {
          cli.out.println(
              e.state() + "  " + e.requestId().orElse("(no request id: check the RunComfy dashboard)")
                  + "  local " + e.localId() + "  since " + e.createdAt()
                  + e.target().map(t -> "  -> " + t).orElse("")
                  + cli.opened.lease(e.localId())
                      .map(l -> "  held by " + (l.liveAt(java.time.Instant.now()) ? l.describe() : l.owner() + ", ran out at " + l.until()))
                      .orElse("  not held"));
        }
        if (pending.isEmpty()) {
          cli.out.println("nothing pending");
        }
        return 0;
      }
    }
  }
}
