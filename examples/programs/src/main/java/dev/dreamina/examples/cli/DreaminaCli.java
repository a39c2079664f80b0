package dev.dreamina.examples.cli;

import dev.dreamina.AwaitOptions;
import dev.dreamina.Budget;
import dev.dreamina.DreaminaClient;
import dev.dreamina.JobListener;
import dev.dreamina.RequestResult;
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
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SubmissionJournal;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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
      GenerateCommand.class,
      JobCommands.StatusCommand.class,
      JobCommands.ResultCommand.class,
      JobCommands.CancelCommand.class,
      JobCommands.AwaitCommand.class,
      JobCommands.ResumeCommand.class,
      InspectCommands.PreflightCommand.class,
      InspectCommands.PendingCommand.class,
      InspectCommands.BudgetCommand.class,
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
  SubmissionJournal opened;
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

  void download(DreaminaClient client, RequestResult done, Path output) throws Exception {
    Path file = client.download(done, output, null);
    out.println("saved " + file.toAbsolutePath() + " (" + Files.size(file) + " bytes)");
  }

}
