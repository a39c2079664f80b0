package dev.dreamina.internal;

import dev.dreamina.AwaitOptions;
import dev.dreamina.CancelResult;
import dev.dreamina.DownloadProgress;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.JobListener;
import dev.dreamina.Price;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What the blocking client and its async view share, built once per client: the API, polling,
 * downloads, the journal and the image preflight, and each step of a job written once for both
 * paths (preflight, journal, "a completed result must carry a video"). The blocking methods run on
 * the caller's thread; the async ones return futures that complete on SDK threads (the public
 * views relay them to the callback executor).
 */
public final class ClientCore {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  /** How many async HTTP exchanges a client of the SDK's own runs at once (and so its threads). */
  public static final int MAX_ASYNC_REQUESTS = 10;

  /**
   * Everything a client is configured with. {@link #toString()} leaves the token out.
   *
   * @param httpClient the user's client to derive from, or {@code null} for one of the SDK's own
   * @param blockingExecutor where the async view runs blocking steps (image preflight, downloads),
   *     or {@code null} for the SDK's own daemon threads
   * @param journal the journal, or {@code null} for none
   * @param instanceId this client's name in the journal's leases
   * @param journalLease how long a lease lasts unrenewed
   * @param jobListener told each job's events, or {@code null}
   * @param spendLimit the most this client's submits may commit, in US dollars, or {@code null}
   */
  public record Config(
      HttpUrl baseUrl,
      String apiToken,
      OkHttpClient httpClient,
      int maxRetries,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration maxRetryAfter,
      long maxDownloadBytes,
      Executor callbackExecutor,
      Executor blockingExecutor,
      SubmissionJournal journal,
      String instanceId,
      Duration journalLease,
      JobListener jobListener,
      java.math.BigDecimal spendLimit,
      TimeSource time,
      DoubleSupplier jitter) {
    @Override
    public String toString() {
      return "Config{baseUrl=" + baseUrl + ", maxRetries=" + maxRetries + "}";
    }
  }

  private final HttpUrl baseUrl;
  private final int maxRetries;
  private final OkHttpClient http;
  private final boolean ownsHttpClient;
  private final RunComfyApi api;
  private final Poller poller;
  private final Downloader downloader;
  private final ImagePreflight imagePreflight;
  private final JournalRecorder journal;
  private final Events events;
  private final SpendGuard spend;
  private final TimeSource time;
  private final Executor callbackExecutor;
  private final Executor blockingExecutor;
  private final ExecutorService ownBlockingExecutor;

  public ClientCore(Config c) {
    OkHttpVersion.check();
    RequestValidation.warmUpInBackground(); // the requests to come are validated
    this.baseUrl = c.baseUrl();
    this.maxRetries = c.maxRetries();
    this.ownsHttpClient = c.httpClient() == null;
    OkHttpClient base = ownsHttpClient ? ownHttpClient() : c.httpClient();
    this.http = Transport.prepare(base, c.connectTimeout(), c.requestTimeout());
    RetryPolicy retryPolicy =
        new RetryPolicy(c.maxRetries(), INITIAL_BACKOFF, MAX_BACKOFF, c.maxRetryAfter(), c.jitter());
    this.events = new Events(c.jobListener(), c.time());
    this.api = new RunComfyApi(new Transport(http, baseUrl, c.apiToken(), retryPolicy, c.time(), events));
    this.poller = new Poller(api, c.time(), events);
    this.spend = new SpendGuard(c.spendLimit(), api, c.time());
    this.time = c.time();
    this.downloader = new Downloader(http, retryPolicy, c.time(), c.maxDownloadBytes(), events);
    this.imagePreflight =
        ImagePreflight.builder()
            .httpClient(http)
            .connectTimeout(c.connectTimeout())
            .timeout(c.requestTimeout())
            .build();
    this.callbackExecutor = c.callbackExecutor();
    this.ownBlockingExecutor = c.blockingExecutor() == null ? ownBlockingExecutor() : null;
    this.blockingExecutor = c.blockingExecutor() == null ? ownBlockingExecutor : c.blockingExecutor();
    this.journal =
        new JournalRecorder(c.journal(), c.apiToken(), c.time(), c.instanceId(), c.journalLease(), blockingExecutor);
  }

  /**
   * OkHttp's default dispatcher runs up to 64 async calls at once, 5 per host, on a pool that can
   * briefly hold more threads than that. The SDK talks to one host: it runs {@value
   * #MAX_ASYNC_REQUESTS} calls at once on exactly that many threads at most (idle ones end after a
   * minute), enough for thousands of polling jobs.
   */
  private static OkHttpClient ownHttpClient() {
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            MAX_ASYNC_REQUESTS,
            MAX_ASYNC_REQUESTS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("dreamina-http-"));
    threads.allowCoreThreadTimeOut(true);
    Dispatcher dispatcher = new Dispatcher(threads);
    dispatcher.setMaxRequests(MAX_ASYNC_REQUESTS);
    dispatcher.setMaxRequestsPerHost(MAX_ASYNC_REQUESTS);
    return OkHttpVersion.withoutFastFallback(new OkHttpClient.Builder().dispatcher(dispatcher)).build();
  }

  /** Threads made on demand for blocking steps of async calls; idle ones end after a minute. */
  private static ExecutorService ownBlockingExecutor() {
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("dreamina-blocking-"));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  // ---- plain calls -------------------------------------------------------------------------------

  public RunComfyApi api() {
    return api;
  }

  public ImagePreflight imagePreflight() {
    return imagePreflight;
  }

  public Price price() {
    return api.price();
  }

  public RequestStatus status(String requestId) {
    return api.status(requestId, ApiCall.NO_DEADLINE);
  }

  public RequestResult result(String requestId) {
    return api.result(requestId, ApiCall.NO_DEADLINE);
  }

  public CancelResult cancel(String requestId) {
    return api.cancel(requestId, true);
  }

  // ---- submit: preflight, journal intent, the paid call, its outcome journaled --------------------

  /** A plain submit: its lease is taken, and left to run out unless the job is awaited here. */
  public Submission submit(ImageToVideoRequest request, Path downloadTo, boolean preflight) {
    return submit(request, downloadTo, preflight, false);
  }

  private Submission submit(ImageToVideoRequest request, Path downloadTo, boolean preflight, boolean keepLease) {
    if (preflight) {
      checkImage(request);
    }
    SpendGuard.Reservation reservation = spend.reserve(request);
    JournalRecorder.Recording recording = intent(request, downloadTo, keepLease, null, reservation);
    try {
      Submission submission = api.submit(request);
      submitted(recording, reservation, submission, null);
      return submission;
    } catch (DreaminaException e) {
      submitted(recording, reservation, null, e);
      throw e;
    }
  }

  /**
   * The same steps as {@link #submit}, the preflight on the blocking executor. The future
   * completes only once the outcome is journaled, and cancelling it never aborts the paid
   * exchange: the public views relay it detached.
   */
  public CompletableFuture<Submission> submitAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight) {
    return submitAsync(request, downloadTo, preflight, false);
  }

  /** A batch's submit: its journal entry under the batch's local id, its lease kept for the wait. */
  CompletableFuture<Submission> submitForBatch(ImageToVideoRequest request, Path downloadTo, boolean preflight, String localId) {
    return submitAsync(request, downloadTo, preflight, true, localId);
  }

  private CompletableFuture<Submission> submitAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight, boolean keepLease) {
    return submitAsync(request, downloadTo, preflight, keepLease, null);
  }

  private CompletableFuture<Submission> submitAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight, boolean keepLease, String localId) {
    CompletableFuture<Void> checked =
        preflight
            ? CompletableFuture.runAsync(() -> checkImage(request), blockingExecutor)
            : CompletableFuture.completedFuture(null);
    return checked
        .thenCompose(ok -> spend.reserveAsync(request))
        .thenCompose(
            reservation -> {
              JournalRecorder.Recording recording = intent(request, downloadTo, keepLease, localId, reservation);
              return api.submitAsync(request)
                  .whenComplete(
                      (submission, failure) ->
                          submitted(recording, reservation, submission, failure == null ? null : Futures.unwrap(failure)));
            });
  }

  /** The journal's intent; when it cannot be written, the reserved estimate is given back. */
  private JournalRecorder.Recording intent(
      ImageToVideoRequest request, Path downloadTo, boolean keepLease, String localId, SpendGuard.Reservation reservation) {
    try {
      return journal.intent(request, downloadTo, keepLease, localId);
    } catch (RuntimeException e) {
      reservation.settle(null, e);
      throw e;
    }
  }

  /** How a submit ended: journaled, counted against the spend limit, and told. */
  private void submitted(
      JournalRecorder.Recording recording, SpendGuard.Reservation reservation, Submission submission, Throwable failure) {
    recording.settle(submission, failure);
    reservation.settle(submission == null ? null : submission.requestId(), failure);
    if (failure == null) {
      events.submitted(submission.requestId());
    } else {
      events.submitFailed(failure);
    }
  }

  /** What this client has committed against its spend limit. */
  public java.math.BigDecimal spendCommitted() {
    return spend.committed();
  }

  private void checkImage(ImageToVideoRequest request) {
    PreflightReport report = imagePreflight.check(request.imageUrl());
    if (!report.passes()) {
      throw new InvalidRequestException(
          report.failures().stream()
              .map(f -> new InvalidRequestException.Violation("image_urls", f.message()))
              .toList());
    }
  }

  // ---- await: poll, journal the end ---------------------------------------------------------------

  /**
   * Waits for a job. A job journaled here is first held (its lease taken, and renewed during the
   * wait), unless another live instance holds it: then it is watched, and the holder records it.
   */
  public RequestResult await(String requestId, AwaitOptions options) {
    journal.holdForWait(requestId, JournalRecorder.WhenHeld.WATCH);
    RequestResult result;
    try {
      result = poller.await(requestId, options);
    } catch (RuntimeException e) {
      ended(requestId, null, e);
      throw e;
    }
    ended(requestId, result, null);
    return result;
  }

  /** The async twin of {@link #await}: the journal's read and claim on the blocking executor, when needed. */
  public CompletableFuture<RequestResult> awaitAsync(String requestId, AwaitOptions options) {
    if (!journal.enabled() || journal.holdsRequest(requestId)) {
      return poll(requestId, options);
    }
    CompletableFuture<Optional<JournalRecorder.Job>> held =
        blocking(() -> journal.holdForWait(requestId, JournalRecorder.WhenHeld.WATCH));
    CompletableFuture<RequestResult> waited = held.thenCompose(job -> poll(requestId, options));
    Futures.cancelTogether(waited, held);
    return waited;
  }

  private CompletableFuture<RequestResult> poll(String requestId, AwaitOptions options) {
    CompletableFuture<RequestResult> wait = poller.awaitAsync(requestId, options);
    CompletableFuture<RequestResult> recorded =
        wait.whenComplete((result, failure) -> ended(requestId, result, failure == null ? null : Futures.unwrap(failure)));
    Futures.cancelTogether(recorded, wait);
    return recorded;
  }

  /** How a wait ended, journaled and told: a result, or a failure. */
  private void ended(String requestId, RequestResult result, Throwable failure) {
    journal.ended(requestId, failure);
    events.ended(requestId, result, failure);
    if (failure == null) {
      spend.ended(requestId, Status.COMPLETED, result.cost());
    } else if (failure instanceof GenerationFailedException failed) {
      spend.ended(requestId, failed.status(), Optional.empty());
    }
  }

  // ---- generate: submit, await, and a completed result must carry a video ---------------------------

  public RequestResult generate(
      ImageToVideoRequest request, Path downloadTo, AwaitOptions options, boolean preflight) {
    Submission submission = submit(request, downloadTo, preflight, true);
    try {
      return withVideo(await(submission.requestId(), options));
    } catch (InvalidResponseException noVideo) {
      journal.stoppedWorking(submission.requestId());
      throw noVideo;
    }
  }

  /**
   * Cancelling the future while the submit is in flight lets the submit finish (it may have
   * created a paid job), then logs its request id at WARNING and, with {@link
   * AwaitOptions#cancelOnAbort()}, cancels that job; cancelling it later stops the polling.
   */
  public CompletableFuture<RequestResult> generateAsync(
      ImageToVideoRequest request, Path downloadTo, AwaitOptions options, boolean preflight) {
    CompletableFuture<RequestResult> generated = new CompletableFuture<>();
    submitAsync(request, downloadTo, preflight, true)
        .whenComplete(
            (submission, failure) -> {
              if (failure != null) {
                generated.completeExceptionally(Futures.unwrap(failure));
                return;
              }
              if (generated.isCancelled()) {
                abandoned(submission.requestId(), options);
                return;
              }
              CompletableFuture<RequestResult> wait = awaitAsync(submission.requestId(), options);
              Futures.cancelTogether(generated, wait);
              wait.whenComplete(
                  (result, waitFailure) -> {
                    try {
                      if (waitFailure != null) {
                        generated.completeExceptionally(Futures.unwrap(waitFailure));
                      } else {
                        generated.complete(withVideo(result));
                      }
                    } catch (InvalidResponseException noVideo) {
                      journal.stoppedWorking(submission.requestId());
                      generated.completeExceptionally(noVideo);
                    }
                  });
            });
    return generated;
  }

  private void abandoned(String requestId, AwaitOptions options) {
    LOG.log(
        Level.WARNING,
        "generate was cancelled while its submit was in flight; it created request "
            + requestId
            + (options.cancelOnAbort() ? ", which is being cancelled" : ", which runs (and is paid)"));
    if (options.cancelOnAbort()) {
      api.cancelAsync(requestId, false);
    }
  }

  /** The result, when it carries a video URL; else the InvalidResponseException to throw. */
  public static RequestResult withVideo(RequestResult result) {
    if (result.videoUrl().isEmpty()) {
      throw new InvalidResponseException(
          "Request "
              + result.requestId()
              + " completed, but its result has no video URL (output.video, or a single item in"
              + " output.videos): "
              + result.output(),
          result.requestId(),
          null);
    }
    return result;
  }

  // ---- download, and the journal's record of it --------------------------------------------------

  public Path download(URI url, Path target, DownloadProgress progress) {
    return downloader.download(url, target, progress, null);
  }

  public Path download(RequestResult result, Path target, DownloadProgress progress) {
    journal.checkNotLost(result.requestId());
    long start = events.nanoTime();
    try {
      downloader.download(withVideo(result).videoUrl().orElseThrow(), target, progress, result.requestId());
    } catch (RuntimeException e) {
      journal.downloaded(result.requestId(), e);
      throw e;
    }
    journal.downloaded(result.requestId(), null);
    if (events.enabled()) {
      events.downloaded(result.requestId(), sizeOf(target), start);
    }
    return target;
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  public RequestResult generateAndDownload(
      ImageToVideoRequest request, Path target, AwaitOptions options, boolean preflight) {
    RequestResult result = generate(request, target, options, preflight);
    download(result, target, null);
    return result;
  }

  public CompletableFuture<RequestResult> generateAndDownloadAsync(
      ImageToVideoRequest request, Path target, AwaitOptions options, boolean preflight) {
    return thenDownload(generateAsync(request, target, options, preflight), target);
  }

  /**
   * The job's result once its video is downloaded to {@code target} on the blocking executor: the
   * one "then download" step of every async flow. A job whose lease this client lost while waiting
   * is not downloaded here ({@link JobHeldException}): another instance may be downloading it.
   */
  private CompletableFuture<RequestResult> thenDownload(CompletableFuture<RequestResult> job, Path target) {
    CompletableFuture<RequestResult> downloaded =
        job.thenCompose(result -> blocking(() -> download(result, target, null)).thenApply(path -> result));
    Futures.cancelTogether(downloaded, job);
    downloaded.whenComplete(
        (result, failure) -> {
          if (failure != null && job.isDone() && !job.isCompletedExceptionally()) {
            journal.stoppedWorking(job.join().requestId()); // cancelled before its download began
          }
        });
    return downloaded;
  }

  /** Awaits a job and, when {@code target} is not {@code null}, downloads its video there. */
  CompletableFuture<RequestResult> awaitThenDownload(String requestId, Path target, AwaitOptions options) {
    CompletableFuture<RequestResult> awaited = awaitAsync(requestId, options);
    return target == null ? awaited : thenDownload(awaited, target);
  }

  // ---- resume: never submits; downloads to the journaled target --------------------------------------

  /**
   * Waits for a job submitted earlier and downloads it to the target its journal entry names. A
   * job another live instance holds is refused ({@link JobHeldException}) unless {@code takeOver}.
   */
  public RequestResult resume(String requestId, AwaitOptions options, boolean takeOver) {
    Optional<Path> target = journal.holdForWait(requestId, whenHeld(takeOver)).flatMap(job -> job.entry().target());
    RequestResult result = await(requestId, options);
    target.ifPresent(path -> download(result, path, null));
    return result;
  }

  public CompletableFuture<RequestResult> resumeAsync(String requestId, AwaitOptions options, boolean takeOver) {
    return blocking(() -> journal.holdForWait(requestId, whenHeld(takeOver)))
        .thenCompose(job -> awaitThenDownload(requestId, job.flatMap(j -> j.entry().target()).orElse(null), options));
  }

  private static JournalRecorder.WhenHeld whenHeld(boolean takeOver) {
    return takeOver ? JournalRecorder.WhenHeld.TAKE_OVER : JournalRecorder.WhenHeld.REFUSE;
  }

  public Optional<JournalEntry> journalEntry(String requestId) {
    return journal.byRequestId(requestId);
  }

  public List<JournalEntry> pending() {
    return journal.pending();
  }

  /** The journal's reads and leases, for a batch. */
  JournalRecorder journal() {
    return journal;
  }

  /** Deletes finished journal entries older than {@code age}: see {@link SubmissionJournal#deleteFinishedBefore}. */
  public int deleteFinishedJournalEntries(Duration age) {
    return journal.deleteFinishedOlderThan(age);
  }

  /** Runs {@code task} after {@code delay} on the client's clock, without holding a thread. */
  void schedule(Duration delay, Runnable task) {
    time.schedule(delay, task);
  }

  long nanoTime() {
    return time.nanoTime();
  }

  public void dismiss(String localId) {
    journal.dismiss(localId);
  }

  /** One recovery pass over the journal: see {@link Recovery}. */
  public CompletableFuture<RecoveryReport> recoverAsync(AwaitOptions options) {
    if (!journal.enabled()) {
      return CompletableFuture.completedFuture(new RecoveryReport(List.of()));
    }
    return new Recovery(this, journal).run(options);
  }

  // ---- running the async view's steps ------------------------------------------------------------

  /** A blocking step of an async call, on the blocking executor. */
  public <T> CompletableFuture<T> blocking(Supplier<T> step) {
    return CompletableFuture.supplyAsync(step, blockingExecutor);
  }

  /**
   * Starts an async call and relays it to the callback executor; a bad argument found while
   * starting (a malformed request id) fails the future rather than throwing.
   */
  public <T> CompletableFuture<T> relay(Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> started;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return Futures.relay(started, callbackExecutor);
  }

  /** Like {@link #relay}, but cancelling the result leaves the source running: for a paid submit. */
  public <T> CompletableFuture<T> detachedRelay(CompletableFuture<T> source) {
    return Futures.detachedRelay(source, callbackExecutor);
  }

  /** Releases what the client created: its connection pool and threads. */
  public void close() {
    journal.close();
    if (ownsHttpClient) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    if (ownBlockingExecutor != null) {
      ownBlockingExecutor.shutdown();
    }
  }

  public String describe() {
    return "baseUrl=" + baseUrl + ", maxRetries=" + maxRetries;
  }
}
