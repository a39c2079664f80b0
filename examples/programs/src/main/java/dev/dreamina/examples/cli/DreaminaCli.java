package dev.dreamina.examples.cli;

import dev.dreamina.AwaitOptions;
import dev.dreamina.Budget;
import dev.dreamina.CancelResult;
import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.JobListener;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Submission;
import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.AuthenticationException;
import dev.dreamina.errors.AwaitTimeoutException;
import dev.dreamina.errors.BadRequestException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.IdempotencyKeyReusedException;
import dev.dreamina.errors.ImagePublishException;
import dev.dreamina.errors.InsufficientBalanceException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.PermissionDeniedException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.images.LocalImage;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dreamina}: the SDK from the command line. The token comes from {@code RUNCOMFY_API_TOKEN}
 * (or {@code RUNCOMFY_TOKEN}), never from a flag, so it stays out of shell history.
 */
@Command(
    name = "dreamina",
    mixinStandardHelpOptions = true,
    versionProvider = DreaminaCli.Version.class,
    description = "Dreamina 3.0 Pro image-to-video on RunComfy.",
    subcommands = {
      DreaminaCli.Generate.class,
      DreaminaCli.StatusCommand.class,
      DreaminaCli.ResultCommand.class,
      DreaminaCli.CancelCommand.class,
      DreaminaCli.AwaitCommand.class,
      DreaminaCli.ResumeCommand.class,
      DreaminaCli.PreflightCommand.class,
      DreaminaCli.PendingCommand.class,
      DreaminaCli.BudgetCommand.class,
      BatchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected error",
      "2:usage error",
      "3:invalid request (validation, failed image preflight, bad request id, HTTP 400/422)",
      "4:authentication or permission error, or no token (401/403/402)",
      "5:the job failed or was cancelled",
      "6:timed out waiting; the job may still be running",
      "7:network error",
      "8:submit outcome unknown: check your requests before resubmitting",
      "9:other API error (404, 429, 5xx)",
      "10:the journal cannot be read or written (nothing was submitted)",
      "11:resume left jobs that need you (no request id, a missing folder, not finished)",
      "12:another live instance holds the job(s): resume after the time printed, or --force if it is gone",
      "13:a budget (--budget) refused the submit: nothing was sent",
      "14:the image could not be published to --image-host: nothing was sent",
      "130:interrupted (Ctrl-C; a batch first lets its submits in flight be answered and journaled)",
      "143:stopped by SIGTERM (as Ctrl-C)"
    })
public final class DreaminaCli {
  /** {@code dreamina <version>}: the SDK's version, from its jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = DreaminaClient.class.getPackage().getImplementationVersion();
      return new String[] {"dreamina " + (version == null ? "(version unknown: the SDK is not a jar here)" : version)};
    }
  }

  static final int USAGE = 2;
  static final int VALIDATION = 3;
  static final int AUTH = 4;
  static final int JOB_FAILED = 5;
  static final int TIMEOUT = 6;
  static final int NETWORK = 7;
  static final int SUBMISSION_UNKNOWN = 8;
  static final int API = 9;
  static final int JOURNAL = 10;
  static final int NOT_ALL_FINISHED = 11;
  static final int HELD = 12;
  static final int OVER_BUDGET = 13;
  static final int IMAGE_HOST = 14;
  static final int INTERRUPTED = 130;

  // Global options, accepted before the subcommand or after it.
  @Option(names = "--sandbox", scope = CommandLine.ScopeType.INHERIT, description = "Run against an embedded sandbox: no token, no credits.")
  boolean sandbox;

  @Option(
      names = "--journal",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FILE|JDBC_URL",
      description = "Journal of paid jobs, for `pending` and `resume` after a crash: a file, or a"
          + " jdbc: URL of a database several machines share (user and password from"
          + " $DREAMINA_JOURNAL_USER and $DREAMINA_JOURNAL_PASSWORD, never here; the table from"
          + " $DREAMINA_JOURNAL_TABLE, default dreamina_journal). Default: $DREAMINA_JOURNAL, else"
          + " ~/.dreamina/journal.json; none with --sandbox unless given.")
  String journal;

  @Option(
      names = "--lease",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "DURATION",
      description = "How long a job's journal lease lasts unless renewed (default: $DREAMINA_LEASE, else"
          + " 2m): another instance takes over a job only once its holder has not renewed it for this"
          + " long. At least 1s; e.g. 90s, 5m.")
  Duration lease;

  @Option(
      names = "--budget",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "USD/PERIOD",
      description = "A spend limit in the journal, which every process sharing it shares: 50/day, 500/month or"
          + " 1000/total (UTC days and months); repeat it for several. Default: $DREAMINA_BUDGET (comma-separated)."
          + " A submit that would pass one exits 13, with nothing sent; `dreamina budget` prints each window.")
  List<String> budgets;

  @Mixin ImageHostOptions imageHosting;

  final Map<String, String> env;
  /** The journal of the last {@link #open()}, for the leases {@code pending} shows. */
  private SubmissionJournal opened;
  /** Request ids whose videos this process downloaded (another process may download a job too). */
  final Set<String> downloadedHere = ConcurrentHashMap.newKeySet();
  final PrintWriter out;
  final PrintWriter err;
  private final boolean terminal;

  DreaminaCli(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, System.getenv(), out, err, System.console() != null));
  }

  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    CommandLine cli = new CommandLine(new DreaminaCli(env, out, err, terminal));
    cli.setOut(out);
    cli.setErr(err);
    cli.registerConverter(Duration.class, DreaminaCli::parseDuration);
    cli.setParameterExceptionHandler(
        (e, args1) -> {
          CommandLine command = e.getCommandLine();
          List<String> unknown = command.getUnmatchedArguments();
          // An unknown option is the mistake to name first, before any required option it hides.
          err.println("error: " + (unknown.isEmpty() ? e.getMessage() : "unknown option: " + String.join(" ", unknown)));
          err.print(command.getHelp().synopsisHeading() + command.getHelp().synopsis(0));
          err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more.");
          return CommandLine.ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          err.println("error: " + inCliTerms(e));
          if (e instanceof JobHeldException held) {
            err.println("if " + held.lease().owner() + " is gone (crashed, killed), take the job over: dreamina resume "
                + held.requestId().orElseThrow() + " --force");
            return HELD;
          }
          if (e instanceof DreaminaException) {
            ((DreaminaException) e)
                .requestId()
                .ifPresent(id -> err.println("request_id: " + id + " (resume with: dreamina await " + id + ")"));
          }
          return exitCode(e);
        });
    return cli.execute(args);
  }

  /** The documented exit code for a failure. */
  static int exitCode(Exception e) {
    if (e instanceof CommandLine.TypeConversionException) {
      return CommandLine.ExitCode.USAGE; // a bad value from the environment ($DREAMINA_LEASE), as one on the command line
    }
    if (e instanceof InvalidRequestException
        || e instanceof IllegalArgumentException
        || e instanceof BadRequestException) {
      return VALIDATION;
    }
    if (e instanceof IllegalStateException
        || e instanceof AuthenticationException
        || e instanceof PermissionDeniedException
        || e instanceof InsufficientBalanceException) {
      return AUTH;
    }
    if (e instanceof JournalException) {
      return JOURNAL;
    }
    if (e instanceof GenerationFailedException) {
      return JOB_FAILED;
    }
    if (e instanceof AwaitTimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof SubmissionUnknownException) {
      return SUBMISSION_UNKNOWN;
    }
    if (e instanceof IdempotencyKeyReusedException) {
      return VALIDATION;
    }
    if (e instanceof SpendLimitException) {
      return OVER_BUDGET;
    }
    if (e instanceof ImagePublishException) {
      return IMAGE_HOST;
    }
    if (e instanceof NetworkException) {
      return NETWORK;
    }
    if (e instanceof CallInterruptedException) {
      return INTERRUPTED;
    }
    if (e instanceof ApiException) {
      return API;
    }
    return 1;
  }

  /**
   * {@code 90s}, {@code 15m}, {@code 2h}, a bare number of seconds, or ISO-8601 ({@code PT1H30M}).
   *
   * @throws CommandLine.TypeConversionException saying the expected form, for anything else
   */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(t.replaceAll("[smh]$", ""));
      if (t.endsWith("m")) {
        return Duration.ofMinutes(n);
      }
      if (t.endsWith("h")) {
        return Duration.ofHours(n);
      }
      return Duration.ofSeconds(n);
    } catch (RuntimeException notADuration) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration: write it as 90s, 15m, 2h, or PT1H30M");
    }
  }

  /** A failure's message in the CLI's terms: the SDK's Java hints become the commands to type. */
  static String inCliTerms(Exception e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof DreaminaException failure && failure.requestId().isPresent()) {
      // "resume with awaitResult("ID")" is for Java callers; the next line says what to type.
      message = message.replaceAll(";? ?[Rr]esume with awaitResult\\(\"[^\"]*\"\\)", "");
    }
    return message;
  }

  boolean terminal() {
    return terminal;
  }

  ExampleBackend open() {
    if (!sandbox && !ExampleBackend.hasToken(env)) {
      throw new IllegalStateException(
          "No RunComfy API token: set RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN), or pass --sandbox to try it out.");
    }
    opened = journal();
    Duration lease = lease();
    List<Budget> budgets = budgets();
    if (!budgets.isEmpty() && opened == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "a --budget lives in the journal: pass --journal too (there is none with --sandbox unless given)");
    }
    JobListener downloads =
        new JobListener() {
          @Override
          public void downloaded(String requestId, long bytes, Duration took) {
            downloadedHere.add(requestId);
          }
        };
    ExampleBackend backend =
        ExampleBackend.open(
            sandbox,
            imageHosting.location(env) != null,
            env,
            builder -> {
              imageHosting.apply(builder, env).jobListener(downloads);
              if (lease != null) {
                builder.journalLease(lease);
              }
              if (!budgets.isEmpty()) {
                builder.spendLimit(budgets.toArray(Budget[]::new));
              }
              return opened == null ? builder : builder.journal(opened);
            });
    if (backend.usingSandbox()) {
      err.println("(using the embedded sandbox at " + backend.sandbox().baseUrl() + "; no credits spent)");
    }
    return backend;
  }

  /** The journal {@link #open()} opened, or null for none. */
  SubmissionJournal openedJournal() {
    return opened;
  }

  /** Where the journal is: --journal; else, against RunComfy, $DREAMINA_JOURNAL or the default file; else null. */
  String journalLocation() {
    String where = journal;
    if (where == null && !sandbox) {
      String fromEnv = env.get("DREAMINA_JOURNAL");
      where =
          fromEnv != null && !fromEnv.isBlank()
              ? fromEnv
              : Path.of(System.getProperty("user.home"), ".dreamina", "journal.json").toString();
    }
    return where;
  }

  /**
   * The journal as a command that continues this run names it: a file's absolute path, or a JDBC
   * URL with any password in it masked (run as printed, it then fails to connect, and pays nothing).
   */
  Optional<String> journalForCommand() {
    String where = journalLocation();
    if (where == null) {
      return Optional.empty();
    }
    return Optional.of(
        where.startsWith("jdbc:")
            ? where.replaceAll("(?i)(password=)[^&;]*", "$1***")
            : Path.of(where).toAbsolutePath().normalize().toString());
  }

  /** The journal at {@link #journalLocation()}, or null for none. */
  SubmissionJournal journal() {
    String where = journalLocation();
    if (where == null) {
      return null;
    }
    if (where.startsWith("jdbc:")) {
      String table = env.getOrDefault("DREAMINA_JOURNAL_TABLE", JdbcSubmissionJournal.DEFAULT_TABLE);
      return JdbcSubmissionJournal.of(JdbcUrlDataSource.of(where, env), table);
    }
    return FileSubmissionJournal.open(Path.of(where));
  }

  /** --budget, else $DREAMINA_BUDGET (comma-separated), as budgets; none when neither is set. */
  List<Budget> budgets() {
    List<String> given = budgets;
    if (given == null || given.isEmpty()) {
      String fromEnv = env.get("DREAMINA_BUDGET");
      given = fromEnv == null || fromEnv.isBlank() ? List.of() : List.of(fromEnv.split(","));
    }
    List<Budget> parsed = new ArrayList<>();
    for (String text : given) {
      parsed.add(parseBudget(text.strip()));
    }
    return parsed;
  }

  /**
   * {@code 50/day}, {@code 500/month} or {@code 1000/total}.
   *
   * @throws CommandLine.TypeConversionException saying the expected form, for anything else
   */
  static Budget parseBudget(String text) {
    String[] parts = text.split("/", 2);
    try {
      BigDecimal usd = new BigDecimal(parts[0].strip());
      String period = parts.length == 2 ? parts[1].strip().toLowerCase(Locale.ROOT) : "";
      return switch (period) {
        case "day" -> Budget.perDay(usd);
        case "month" -> Budget.perMonth(usd);
        case "total" -> Budget.total(usd);
        default -> throw new IllegalArgumentException("no period");
      };
    } catch (RuntimeException notABudget) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a budget: write it as 50/day, 500/month or 1000/total (US dollars, zero or more)");
    }
  }

  /** --lease, else $DREAMINA_LEASE, else the SDK's default ({@code null}). */
  Duration lease() {
    if (lease != null) {
      return lease;
    }
    String fromEnv = env.get("DREAMINA_LEASE");
    return fromEnv == null || fromEnv.isBlank() ? null : parseDuration(fromEnv);
  }

  /** Waits for a job with a progress display, and a bounded cancel on Ctrl-C. */
  RequestResult await(ExampleBackend backend, String requestId, Duration timeout) {
    return await(backend, requestId, timeout, options -> backend.client().awaitResult(requestId, options));
  }

  /** {@link #await(ExampleBackend, String, Duration)} through {@code wait}: an await or a resume. */
  RequestResult await(ExampleBackend backend, String requestId, Duration timeout, java.util.function.Function<AwaitOptions, RequestResult> wait) {
    DreaminaClient client = backend.client();
    Progress progress = new Progress(out, terminal);
    CancelOnInterrupt onInterrupt = new CancelOnInterrupt(backend, requestId, err);
    Thread hook = new Thread(onInterrupt::run, "dreamina-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      AwaitOptions options = client.awaitOptions().toBuilder().onUpdate(progress::update).build();
      if (timeout != null) {
        options = options.toBuilder().timeout(timeout).build();
      }
      return wait.apply(options);
    } finally {
      progress.stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C arrived: the hook is running and reports what it did.
      }
    }
  }

  private void download(DreaminaClient client, RequestResult done, Path output) throws Exception {
    Path file = client.download(done, output, null);
    out.println("saved " + file.toAbsolutePath() + " (" + Files.size(file) + " bytes)");
  }

  @Command(mixinStandardHelpOptions = true, name = "generate", description = "Submit a job, wait for it and download the MP4.")
  static final class Generate implements Callable<Integer> {
    @ParentCommand DreaminaCli cli;

    @Option(names = "--prompt", required = true, description = "Text prompt, at most 800 characters.")
    String prompt;

    @ArgGroup(multiplicity = "1")
    Image image;

    /** The input image: a URL, or a local file the client publishes to --image-host. */
    static final class Image {
      @Option(names = "--image-url", required = true, description = "https URL of a JPEG or PNG.")
      String url;

      @Option(
          names = "--image",
          required = true,
          paramLabel = "FILE",
          description = "A local JPEG or PNG: checked (as --preflight does), then published to --image-host under its"
              + " content's hash (once) before the job is submitted with its signed URL.")
      Path file;
    }

    @Option(names = "--frames", description = "121 (about 5 s) or 241 (about 10 s).")
    Integer frames;

    @Option(names = "--seed", description = "-1 for random, or 0 and up.")
    Integer seed;

    @Option(names = {"-o", "--output"}, description = "Where to save the MP4 (default: REQUEST_ID.mp4, a name no earlier video has).")
    Path output;

    @Option(names = "--overwrite", description = "Replace the -o file if it exists (without it, an existing file is refused before anything is paid).")
    boolean overwrite;

    @Option(names = "--timeout", description = "How long to wait, e.g. 90s, 15m, PT1H (default 15m).")
    Duration timeout;

    @Option(
        names = "--preflight",
        description = "Fetch the image first and check the page's rules (JPEG/PNG, size, sides, ratio);"
            + " a failing image exits 3 and nothing is submitted.")
    boolean preflight;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description = "One paid job per KEY (an order id, say), whoever runs it and however often: run again, it prints"
            + " the same request_id and submits nothing (nor downloads, when -o is there already). Exits 8 if the key's"
            + " first submit has an unknown outcome, 3 if the key was used with another request.")
    String idempotencyKey;

    @Override
    public Integer call() throws Exception {
      ImageToVideoRequest.Builder builder = ImageToVideoRequest.builder().prompt(prompt).imageUrl(image.url).imageFile(image.file);
      if (image.file != null && cli.imageHosting.location(cli.env) == null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--image needs --image-host s3://BUCKET/PREFIX (or $DREAMINA_IMAGE_HOST) to publish it to");
      }
      if (frames != null) {
        builder.frames(frames);
      }
      if (seed != null) {
        builder.seed(seed);
      }
      ImageToVideoRequest request = builder.build();
      try (ExampleBackend backend = cli.open()) {
        DreaminaClient client = backend.client().withPreflight(preflight);
        if (idempotencyKey != null) {
          client = client.withOptions(o -> o.idempotencyKey(idempotencyKey));
          Optional<JournalEntry> known = client.journalEntryForKey(idempotencyKey);
          if (output != null && known.isPresent() && downloadedTo(known.get(), output) && sameRequest(known.get().request(), request)) {
            cli.out.println("request_id: " + known.get().requestId().orElseThrow());
            cli.out.println("already downloaded: " + output.toAbsolutePath());
            return 0;
          }
        }
        if (output != null && Files.exists(output) && !overwrite) {
          cli.err.println("error: " + output + " exists; pass --overwrite to replace it, or choose another -o. Nothing was submitted.");
          return VALIDATION;
        }
        // Without -o, the journal names no target, and a resume saves to REQUEST_ID.mp4 as well.
        Submission submission = client.submit(request, output);
        cli.out.println("request_id: " + submission.requestId());
        RequestResult done = cli.await(backend, submission.requestId(), timeout);
        cli.download(client, done, output != null ? output : Path.of(submission.requestId() + ".mp4"));
        return 0;
      }
    }

    /** Whether the entry records its video downloaded to {@code output}, and the file is there. */
    /**
     * Whether the journaled request is this one: for a local image, the journal holds the URL it
     * was published at, named by the image's content, so the file's content is compared with it.
     */
    private static boolean sameRequest(ImageToVideoRequest journaled, ImageToVideoRequest request) {
      if (request.imageFile().isEmpty()) {
        return journaled.equals(request);
      }
      try {
        String name = LocalImage.read(request.imageFile().get()).name();
        String anyUrl = "https://image/";
        return journaled.imageUrl().getPath().endsWith("/" + name)
            && journaled.toBuilder().imageUrl(anyUrl).build().equals(request.toBuilder().imageFile(null).imageUrl(anyUrl).build());
      } catch (IOException | IllegalArgumentException unreadable) {
        return false; // then the submit checks it, and says why
      }
    }

    private static boolean downloadedTo(JournalEntry entry, Path output) {
      return entry.state() == JournalEntry.State.DOWNLOADED
          && entry.target().equals(Optional.of(output.toAbsolutePath()))
          && Files.isRegularFile(output);
    }
  }

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
        return USAGE;
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
          return NOT_ALL_FINISHED;
        }
        List<RecoveryReport.Item> held = report.items(RecoveryReport.Outcome.HELD);
        held.stream()
            .flatMap(i -> i.lease().stream())
            .map(l -> l.until())
            .max(java.util.Comparator.naturalOrder())
            .filter(last -> !json)
            .ifPresent(last -> cli.out.println(held.size() + " job(s) held by other instances; the last lease ends " + last + ": resume again after it"));
        return held.isEmpty() ? 0 : HELD;
      }
    }
  }

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
        return VALIDATION;
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
      return report.passes() ? 0 : VALIDATION;
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
        return USAGE;
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
