package dev.dreamina.examples.cli;

import dev.dreamina.AwaitOptions;
import dev.dreamina.CancelResult;
import dev.dreamina.DreaminaClient;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands that act on one job: status, result, cancel, await and resume. */
final class JobCommands {
  private JobCommands() {}

  /** A subcommand that acts on one request id with the client, and prints what it got. */
  abstract static class OnRequestId implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Parameters(paramLabel = "REQUEST_ID")
    String requestId;

    @Override
    public Integer call() {
      try (ExampleBackend backend = cli.open()) {
        run(backend.client(), cli.out);
        return 0;
      }
    }

    abstract void run(DreaminaClient client, PrintWriter out);
  }

  @Command(mixinStandardHelpOptions = true, name = "status", description = "Print a job's status.")
  static final class StatusCommand extends OnRequestId {
    @Option(names = "--json", description = "Print it as JSON: request_id, status, queue_position.")
    boolean json;

    @Override
    void run(DreaminaClient client, PrintWriter out) {
      RequestStatus status = client.status(requestId);
      out.println(json ? JsonOutput.status(status) : status.describe());
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "result", description = "Print a job's result: status, video URL, error.")
  static final class ResultCommand extends OnRequestId {
    @Option(names = "--json", description = "Print it as JSON: request_id, status, video_url, cost, error.")
    boolean json;

    @Override
    void run(DreaminaClient client, PrintWriter out) {
      RequestResult result = client.result(requestId);
      if (json) {
        out.println(JsonOutput.result(result));
        return;
      }
      out.println("status: " + result.rawStatus());
      result.videoUrl().ifPresent(url -> out.println("video: " + url));
      result.error().ifPresent(error -> out.println("error: " + error));
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "cancel", description = "Cancel a queued job. A running job cannot be cancelled.")
  static final class CancelCommand extends OnRequestId {
    @Override
    void run(DreaminaClient client, PrintWriter out) {
      out.println("outcome: " + describe(client.cancel(requestId)));
    }
  }

  /** The outcome as sent, or the one the status implies, said so, when none was sent. */
  static String describe(CancelResult result) {
    if (!result.rawOutcome().isBlank()) {
      return result.rawOutcome();
    }
    return result.outcome().name().toLowerCase(Locale.ROOT)
        + " (no outcome sent; status " + (result.rawStatus().isEmpty() ? "none" : result.rawStatus()) + ")";
  }

  @Command(
      mixinStandardHelpOptions = true, name = "await",
      description =
          "Wait for a job submitted earlier (after a crash, say) and download its MP4: to where the"
              + " journal says it was meant to go, else -o. Never pays again.")
  static final class AwaitCommand implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Parameters(paramLabel = "REQUEST_ID")
    String requestId;

    @Option(names = {"-o", "--output"}, description = "Where to save the MP4 when the journal has no target (default: REQUEST_ID.mp4).")
    Path output;

    @Option(names = "--timeout", description = "How long to wait, e.g. 90s, 15m, PT1H (default 15m).")
    Duration timeout;

    @Option(
        names = "--force",
        description = "Take the job over from another instance that holds its journal lease (exit 12 without"
            + " it): only when that instance is gone, or both download the video.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      try (ExampleBackend backend = cli.open()) {
        DreaminaClient client = backend.client();
        Optional<JournalEntry> entry = client.journalEntry(requestId);
        Optional<Path> journaled = entry.flatMap(JournalEntry::target);
        if (entry.isPresent() && entry.get().state() == JournalEntry.State.DOWNLOADED && Files.exists(journaled.orElseThrow())) {
          cli.out.println("already downloaded: " + journaled.get() + " (" + Files.size(journaled.get()) + " bytes)");
          return 0;
        }
        // resume holds the job's lease while it waits, and downloads to the journaled target.
        RequestResult done = cli.await(backend, requestId, timeout, options -> client.resume(requestId, options, force));
        if (journaled.isPresent() && Files.exists(journaled.get())) {
          // Another process may have finished the job while this one read its entry and waited.
          cli.out.println(
              (cli.downloadedHere.contains(requestId) ? "saved " : "already downloaded: ")
                  + journaled.get() + " (" + Files.size(journaled.get()) + " bytes)");
        } else {
          cli.download(client, done, output != null ? output : Path.of(requestId + ".mp4"));
        }
        return 0;
      }
    }
  }

  @Command(
      mixinStandardHelpOptions = true, name = "resume",
      description =
          "With REQUEST_ID, `await` it. Without, finish every unfinished job of this account in the"
              + " journal, as each instance of an app would: jobs another process is working on are"
              + " left to it, jobs with no request id are listed for you to check. Never pays again.")
  static final class ResumeCommand implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Parameters(paramLabel = "REQUEST_ID", arity = "0..1")
    String requestId;

    @Option(names = "--timeout", description = "How long to wait for each job, e.g. 90s, 15m (default 15m).")
    Duration timeout;

    @Option(
        names = "--force",
        description = "With REQUEST_ID: take the job over from another instance that holds its journal lease"
            + " (exit 12 without it). Only when that instance is gone, or both download the video.")
    boolean force;

    @Option(names = "--json", description = "Without REQUEST_ID: print the pass as a JSON array (each job's outcome, entry, lease).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (requestId != null) {
        AwaitCommand await = new AwaitCommand();
        await.cli = cli;
        await.requestId = requestId;
        await.timeout = timeout;
        await.force = force;
        return await.call();
      }
      if (force) {
        cli.err.println("error: --force takes over one job: give its REQUEST_ID");
        return DreaminaCli.USAGE;
      }
      try (ExampleBackend backend = cli.open()) {
        DreaminaClient client = backend.client();
        AwaitOptions options = timeout == null ? AwaitOptions.defaults() : AwaitOptions.builder().timeout(timeout).build();
        RecoveryReport report = client.recover(options);
        if (json) {
          cli.out.println(JsonOutput.recovery(report));
        } else {
          for (RecoveryReport.Item item : report.items()) {
            JournalEntry e = item.entry();
            cli.out.println(
                item.outcome() + "  " + e.requestId().orElse("(no request id)") + "  " + e.state()
                    + e.target().map(t -> "  -> " + t).orElse("")
                    + item.detail().map(d -> System.lineSeparator() + "    " + d).orElse(""));
          }
          cli.out.println(report.items().isEmpty() ? "nothing pending" : report.toString());
        }
        boolean left =
            report.items().stream()
                .anyMatch(i -> i.outcome() != RecoveryReport.Outcome.FINISHED && i.outcome() != RecoveryReport.Outcome.HELD);
        if (left) {
          return DreaminaCli.NOT_ALL_FINISHED;
        }
        List<RecoveryReport.Item> held = report.items(RecoveryReport.Outcome.HELD);
        held.stream()
            .flatMap(i -> i.lease().stream())
            .map(l -> l.until())
            .max(java.util.Comparator.naturalOrder())
            .filter(last -> !json)
            .ifPresent(last -> cli.out.println(held.size() + " job(s) held by other instances; the last lease ends " + last + ": resume again after it"));
        return held.isEmpty() ? 0 : DreaminaCli.HELD;
      }
    }
  }

}
