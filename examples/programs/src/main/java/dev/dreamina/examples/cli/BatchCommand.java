package dev.dreamina.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.Price;
import dev.dreamina.batch.Batch;
import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.batch.BatchOutcome;
import dev.dreamina.batch.BatchOutcome.Kind;
import dev.dreamina.batch.BatchReport;
import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.SubmissionJournal;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dreamina batch FILE}: every row validated first, then run with a bounded number of jobs in
 * flight and a spend limit; journaled, so that {@code --resume} picks a killed run up without
 * paying twice.
 */
@Command(
    mixinStandardHelpOptions = true, name = "batch",
    description = {
      "Make many videos from a CSV file (header: prompt,image_url,frames,seed,output,key) or JSON Lines"
          + " (the same fields). Every row is checked first: a bad row exits 3 before anything is paid."
          + " A row's key is its idempotency key: one paid job per key, whatever batch or run it is in."
          + " An image_url without :// is a local file, relative to FILE's folder, published to --image-host.",
      "Rows are matched to journaled jobs by line number: after a crash or Ctrl-C, run again with"
          + " --resume and only unfinished rows run; none is paid twice."
    })
final class BatchCommand implements Callable<Integer> {
  @ParentCommand DreaminaCli cli;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The CSV or JSON Lines file.")
  Path file;

  @Option(names = "--concurrency", description = "Jobs in flight at once (default 4).")
  int concurrency = BatchOptions.DEFAULT_CONCURRENCY;

  @Option(names = "--max-spend", paramLabel = "USD", description = "Refuse submits past this many US dollars of estimates.")
  BigDecimal maxSpend;

  @Option(names = "--out", paramLabel = "DIR", description = "Where videos go (default: the current directory); an output column is relative to it.")
  Path out = Path.of(".");

  @Option(names = "--preflight", description = "Check each image before paying for it.")
  boolean preflight;

  @Option(names = "--resume", description = "Continue a run of this file that was stopped or killed.")
  boolean resume;

  @Option(names = "--dry-run", description = "Print the rows, each one's estimate and the total; submit nothing.")
  boolean dryRun;

  @Option(names = "--report", paramLabel = "FILE", description = "Write each row's outcome to FILE (.json or .csv).")
  Path report;

  @Option(names = "--overwrite", description = "Replace files that already exist where videos would go (refused without it).")
  boolean overwrite;

  @Option(names = "--json", description = "Print the summary as one JSON object (for scripts), and no line per row.")
  boolean json;

  /** Whether the jobs ran on the sandbox this process started: they end with it. */
  private boolean embeddedSandbox;

  /** What earlier runs of this batch committed against --max-spend; set once the client is open. */
  private BigDecimal spentEarlier = BigDecimal.ZERO;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      cli.err.println("error: no such file: " + file);
      return DreaminaCli.VALIDATION;
    }
    BatchFile.Parsed parsed = BatchFile.read(file);
    if (!parsed.problems().isEmpty()) {
      parsed.problems().forEach(p -> cli.err.println("error: " + file.getFileName() + " " + p));
      cli.err.println(parsed.problems().size() + " problem(s); nothing was submitted.");
      return DreaminaCli.VALIDATION;
    }
    if (cli.imageHosting.location(cli.env) == null && parsed.rows().stream().anyMatch(r -> r.request().imageFile().isPresent())) {
      cli.err.println("error: " + file.getFileName() + " names local images: pass --image-host s3://BUCKET/PREFIX (or set"
          + " $DREAMINA_IMAGE_HOST) to publish them to. Nothing was submitted.");
      return DreaminaCli.USAGE;
    }
    if (resume && !dryRun) {
      List<String> contradictions = takeStoredSettings();
      if (!contradictions.isEmpty()) {
        contradictions.forEach(p -> cli.err.println("error: " + p));
        cli.err.println("nothing was submitted.");
        return DreaminaCli.USAGE;
      }
    }
    try (ExampleBackend backend = cli.open()) {
      List<String> problems = targetProblems(parsed.rows(), backend.client());
      if (!problems.isEmpty()) {
        problems.forEach(p -> cli.err.println("error: " + p));
        cli.err.println(problems.size() + " problem(s); nothing was submitted.");
        return DreaminaCli.VALIDATION;
      }
      DreaminaClientBuilder builder = backend.newClientBuilder().preflightImages(preflight);
      BigDecimal earlier = BigDecimal.ZERO;
      if (resume && !dryRun) {
        Resumed resumed = resumed(backend.client(), parsed.rows());
        if (!resumed.problems().isEmpty()) {
          resumed.problems().forEach(p -> cli.err.println("error: " + p));
          cli.err.println("nothing was submitted.");
          return DreaminaCli.USAGE;
        }
        earlier = resumed.committed();
      }
      if (maxSpend != null) {
        builder.spendLimit(maxSpend.subtract(earlier).max(BigDecimal.ZERO));
        if (earlier.signum() > 0) {
          cli.err.println("earlier runs of this batch committed " + earlier.toPlainString() + " USD of --max-spend "
              + maxSpend.toPlainString() + "; " + maxSpend.subtract(earlier).max(BigDecimal.ZERO).toPlainString() + " USD is left");
        }
      }
      spentEarlier = earlier;
      embeddedSandbox = backend.usingSandbox();
      if (!dryRun) {
        String ranAgainst = stored == null ? null : stored.path("base_url").asText(null);
        if (ranAgainst != null && !ranAgainst.equals(backend.baseUrl())) {
          cli.err.println("error: the batch ran against " + ranAgainst + ", and this run would use " + backend.baseUrl()
              + " (RUNCOMFY_BASE_URL, --sandbox): resume it with the backend it ran with. Nothing was submitted.");
          return DreaminaCli.USAGE;
        }
        storeSettings(backend.baseUrl());
      }
      try (DreaminaClient client = builder.build()) {
        return dryRun ? dryRun(client, parsed.rows(), backend.usingSandbox()) : run(client, parsed.rows());
      }
    }
  }

  private int dryRun(DreaminaClient client, List<BatchFile.Row> rows, boolean sandboxPrices) {
    Price price = client.price();
    BigDecimal total = BigDecimal.ZERO;
    boolean unknown = false;
    for (BatchFile.Row row : rows) {
      Optional<BigDecimal> estimate = price.estimate(row.request());
      unknown |= estimate.isEmpty();
      total = total.add(estimate.orElse(BigDecimal.ZERO));
      cli.out.println(
          row.key() + "  frames " + (row.request().frames().isPresent() ? String.valueOf(row.request().frames().getAsInt()) : "121") + "  "
              + estimate.map(e -> e.toPlainString() + " USD").orElse("no estimate") + "  -> " + target(row)
              + "  " + abbreviate(row.request().prompt()));
    }
    cli.out.println(rows.size() + " row(s), estimated total " + total.toPlainString() + " USD"
        + (unknown ? " (some rows have no estimate: price per " + price.priceUnit() + ")" : "")
        + "; nothing was submitted (--dry-run)");
    if (sandboxPrices) {
      cli.out.println("these are the embedded sandbox's made-up prices, not RunComfy's: set RUNCOMFY_API_TOKEN"
          + " (without --sandbox) for real ones");
    }
    return 0;
  }

  /**
   * Where the videos go, checked before anything is sent: the output folder can be made, no two
   * rows write one file, and no file already there is replaced without --overwrite (on --resume,
   * files of rows an earlier run finished are expected, and the journal keeps them from being
   * downloaded again).
   */
  /**
   * Rows that would write one file, or replace one that exists (unless --overwrite or --resume, or
   * the row's key has its video downloaded there already: nothing is written then).
   */
  private List<String> targetProblems(List<BatchFile.Row> rows, DreaminaClient client) {
    List<String> problems = new ArrayList<>();
    if (!dryRun) {
      try {
        Files.createDirectories(out);
      } catch (IOException | UnsupportedOperationException e) {
        problems.add("cannot make the --out folder " + out + ": " + why(e));
        return problems;
      }
    }
    Map<Path, List<Integer>> lines = new LinkedHashMap<>();
    rows.forEach(row -> lines.computeIfAbsent(target(row), t -> new ArrayList<>()).add(row.line()));
    lines.forEach((target, on) -> {
      if (on.size() > 1) {
        problems.add(file.getFileName() + " lines " + on.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " all write " + target
            + "; give each row an output of its own");
      } else if (!dryRun && !resume && !overwrite && Files.exists(target) && !keyDownloadedTo(rows, on.get(0), target, client)) {
        problems.add(file.getFileName() + " line " + on.get(0) + " would replace " + target + ", which exists; pass --overwrite to replace it"
            + " (or --resume, if it is from an earlier run of this file)");
      }
    });
    return problems;
  }

  /** Whether the row on {@code line} has a key whose job the journal has downloaded to {@code target}. */
  private static boolean keyDownloadedTo(List<BatchFile.Row> rows, int line, Path target, DreaminaClient client) {
    return rows.stream()
        .filter(row -> row.line() == line && row.idempotencyKey() != null)
        .flatMap(row -> client.journalEntryForKey(row.idempotencyKey()).stream())
        .anyMatch(entry -> entry.state() == JournalEntry.State.DOWNLOADED && entry.target().equals(Optional.of(target)));
  }

  /** The settings the batch's first run stored in the journal, read by {@link #takeStoredSettings()}; null if none. */
  private JsonNode stored;

  private String batchId() {
    return file.toAbsolutePath().normalize().toString();
  }

  /**
   * A resumed batch runs as its first run did: the settings stored in the journal then (the output
   * folder, concurrency, spend limit, preflight, report) apply unless given again. An --out given
   * again that differs is refused (the videos would land elsewhere); a --max-spend, --concurrency,
   * --preflight or --report given again replaces the stored one, saying so, and is stored in turn.
   */
  private List<String> takeStoredSettings() throws IOException {
    SubmissionJournal journal = cli.journal();
    List<String> problems = new ArrayList<>();
    String text = journal == null ? null : journal.batchSettings(batchId()).orElse(null);
    if (text == null) {
      return problems; // none stored: the journal's jobs are checked once the client is open
    }
    stored = new ObjectMapper().readTree(text);
    if (given("--out") && !out.toAbsolutePath().normalize().toString().equals(stored.path("out").asText())) {
      problems.add("--out " + out + " contradicts the batch's --out " + stored.path("out").asText()
          + " (stored in the journal when it ran): drop --out to resume it");
    }
    out = Path.of(stored.path("out").asText(out.toString()));
    concurrency = takeStored("--concurrency", concurrency, stored.path("concurrency").asInt(concurrency));
    maxSpend = takeStored("--max-spend", maxSpend, stored.hasNonNull("max_spend") ? new BigDecimal(stored.get("max_spend").asText()) : null);
    preflight = takeStored("--preflight", preflight, stored.path("preflight").asBoolean(preflight));
    report = takeStored("--report", report, stored.hasNonNull("report") ? Path.of(stored.get("report").asText()) : null);
    return problems;
  }

  private <T> T takeStored(String option, T given, T kept) {
    if (!given(option)) {
      return kept;
    }
    if (!java.util.Objects.equals(given, kept) && !(given instanceof BigDecimal g && kept instanceof BigDecimal k && g.compareTo(k) == 0)) {
      cli.err.println(option + " " + given + " replaces the batch's " + (kept == null ? "none" : kept) + " (stored when it ran)");
    }
    return given;
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** Stores how this batch runs in its journal, so that a resume runs the same way. */
  private void storeSettings(String baseUrl) {
    SubmissionJournal journal = cli.openedJournal();
    if (journal == null) {
      return;
    }
    ObjectNode settings = new ObjectMapper().createObjectNode();
    settings.put("base_url", baseUrl);
    settings.put("out", out.toAbsolutePath().normalize().toString());
    settings.put("concurrency", concurrency);
    settings.put("max_spend", maxSpend == null ? null : maxSpend.toPlainString());
    settings.put("preflight", preflight);
    settings.put("report", report == null ? null : report.toAbsolutePath().normalize().toString());
    journal.recordBatchSettings(batchId(), settings.toString());
  }

  /** What a resumed run learns from the journal: what earlier runs committed, or why it must not run. */
  private record Resumed(BigDecimal committed, List<String> problems) {}

  /**
   * Reads this batch's jobs from the journal before a resumed run: refused when the journal holds
   * none of them (it ran with another journal, or never ran: resuming would pay for every row
   * again), or when a row's video would now go elsewhere than its earlier run journaled (another
   * --out). Otherwise what the earlier runs committed (the estimates of the jobs they made or may
   * have made, a killed run's included; a failed or cancelled job's estimate is given back), so
   * that --max-spend spans the whole batch.
   */
  private Resumed resumed(DreaminaClient client, List<BatchFile.Row> rows) {
    String batchId = batchId();
    SubmissionJournal journal = cli.openedJournal();
    List<String> problems = new ArrayList<>();
    if (journal == null) {
      problems.add("--resume needs the journal the batch ran with: give --journal");
      return new Resumed(BigDecimal.ZERO, problems);
    }
    List<JournalEntry> earlier = new ArrayList<>();
    for (BatchFile.Row row : rows) {
      journal.entry(Batch.journalLocalId(batchId, row.key())).ifPresent(entry -> {
        earlier.add(entry);
        Optional<Path> went = entry.target();
        if (went.isPresent() && !went.get().equals(target(row)) && problems.size() < 3) {
          problems.add(row.key() + "'s video was journaled to go to " + went.get() + ", but this run would write "
              + target(row) + ": give the --out the batch ran with (" + went.get().getParent() + ")");
        }
      });
    }
    if (earlier.isEmpty()) {
      problems.add("the journal " + cli.journalForCommand().orElse("") + " has no job of " + batchId
          + ": resuming would pay for every row again. Give the --journal it ran with (the stop printed the whole"
          + " command), or run it without --resume to start it");
    } else if (earlier.stream().allMatch(e -> e.requestId().isPresent() && client.journalEntry(e.requestId().get()).isEmpty())) {
      // The journal keeps each account's jobs apart: these were made with another token (another
      // account, or a sandbox), and this one would pay for every row again.
      problems.add("the jobs of " + batchId + " in the journal were made with another API token (another account, or a"
          + " sandbox): resuming with this one would pay for every row again. Resume with the RUNCOMFY_API_TOKEN and"
          + " RUNCOMFY_BASE_URL the batch ran with");
    }
    if (!problems.isEmpty() || maxSpend == null) {
      return new Resumed(BigDecimal.ZERO, problems);
    }
    Price price = client.price();
    BigDecimal committed =
        earlier.stream()
            .filter(e -> switch (e.state()) {
              case INTENT, SUBMITTED, UNKNOWN, COMPLETED, DOWNLOADED -> true; // a job that exists, or may
              default -> false;
            })
            .map(e -> price.estimate(e.request()).orElse(BigDecimal.ZERO))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    return new Resumed(committed, problems);
  }

  private static String why(Exception e) {
    if (e instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    return e.getMessage();
  }

  private int run(DreaminaClient client, List<BatchFile.Row> rows) throws Exception {
    List<BatchItem> items = new ArrayList<>();
    for (BatchFile.Row row : rows) {
      BatchItem item = BatchItem.of(row.key(), row.request(), target(row));
      items.add(row.idempotencyKey() == null ? item : item.withIdempotencyKey(row.idempotencyKey()));
    }
    boolean terminal = cli.terminal();
    BatchOptions options =
        BatchOptions.builder()
            .concurrency(concurrency)
            .batchId(batchId())
            .resume(resume)
            .onProgress(p -> {
              if (terminal && !json) {
                cli.out.print("\r" + BatchOutput.bar(p));
                cli.out.flush();
              }
            })
            .onOutcome(o -> {
              if (!terminal && !json) {
                cli.out.println(BatchOutput.line(o));
              }
            })
            .build();
    Batch batch = client.async().batch(items, options);
    BatchReport done;
    try (CleanStop onSignal =
        new CleanStop(batch, client, cli.out, cli.err, () -> "stopped. " + howToContinue(client))) {
      done = batch.result().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalStateException ranBefore) {
        cli.err.println("error: " + ranBefore.getMessage().replace("resume it", "pass --resume"));
        return DreaminaCli.USAGE;
      }
      throw e;
    }
    if (terminal && !json) {
      cli.out.println();
    }
    if (report != null) {
      BatchOutput.writeReport(done, report);
    }
    if (json) {
      cli.out.println(summaryJson(done, client));
    } else {
      summary(done, client);
    }
    Map<Kind, Integer> counts = done.counts();
    int completed = counts.getOrDefault(Kind.COMPLETED, 0);
    int held = counts.getOrDefault(Kind.HELD, 0);
    if (completed == rows.size()) {
      return 0;
    }
    // Only jobs another live instance is finishing: resume again later to see how they ended.
    return completed + held == rows.size() ? DreaminaCli.HELD : DreaminaCli.JOB_FAILED;
  }

  private Path target(BatchFile.Row row) {
    return out.resolve(row.output() != null ? row.output() : "line-" + row.line() + ".mp4").toAbsolutePath().normalize();
  }

  private void summary(BatchReport done, DreaminaClient client) {
    cli.out.println("outcome                 rows");
    done.counts().forEach((kind, n) -> cli.out.println(String.format(Locale.ROOT, "%-22s %5d", kind.name().toLowerCase(Locale.ROOT), n)));
    cli.out.println(String.format(Locale.ROOT, "%-22s %5d", "total", done.outcomes().size()));
    Reported reported = reported(done);
    cli.out.println("cost reported by RunComfy: " + reported.usd().toPlainString() + " USD, for " + reported.jobs() + " of the "
        + reported.completed() + " job(s) this run completed" + (reported.jobs() < reported.completed() ? " (the others reported none)" : ""));
    if (maxSpend != null) {
      BigDecimal now = client.spendCommitted();
      cli.out.println("spend committed against --max-spend " + maxSpend.toPlainString() + " USD: "
          + now.add(spentEarlier).toPlainString() + " USD (estimates: " + now.toPlainString() + " by this run"
          + (spentEarlier.signum() > 0 ? ", " + spentEarlier.toPlainString() + " by earlier runs" : "") + ")");
    }
    cli.out.println("took " + BatchOutput.clock(done.elapsed()));
    if (report != null) {
      cli.out.println("report: " + report.toAbsolutePath());
    }
    if (done.stopped()) {
      boolean spent = done.counts().getOrDefault(Kind.REFUSED_BY_SPEND_LIMIT, 0) > 0;
      cli.out.println("stopped before every row started" + (spent ? " (the spend limit; raise --max-spend to run the rest)" : "")
          + ". " + howToContinue(client));
    }
  }

  /** What RunComfy reported the completed jobs cost: its sum, how many reported one, of how many. */
  private record Reported(BigDecimal usd, int jobs, int completed) {}

  private static Reported reported(BatchReport done) {
    // This run's completions carry their video URL; those an earlier run reached carry no URL or cost.
    List<BatchOutcome> completed =
        done.outcomes().stream().filter(o -> o.kind() == Kind.COMPLETED && o.videoUrl().isPresent()).toList();
    List<BigDecimal> costs = completed.stream().flatMap(o -> o.cost().stream()).toList();
    return new Reported(costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add), costs.size(), completed.size());
  }

  /** The summary as one JSON object: counts by outcome, costs, and what to run next. */
  private String summaryJson(BatchReport done, DreaminaClient client) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode summary = mapper.createObjectNode();
    ObjectNode counts = summary.putObject("counts");
    done.counts().forEach((kind, n) -> counts.put(kind.name().toLowerCase(Locale.ROOT), n));
    summary.put("total", done.outcomes().size());
    Reported reported = reported(done);
    summary.put("cost_reported_usd", reported.usd());
    summary.put("jobs_with_cost", reported.jobs());
    if (maxSpend != null) {
      summary.put("max_spend_usd", maxSpend);
      summary.put("spend_committed_usd", client.spendCommitted().add(spentEarlier));
    }
    summary.put("elapsed_ms", done.elapsed().toMillis());
    summary.put("stopped", done.stopped());
    if (report != null) {
      summary.put("report", report.toAbsolutePath().toString());
    }
    if (done.stopped()) {
      continueCommand(client).ifPresent(command -> summary.put("continue", command));
    }
    return mapper.writeValueAsString(summary);
  }

  /** How to continue this run, as a sentence. */
  String howToContinue(DreaminaClient client) {
    return continueCommand(client)
        .map(command -> "Continue with: " + command)
        .orElse("This run used the sandbox this process started, whose jobs end with it: nothing to resume; run it"
            + " again with --sandbox.");
  }

  /**
   * The command that continues this run: the journal (where the batch's settings are stored since
   * it started), the lease, the file. None on the sandbox this process started.
   */
  Optional<String> continueCommand(DreaminaClient client) {
    if (embeddedSandbox) {
      return Optional.empty();
    }
    List<String> words = new ArrayList<>(List.of("dreamina"));
    cli.journalForCommand().ifPresent(journal -> words.addAll(List.of("--journal", journal)));
    Duration lease = cli.lease();
    if (lease != null) {
      words.addAll(List.of("--lease", lease.toString()));
    }
    words.addAll(List.of("batch", batchId(), "--resume"));
    if (json) {
      words.add("--json");
    }
    return Optional.of(words.stream().map(BatchCommand::shellWord).collect(Collectors.joining(" ")));
  }

  /** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
  static String shellWord(String word) {
    return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  private static String abbreviate(String prompt) {
    return prompt.length() <= 40 ? prompt : prompt.substring(0, 37) + "...";
  }
}
