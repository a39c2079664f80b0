package dev.dreamina;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.internal.Arguments;
import dev.dreamina.internal.LeaseOwners;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.images.ImageHost;
import dev.dreamina.internal.flow.ImagePublisher;
import dev.dreamina.internal.flow.JobFlow;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.internal.wire.Urls;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.preflight.ImagePreflight;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/** Configures a {@link DreaminaClient}. Not thread-safe. */
public final class DreaminaClientBuilder {
  private @Nullable String apiToken;
  private String baseUrl = DreaminaClient.DEFAULT_BASE_URL;
  private int maxRetries = 2;
  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration requestTimeout = Duration.ofSeconds(30);
  private Duration maxRetryAfter = Duration.ofSeconds(60);
  private @Nullable OkHttpClient httpClient;
  private AwaitOptions awaitOptions = AwaitOptions.defaults();
  private long maxDownloadBytes = DreaminaClient.DEFAULT_MAX_DOWNLOAD_BYTES;
  private Duration closeGrace = DreaminaClient.DEFAULT_CLOSE_GRACE;
  private boolean preflightImages;
  private @Nullable ImageHost imageHost;
  private Duration imageUrlLifetime = DreaminaClient.DEFAULT_IMAGE_URL_LIFETIME;
  private Executor callbackExecutor = ForkJoinPool.commonPool();
  private @Nullable Executor blockingExecutor;
  private @Nullable SubmissionJournal journal;
  private @Nullable String instanceId;
  private Duration journalLease = DreaminaClient.DEFAULT_JOURNAL_LEASE;
  private @Nullable JobListener jobListener;
  private @Nullable BigDecimal spendLimit;
  private List<Budget> budgets = List.of();
  private boolean reuseIdentical;
  private TimeSource time = TimeSource.SYSTEM;
  private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
  private WireLog wireLog = WireLog.OFF;

  DreaminaClientBuilder() {}

  /**
   * Reads {@value DreaminaClient#ENV_API_TOKEN} (else {@value DreaminaClient#ENV_TOKEN_FALLBACK}), {@value DreaminaClient#ENV_BASE_URL}
   * and {@value WireLog#ENV} (the {@link #wireLog wire log}: {@code off}, {@code info} or {@code
   * debug}) from the environment. Unset variables leave the builder as it was.
   *
   * @return this builder
   */
  public DreaminaClientBuilder fromEnv() {
    return fromEnv(System::getenv);
  }

  /**
   * Like {@link #fromEnv()}, reading the variables through {@code env} instead of the process
   * environment: for tests, or configuration kept in a map ({@code fromEnv(map::get)}).
   *
   * @param env returns a variable's value, or {@code null} when unset
   * @return this builder
   */
  public DreaminaClientBuilder fromEnv(Function<String, @Nullable String> env) {
    Objects.requireNonNull(env, "env == null");
    String token = nonBlank(env.apply(DreaminaClient.ENV_API_TOKEN));
    if (token == null) {
      token = nonBlank(env.apply(DreaminaClient.ENV_TOKEN_FALLBACK));
    }
    if (token != null) {
      apiToken = token;
    }
    String url = nonBlank(env.apply(DreaminaClient.ENV_BASE_URL));
    if (url != null) {
      baseUrl(url);
    }
    String log = nonBlank(env.apply(WireLog.ENV));
    if (log != null) {
      wireLog = WireLog.parse(log);
    }
    return this;
  }

  /**
   * How much of each HTTP exchange to log on {@value WireLog#LOGGER}: {@link WireLog#OFF} (the
   * default), {@link WireLog#INFO} (a line per exchange) or {@link WireLog#DEBUG} (headers and
   * bodies too, credentials redacted). {@link #fromEnv()} reads it from {@value WireLog#ENV}.
   *
   * @param wireLog the level
   * @return this builder
   */
  public DreaminaClientBuilder wireLog(WireLog wireLog) {
    this.wireLog = Objects.requireNonNull(wireLog, "wireLog == null");
    return this;
  }

  /**
   * Sets the API token, sent as {@code Authorization: Bearer}. Required. It never appears in a
   * log line, message or {@code toString()}.
   *
   * @param apiToken the token from the RunComfy profile page
   * @return this builder
   */
  public DreaminaClientBuilder apiToken(String apiToken) {
    this.apiToken = Objects.requireNonNull(apiToken, "apiToken == null");
    return this;
  }

  /**
   * Sets the API's base URL. Default {@value DreaminaClient#DEFAULT_BASE_URL}. It must be {@code https}; plain
   * {@code http} is allowed only for loopback hosts (tests, a local sandbox).
   *
   * @param baseUrl the base URL
   * @return this builder
   * @throws IllegalArgumentException when it is not a usable URL
   */
  public DreaminaClientBuilder baseUrl(String baseUrl) {
    Urls.baseUrl(Objects.requireNonNull(baseUrl, "baseUrl == null"));
    this.baseUrl = baseUrl;
    return this;
  }

  /**
   * Sets the API's base URL; see {@link #baseUrl(String)}.
   *
   * @param baseUrl the base URL
   * @return this builder
   */
  public DreaminaClientBuilder baseUrl(URI baseUrl) {
    return baseUrl(Objects.requireNonNull(baseUrl, "baseUrl == null").toString());
  }

  /**
   * Sets how many times a failed call is retried. Default 2. Reads and cancels retry on I/O
   * errors, 408, 429, 500, 502, 503 and 504; a submit only when no job can exist.
   *
   * @param maxRetries 0 or more
   * @return this builder
   */
  public DreaminaClientBuilder maxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
    }
    this.maxRetries = maxRetries;
    return this;
  }

  /**
   * Sets the time allowed to open a connection. Default 10 s.
   *
   * @param connectTimeout a positive duration
   * @return this builder
   */
  public DreaminaClientBuilder connectTimeout(Duration connectTimeout) {
    this.connectTimeout = Arguments.positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * Sets the time allowed for one whole HTTP exchange, and for each read or write in it. Default
   * 30 s. Retries each get their own.
   *
   * @param requestTimeout a positive duration
   * @return this builder
   */
  public DreaminaClientBuilder requestTimeout(Duration requestTimeout) {
    this.requestTimeout = Arguments.positive(requestTimeout, "requestTimeout");
    return this;
  }

  /**
   * Sets the longest {@code Retry-After} the client will sleep through. Default 60 s. A longer
   * one fails the call at once ({@link RateLimitException} for a 429) rather than blocking.
   *
   * @param maxRetryAfter zero or a positive duration
   * @return this builder
   */
  public DreaminaClientBuilder maxRetryAfter(Duration maxRetryAfter) {
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter == null");
    if (maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("maxRetryAfter < 0: " + maxRetryAfter);
    }
    this.maxRetryAfter = maxRetryAfter;
    return this;
  }

  /**
   * Shares an existing OkHttp client (its connection pool and threads). The SDK derives its own
   * with {@code newBuilder()}, applying its timeouts, no redirects and no silent retries, and
   * {@link DreaminaClient#close()} leaves the shared one running.
   *
   * @param httpClient the client to share
   * @return this builder
   */
  public DreaminaClientBuilder httpClient(OkHttpClient httpClient) {
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
    return this;
  }

  /**
   * Sets the options {@link DreaminaClient#awaitResult(String)} and {@link
   * DreaminaClient#generate(ImageToVideoRequest)} use. Default {@link AwaitOptions#defaults()}.
   *
   * @param awaitOptions the default await options
   * @return this builder
   */
  public DreaminaClientBuilder awaitOptions(AwaitOptions awaitOptions) {
    this.awaitOptions = Objects.requireNonNull(awaitOptions, "awaitOptions == null");
    return this;
  }

  /**
   * Sets the largest video {@link DreaminaClient#download} accepts. Default 512 MiB. A bigger
   * announced size is refused before reading; a body that grows past it is cut off.
   *
   * @param maxDownloadBytes a positive number of bytes
   * @return this builder
   */
  public DreaminaClientBuilder maxDownloadBytes(long maxDownloadBytes) {
    if (maxDownloadBytes <= 0) {
      throw new IllegalArgumentException("maxDownloadBytes must be positive: " + maxDownloadBytes);
    }
    this.maxDownloadBytes = maxDownloadBytes;
    return this;
  }

  /**
   * Sets how long {@link DreaminaClient#close()} lets downloads under way finish before it stops
   * them (keeping nothing of them). Default 10 seconds.
   *
   * @param closeGrace a positive duration
   * @return this builder
   */
  public DreaminaClientBuilder closeGrace(Duration closeGrace) {
    this.closeGrace = Arguments.positive(closeGrace, "closeGrace");
    return this;
  }

  /**
   * Checks the input image against the endpoint page's rules (type, size, dimensions, ratio)
   * with {@link ImagePreflight} before every submit, so a bad image fails fast with an {@link
   * InvalidRequestException} instead of after a round trip. Default {@code false}: it costs one
   * fetch of the image. {@link DreaminaClient#withPreflight(boolean)} overrides it per call.
   *
   * @param preflightImages whether to check images before submitting
   * @return this builder
   */
  public DreaminaClientBuilder preflightImages(boolean preflightImages) {
    this.preflightImages = preflightImages;
    return this;
  }

  /**
   * Sets where local images are published ({@link ImageToVideoRequest.Builder#imageFile}, {@link
   * DreaminaClient#publishImage(Path)}): for S3, R2, MinIO or Backblaze, {@code S3ImageHost} of the
   * {@code dreamina-java-s3} artifact. The client checks each local image with the image
   * preflight, then publishes it once under its content's hash, and submits the URL the host
   * signs. Unset, a request with a local image is refused before anything is uploaded or paid.
   *
   * @param imageHost the host
   * @return this builder
   */
  public DreaminaClientBuilder imageHost(ImageHost imageHost) {
    this.imageHost = Objects.requireNonNull(imageHost, "imageHost == null");
    return this;
  }

  /**
   * Sets how long a published image's URL works: at least as long as a job can wait in RunComfy's
   * queue before it fetches its image. Default {@value DreaminaClient#DEFAULT_IMAGE_URL_LIFETIME_MINUTES}
   * minutes; S3's signatures last at most 7 days.
   *
   * @param imageUrlLifetime a positive duration (S3 counts whole seconds; a few seconds only suit
   *     a test of an expired link)
   * @return this builder
   */
  public DreaminaClientBuilder imageUrlLifetime(Duration imageUrlLifetime) {
    this.imageUrlLifetime = Arguments.positive(imageUrlLifetime, "imageUrlLifetime");
    return this;
  }

  /**
   * Sets the executor on which the async calls' futures complete, and so where stages the
   * caller chains without an executor of their own run. Default {@link
   * ForkJoinPool#commonPool()}. The SDK's own threads (OkHttp's and its scheduler) never run
   * caller code, except {@link AwaitOptions.Builder#onUpdate} callbacks of async waits.
   *
   * @param callbackExecutor the executor
   * @return this builder
   */
  public DreaminaClientBuilder callbackExecutor(Executor callbackExecutor) {
    this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor == null");
    return this;
  }

  /**
   * Sets the executor on which the {@link DreaminaClient#async() async view} runs the steps that
   * block: the image preflight's fetch and downloads. Default: the client's own daemon threads
   * ({@code dreamina-blocking-N}), made on demand and ended after a minute idle; never the common
   * pool, whose few threads must not wait on the network.
   *
   * @param blockingExecutor the executor, for example one of virtual threads
   * @return this builder
   */
  public DreaminaClientBuilder blockingExecutor(Executor blockingExecutor) {
    this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor == null");
    return this;
  }

  /**
   * Records every paid job in {@code journal}, so that a crash between "submitted" and
   * "downloaded" never orphans one: an intent before each submit (a journal that cannot be
   * written means no submit, with a {@link JournalException}), the request id after it, an
   * unknown outcome, each terminal state and each download. {@link DreaminaClient#pending()}
   * and {@link DreaminaClient#resume(String)} read it back. A journal with a clock of its own (a
   * database's, {@link SubmissionJournal#clock()}) is compared with this client's clock once,
   * on a blocking-executor thread after {@code build()}, and on each recovery pass; a WARNING
   * names both when they differ by more than a quarter of the {@link #journalLease}. Default:
   * none.
   *
   * @param journal the journal, for example {@code FileSubmissionJournal.open(path)}
   * @return this builder
   */
  public DreaminaClientBuilder journal(SubmissionJournal journal) {
    this.journal = Objects.requireNonNull(journal, "journal == null");
    return this;
  }

  /**
   * This client's name in the journal's leases ({@link SubmissionJournal#claim}), so that a
   * person reading the journal table sees which instance works on a job. Default: the {@code
   * HOSTNAME} environment variable (else {@code "host"}), the process id and a random suffix,
   * unique per client, then (on Linux) the machine's boot id, the process's PID namespace and its
   * start time, as in {@code web-1/24529/68cbbb/3f2a9c1d.4026531836.1765075200123}. With those, a
   * job whose holder was a process on this machine that no longer runs (killed, crashed) is taken
   * at once by {@code resume}, {@code recover()} and a resumed batch, rather than after its lease
   * time. An id set here cannot be checked that way: its leases are always waited out. Two
   * clients must never share one.
   *
   * @param instanceId up to 128 characters, for example a pod name
   * @return this builder
   */
  public DreaminaClientBuilder instanceId(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId == null");
    if (instanceId.isBlank() || instanceId.length() > 128) {
      throw new IllegalArgumentException("instanceId must be 1 to 128 characters, not blank");
    }
    this.instanceId = instanceId;
    return this;
  }

  /**
   * How long a job's lease in the journal lasts unrenewed. The client renews the leases of the
   * jobs it works on every third of this; when it dies, its jobs wait this long before another
   * instance's {@link DreaminaClient#recover()} takes them. A shared database journal judges
   * leases on its own clock, so the instances' clocks need not agree; the file journal uses this
   * machine's. Default: {@value DreaminaClient#DEFAULT_JOURNAL_LEASE_SECONDS} seconds.
   *
   * @param journalLease at least one second
   * @return this builder
   */
  public DreaminaClientBuilder journalLease(Duration journalLease) {
    Objects.requireNonNull(journalLease, "journalLease == null");
    if (journalLease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("journalLease must be at least one second: " + journalLease);
    }
    this.journalLease = journalLease;
    return this;
  }

  /**
   * Tells {@code listener} what happens to each job: submitted, status changes, retries, its
   * end (with queue and run time and cost), its download, and submits whose outcome is unknown.
   * For metrics and traces; a listener that throws is logged and ignored. To tell several,
   * give one that forwards to each. Default: none.
   *
   * @param listener the listener
   * @return this builder
   */
  public DreaminaClientBuilder jobListener(JobListener listener) {
    this.jobListener = Objects.requireNonNull(listener, "listener == null");
    return this;
  }

  /**
   * The most this client's submits may commit, in US dollars. Before each submit, the job's
   * estimate ({@link Price#estimate}, from {@link DreaminaClient#price()}, fetched once and kept
   * for ten minutes) is added to what this client has committed; a submit that would pass the
   * limit is refused before anything is sent, with a {@link SpendLimitException} that gives the
   * limit, the committed amount and the estimate. Jobs that fail or are cancelled give their
   * estimate back; completed ones count at their real cost when the result says. A submit whose
   * outcome is unknown stays counted (it may have been paid). A price that cannot be read, or
   * gives no estimate, refuses the submit: the client never guesses. It guards this client's own
   * submits, not the account: other clients and processes spend on their own. Default: none.
   *
   * @param usd zero or more
   * @return this builder
   */
  public DreaminaClientBuilder spendLimit(BigDecimal usd) {
    Objects.requireNonNull(usd, "usd == null");
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("spendLimit < 0: " + usd);
    }
    this.spendLimit = usd;
    return this;
  }

  /**
   * Spend limits that every instance sharing this client's {@link #journal journal} shares: so
   * much per day, per month or in total ({@link Budget}), for this account. Each submit charges
   * its estimate to each budget's current window (on the journal's clock) in the same atomic
   * write as its intent, or is refused with nothing sent: a {@link SpendLimitException} that
   * names the window ({@link SpendLimitException#window()}) and what every instance committed
   * in it. N instances sharing a JDBC journal (or N processes sharing a file journal) never pass
   * a window's limit together. A job that fails, is cancelled or was never made gives its
   * estimate back; a completed one's real cost replaces its estimate when RunComfy reports it;
   * a submit whose outcome is unknown, or whose instance crashed, stays charged (never an
   * overspend) until its job is resolved ({@link DreaminaClient#recover()}). {@link
   * DreaminaClient#spend()} reports each window. Needs a journal that keeps budgets ({@link
   * dev.dreamina.journal.FileSubmissionJournal}, {@link dev.dreamina.journal.JdbcSubmissionJournal});
   * a price that cannot be read refuses the submit, as {@link #spendLimit(BigDecimal)} does. It
   * may be set together with that per-client limit. Default: none.
   *
   * @param budgets the budgets, at most one per period and zone being useful
   * @return this builder
   */
  public DreaminaClientBuilder spendLimit(Budget... budgets) {
    Objects.requireNonNull(budgets, "budgets == null");
    this.budgets = List.of(budgets);
    return this;
  }

  /**
   * Whether a request identical to one of this account's earlier jobs that completed (its
   * prompt, image, frames and seed, the seed fixed: not {@code -1} or unset) is that job: no
   * submit, no charge, and the earlier job's result. A job of it still under way (on any
   * instance sharing the journal) is waited for and shared, as an idempotency key's is; one that
   * failed, was cancelled or whose outcome is unknown is not reused, and the request is
   * submitted anew. It works as an implicit idempotency key ({@code identical:}, the SHA-256 of
   * the request, {@code #} and the attempt), kept in the journal as long as the entry; an
   * explicit key ({@link CallOptions.Builder#idempotencyKey}) takes precedence. Off by default,
   * since the same request with a random seed is meant to make a new video. Needs a {@link
   * #journal journal}.
   *
   * @param reuseIdentical whether to reuse
   * @return this builder
   */
  public DreaminaClientBuilder reuseIdentical(boolean reuseIdentical) {
    this.reuseIdentical = reuseIdentical;
    return this;
  }

  /** Tests inject time, so that no backoff or poll sleeps for real. */
  DreaminaClientBuilder timeSource(TimeSource time) {
    this.time = Objects.requireNonNull(time, "time == null");
    return this;
  }

  /** Tests fix the jitter, so that backoffs are exact. */
  DreaminaClientBuilder jitter(DoubleSupplier jitter) {
    this.jitter = Objects.requireNonNull(jitter, "jitter == null");
    return this;
  }

  /**
   * Builds the client.
   *
   * @return a new client; close it when done
   * @throws IllegalStateException when no API token was given
   */
  public DreaminaClient build() {
    if (apiToken == null || apiToken.isBlank()) {
      throw new IllegalStateException(
          "No RunComfy API token: set "
              + DreaminaClient.ENV_API_TOKEN
              + " (or "
              + DreaminaClient.ENV_TOKEN_FALLBACK
              + ") in the environment, or call apiToken(...) on the builder.");
    }
    if (reuseIdentical && journal == null) {
      throw new IllegalStateException(
          "reuseIdentical(true) finds earlier jobs in the journal: set one with journal(...)");
    }
    if (!budgets.isEmpty() && journal == null) {
      throw new IllegalStateException(
          "A budget (spendLimit(Budget...)) lives in the journal, which every instance shares: set one with journal(...)");
    }
    String token = apiToken.strip();
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // Never echo the token itself.
      throw new IllegalStateException(
          "The RunComfy API token contains spaces, control or non-ASCII characters;"
              + " check how it was copied.");
    }
    ClientRuntime runtime =
        new ClientRuntime(
            new ClientRuntime.Config(
                Urls.baseUrl(baseUrl),
                token,
                httpClient,
                maxRetries,
                connectTimeout,
                requestTimeout,
                maxRetryAfter,
                maxDownloadBytes,
                closeGrace,
                callbackExecutor,
                blockingExecutor,
                jobListener,
                time,
                jitter,
                wireLog));
    JobFlow flow =
        new JobFlow(
            runtime, journal, token, instanceId != null ? instanceId : LeaseOwners.newId(), journalLease, spendLimit, budgets,
            reuseIdentical, new ImagePublisher(imageHost, imageUrlLifetime, runtime.imagePreflight(), runtime.imageUploads()));
    return new DreaminaClient(flow, awaitOptions, preflightImages);
  }

  @Override
  public String toString() {
    return "DreaminaClientBuilder{baseUrl="
        + baseUrl
        + ", apiToken="
        + (apiToken == null ? "unset" : "set")
        + ", maxRetries="
        + maxRetries
        + "}";
  }

  private static @Nullable String nonBlank(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
