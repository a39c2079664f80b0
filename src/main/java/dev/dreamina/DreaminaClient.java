package dev.dreamina;

import dev.dreamina.internal.Arguments;
import dev.dreamina.internal.ApiCall;
import dev.dreamina.internal.Downloader;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.LoopbackHosts;
import dev.dreamina.internal.Poller;
import dev.dreamina.internal.RequestValidation;
import dev.dreamina.internal.RetryPolicy;
import dev.dreamina.internal.RunComfyApi;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A client for RunComfy's Dreamina 3.0 Pro image-to-video API ({@value #MODEL_ID}).
 *
 * <p>The API is an asynchronous job queue: {@link #submit} creates a paid job and returns its
 * request id; {@link #status}, {@link #result} and {@link #cancel} act on it; {@link #awaitResult}
 * polls until it finishes; {@link #generate} does both.
 *
 * <pre>{@code
 * try (DreaminaClient client = DreaminaClient.fromEnv()) {
 *   RequestResult done = client.generate(request);
 *   URI video = done.videoUrl().orElseThrow();
 * }
 * }</pre>
 *
 * <p>Thread-safe and immutable; share one instance. Every failure is a {@link DreaminaException}
 * (bad arguments, such as a malformed request id, are {@link IllegalArgumentException}s, and no
 * request is sent). A paid submit is never retried once it may have reached the server.
 */
public final class DreaminaClient implements AutoCloseable {
  /** RunComfy's Model API. */
  public static final String DEFAULT_BASE_URL = "https://model-api.runcomfy.net";

  /** The model this client runs. */
  public static final String MODEL_ID = RunComfyApi.MODEL_ID;

  /** The environment variable read first for the API token. */
  public static final String ENV_API_TOKEN = "RUNCOMFY_API_TOKEN";

  /** The environment variable read for the token when {@value #ENV_API_TOKEN} is unset. */
  public static final String ENV_TOKEN_FALLBACK = "RUNCOMFY_TOKEN";

  /** The environment variable read for the base URL. */
  public static final String ENV_BASE_URL = "RUNCOMFY_BASE_URL";

  /** The default cap on a downloaded video's size: 512 MiB. */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 512L * 1024 * 1024;

  /** How many async HTTP exchanges a client of the SDK's own runs at once (and so its threads). */
  static final int MAX_ASYNC_REQUESTS = 10;

  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  private final HttpUrl baseUrl;
  private final OkHttpClient http;
  private final boolean ownsHttpClient;
  private final int maxRetries;
  private final AwaitOptions awaitOptions;
  private final RunComfyApi api;
  private final Poller poller;
  private final Downloader downloader;
  private final ImagePreflight imagePreflight;
  private final boolean preflightImages;
  private final Executor callbackExecutor;
  private final JournalRecorder journal;

  private DreaminaClient(Builder b, HttpUrl baseUrl, String token) {
    RequestValidation.warmUpInBackground(); // the requests to come are validated
    this.baseUrl = baseUrl;
    this.ownsHttpClient = b.httpClient == null;
    OkHttpClient base = ownsHttpClient ? ownHttpClient() : b.httpClient;
    this.http = Transport.prepare(base, b.connectTimeout, b.requestTimeout);
    this.maxRetries = b.maxRetries;
    this.awaitOptions = b.awaitOptions;
    RetryPolicy retryPolicy =
        new RetryPolicy(b.maxRetries, INITIAL_BACKOFF, MAX_BACKOFF, b.maxRetryAfter, b.jitter);
    this.api = new RunComfyApi(new Transport(http, baseUrl, token, retryPolicy, b.time));
    this.poller = new Poller(api, b.time);
    this.downloader = new Downloader(http, retryPolicy, b.time, b.maxDownloadBytes);
    this.imagePreflight = new ImagePreflight(http);
    this.preflightImages = b.preflightImages;
    this.callbackExecutor = b.callbackExecutor;
    this.journal = new JournalRecorder(b.journal, token, b.time);
  }

  /**
   * OkHttp's default dispatcher runs up to 64 async calls at once, 5 per host, on a pool that can
   * briefly hold more threads than that. The SDK talks to one host: it runs {@value
   * #MAX_ASYNC_REQUESTS} calls at once on exactly that many threads at most (idle ones end after a
   * minute), enough for thousands of polling jobs. Pass your own client to {@link
   * Builder#httpClient} for other limits.
   */
  private static OkHttpClient ownHttpClient() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            MAX_ASYNC_REQUESTS,
            MAX_ASYNC_REQUESTS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "dreamina-http-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    threads.allowCoreThreadTimeOut(true);
    Dispatcher dispatcher = new Dispatcher(threads);
    dispatcher.setMaxRequests(MAX_ASYNC_REQUESTS);
    dispatcher.setMaxRequestsPerHost(MAX_ASYNC_REQUESTS);
    // Fast fallback (happy eyeballs) connects on OkHttp's shared task threads, one per parallel
    // connect; without it a connect runs on the dispatcher thread that needs it, as in OkHttp 4.
    return new OkHttpClient.Builder().dispatcher(dispatcher).fastFallback(false).build();
  }

  /** A view of {@code other} that differs only in whether it preflights images. */
  private DreaminaClient(DreaminaClient other, boolean preflightImages) {
    this.baseUrl = other.baseUrl;
    this.http = other.http;
    this.ownsHttpClient = false;
    this.maxRetries = other.maxRetries;
    this.awaitOptions = other.awaitOptions;
    this.api = other.api;
    this.poller = other.poller;
    this.downloader = other.downloader;
    this.imagePreflight = other.imagePreflight;
    this.preflightImages = preflightImages;
    this.callbackExecutor = other.callbackExecutor;
    this.journal = other.journal;
  }

  /**
   * A client configured from the environment: the token from {@value #ENV_API_TOKEN}, else
   * {@value #ENV_TOKEN_FALLBACK}; the base URL from {@value #ENV_BASE_URL} when set.
   *
   * @return a new client; close it when done
   * @throws IllegalStateException when neither token variable is set
   */
  public static DreaminaClient fromEnv() {
    return builder().fromEnv().build();
  }

  /**
   * Starts configuring a client.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Submits a paid job. It is retried only when no job can exist: the connection was never made,
   * or the server answered 429.
   *
   * @param request a validated request
   * @return the job's request id and URLs
   * @throws InvalidRequestException when image preflight is on ({@link #withPreflight}, {@link
   *     Builder#preflightImages}) and the image fails it; nothing is submitted
   * @throws SubmissionUnknownException when the submit may have created a job but no readable
   *     answer came back; do not resubmit blindly
   * @throws ApiException when RunComfy rejected it (see the subclasses)
   * @throws NetworkException when no connection could be made, so nothing was submitted
   */
  public Submission submit(ImageToVideoRequest request) {
    return submit(request, null);
  }

  /**
   * Submits a paid job, as {@link #submit(ImageToVideoRequest)} does, and records in the {@link
   * Builder#journal journal} where its video is to be downloaded, so that after a crash {@link
   * #resume(String)} downloads it there. Without a journal it is a plain submit.
   *
   * @param request a validated request
   * @param downloadTo where the video is to go, or {@code null}
   * @return the job's request id and URLs
   * @throws JournalException when the journal cannot record the job; nothing is submitted
   */
  public Submission submit(ImageToVideoRequest request, Path downloadTo) {
    Objects.requireNonNull(request, "request == null");
    if (preflightImages) {
      checkImage(request);
    }
    JournalRecorder.Recording recording = journal.intent(request, downloadTo);
    Submission submission;
    try {
      submission = api.submit(request);
    } catch (DreaminaException e) {
      recordOutcome(recording, null, e);
      throw e;
    }
    recordOutcome(recording, submission, null);
    return submission;
  }

  private static void recordOutcome(
      JournalRecorder.Recording recording, Submission submission, Throwable failure) {
    if (failure == null) {
      recording.submitted(submission.requestId());
    } else if (failure instanceof SubmissionUnknownException) {
      recording.unknown(failure.getMessage());
    } else {
      recording.notSubmitted(failure.getMessage());
    }
  }

  private void recordEnd(String requestId, Throwable failure) {
    if (failure == null) {
      journal.terminal(requestId, Status.COMPLETED, null);
    } else if (failure instanceof GenerationFailedException) {
      GenerationFailedException failed = (GenerationFailedException) failure;
      journal.terminal(requestId, failed.status(), failed.error().orElse(null));
    }
  }

  private void checkImage(ImageToVideoRequest request) {
    PreflightReport report = imagePreflight.check(request.imageUrl());
    if (!report.passes()) {
      throw new InvalidRequestException(
          report.failures().stream()
              .map(f -> new InvalidRequestException.Violation("image_urls", f.message()))
              .collect(Collectors.toList()));
    }
  }

  /**
   * Reads what RunComfy charges for this model ({@code GET /v1/models/}{@value #MODEL_ID}). Use
   * {@link Price#estimate} for what a request should cost; {@link RequestResult#cost()} says what a
   * job did cost.
   *
   * @return the price
   * @throws InvalidResponseException when the answer is for another model, or its price is
   *     missing, negative or not a number
   */
  public Price price() {
    return api.price();
  }

  /**
   * {@link #price()} without blocking; the same errors reach the future.
   *
   * @return the price
   */
  public CompletableFuture<Price> priceAsync() {
    return async(api::priceAsync);
  }

  /**
   * Reads a job's status, with its queue position while queued.
   *
   * @param requestId the job's id
   * @return the status
   * @throws IllegalArgumentException when the id is not 1 to 128 of {@code [A-Za-z0-9_-]}; nothing
   *     is sent
   * @throws NotFoundException when the id is unknown or expired
   */
  public RequestStatus status(String requestId) {
    return api.status(requestId, ApiCall.NO_DEADLINE);
  }

  /**
   * Reads a job's result, with its cost ({@code include_cost=true}). An unfinished job answers
   * with its current status and no output.
   *
   * @param requestId the job's id
   * @return the result
   * @throws IllegalArgumentException when the id is malformed; nothing is sent
   * @throws NotFoundException when the id is unknown or expired
   */
  public RequestResult result(String requestId) {
    return api.result(requestId, ApiCall.NO_DEADLINE);
  }

  /**
   * Cancels a queued job. A job already running or finished answers {@link
   * CancelOutcome#NOT_CANCELLABLE}, which is returned, not thrown; so is {@link
   * CancelOutcome#CANCELLATION_REQUESTED}, after which the job may still run and be charged.
   *
   * @param requestId the job's id
   * @return what the cancel did
   * @throws IllegalArgumentException when the id is malformed; nothing is sent
   */
  public CancelResult cancel(String requestId) {
    return api.cancel(requestId, true);
  }

  /**
   * Waits for a job with this client's default {@link AwaitOptions}; see {@link
   * #awaitResult(String, AwaitOptions)}.
   *
   * @param requestId the job's id
   * @return the completed job's result
   */
  public RequestResult awaitResult(String requestId) {
    return awaitResult(requestId, awaitOptions);
  }

  /**
   * Polls a job until it completes. Transient failures (I/O, 408, 429, 5xx) are retried and never
   * end the wait before the deadline; an unknown status keeps it polling; an unreadable status
   * answer is polled through, up to five in a row.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @return the completed job's result
   * @throws GenerationFailedException when the job ends failed or cancelled
   * @throws InvalidResponseException after six unreadable status answers in a row, or when the
   *     result is another model's job or another request's answer
   * @throws AwaitTimeoutException at the deadline; the job may still be running
   * @throws CallInterruptedException when the thread is interrupted (its flag is set again)
   * @throws IllegalArgumentException when the id is malformed; nothing is sent
   */
  public RequestResult awaitResult(String requestId, AwaitOptions options) {
    Objects.requireNonNull(options, "options == null");
    RequestResult result;
    try {
      result = poller.await(requestId, options);
    } catch (GenerationFailedException e) {
      recordEnd(requestId, e);
      throw e;
    }
    recordEnd(requestId, null);
    return result;
  }

  /**
   * Submits a job and waits for its video, with this client's default {@link AwaitOptions}.
   *
   * @param request a validated request
   * @return the completed result; {@link RequestResult#videoUrl()} is always present
   * @see #generate(ImageToVideoRequest, AwaitOptions)
   */
  public RequestResult generate(ImageToVideoRequest request) {
    return generate(request, awaitOptions);
  }

  /**
   * Submits a job and waits for its video. Every exception thrown after the submit carries the
   * request id ({@link DreaminaException#requestId()}) to resume with.
   *
   * @param request a validated request
   * @param options how to poll
   * @return the completed result; {@link RequestResult#videoUrl()} is always present
   * @throws InvalidResponseException when the job completed without a video URL
   * @see #submit(ImageToVideoRequest)
   * @see #awaitResult(String, AwaitOptions)
   */
  public RequestResult generate(ImageToVideoRequest request, AwaitOptions options) {
    Objects.requireNonNull(options, "options == null");
    Submission submission = submit(request);
    return withVideo(awaitResult(submission.requestId(), options));
  }

  private static RequestResult withVideo(RequestResult result) {
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

  // ---- The async API ----

  /**
   * {@link #submit} without blocking. The same validation, retry rules and errors: a failure
   * completes the future exceptionally with the exception {@link #submit} would throw (not
   * wrapped). Cancelling the future does not abort an exchange that may already have reached the
   * server, since that could lose a paid job: if it creates one anyway, its request id is logged
   * at WARNING.
   *
   * <p>Every future of this client completes on the {@link Builder#callbackExecutor callback
   * executor}, so dependent stages never run on the SDK's own threads. With image preflight on,
   * the preflight fetch runs on that executor first.
   *
   * @param request a validated request
   * @return the job's request id and URLs
   */
  public CompletableFuture<Submission> submitAsync(ImageToVideoRequest request) {
    Objects.requireNonNull(request, "request == null");
    CompletableFuture<Submission> submitted = startSubmit(request);
    CompletableFuture<Submission> result = Futures.detachedRelay(submitted, callbackExecutor);
    submitted.thenAccept(
        submission -> {
          if (result.isCancelled()) {
            LOG.log(
                System.Logger.Level.WARNING,
                "submitAsync was cancelled, but the submit had been sent and created request "
                    + submission.requestId()
                    + "; it runs (and is paid) unless cancelled");
          }
        });
    return result;
  }

  private CompletableFuture<Submission> startSubmit(ImageToVideoRequest request) {
    if (!preflightImages) {
      return journaledSubmitAsync(request);
    }
    return CompletableFuture.runAsync(() -> checkImage(request), callbackExecutor)
        .thenCompose(checked -> journaledSubmitAsync(request));
  }

  private CompletableFuture<Submission> journaledSubmitAsync(ImageToVideoRequest request) {
    JournalRecorder.Recording recording;
    try {
      recording = journal.intent(request, null);
    } catch (JournalException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The caller's future completes only once the outcome is journaled. The caller's cancel never
    // reaches this chain (submitAsync relays it detached), so the outcome is always recorded.
    return api.submitAsync(request)
        .whenComplete(
            (submission, failure) ->
                recordOutcome(recording, submission, failure == null ? null : Futures.unwrap(failure)));
  }

  /**
   * {@link #status} without blocking; the same errors reach the future.
   *
   * @param requestId the job's id; a malformed one fails the future with {@link
   *     IllegalArgumentException}, and nothing is sent
   * @return the status
   */
  public CompletableFuture<RequestStatus> statusAsync(String requestId) {
    return async(() -> api.statusAsync(requestId, ApiCall.NO_DEADLINE));
  }

  /**
   * {@link #result} without blocking; the same errors reach the future.
   *
   * @param requestId the job's id
   * @return the result
   */
  public CompletableFuture<RequestResult> resultAsync(String requestId) {
    return async(() -> api.resultAsync(requestId, ApiCall.NO_DEADLINE));
  }

  /**
   * {@link #cancel} without blocking; the same errors reach the future.
   *
   * @param requestId the job's id
   * @return what the cancel did
   */
  public CompletableFuture<CancelResult> cancelAsync(String requestId) {
    return async(() -> api.cancelAsync(requestId, true));
  }

  /**
   * {@link #awaitResultAsync(String, AwaitOptions)} with this client's default options.
   *
   * @param requestId the job's id
   * @return the completed job's result
   */
  public CompletableFuture<RequestResult> awaitResultAsync(String requestId) {
    return awaitResultAsync(requestId, awaitOptions);
  }

  /**
   * {@link #awaitResult(String, AwaitOptions)} without holding a thread: each poll is an async
   * HTTP call and each delay a task on one small scheduler shared by all clients, so thousands of
   * jobs can be awaited at once on a handful of threads. The same rules and errors as the blocking
   * wait reach the future.
   *
   * <p>Cancelling the future stops the polling at once; the job runs on unless {@link
   * AwaitOptions#cancelOnAbort()} is set, which makes one bounded cancel of it.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @return the completed job's result
   */
  public CompletableFuture<RequestResult> awaitResultAsync(String requestId, AwaitOptions options) {
    Objects.requireNonNull(options, "options == null");
    return async(() -> journaledAwaitAsync(requestId, options));
  }

  private CompletableFuture<RequestResult> journaledAwaitAsync(String requestId, AwaitOptions options) {
    CompletableFuture<RequestResult> wait = poller.awaitAsync(requestId, options);
    if (!journal.enabled()) {
      return wait;
    }
    CompletableFuture<RequestResult> recorded =
        wait.whenComplete((result, failure) -> recordEnd(requestId, failure == null ? null : Futures.unwrap(failure)));
    Futures.cancelTogether(recorded, wait);
    return recorded;
  }

  /**
   * {@link #generateAsync(ImageToVideoRequest, AwaitOptions)} with this client's default options.
   *
   * @param request a validated request
   * @return the completed result, with a video URL
   */
  public CompletableFuture<RequestResult> generateAsync(ImageToVideoRequest request) {
    return generateAsync(request, awaitOptions);
  }

  /**
   * {@link #generate(ImageToVideoRequest, AwaitOptions)} without holding a thread. Cancelling the
   * future while the submit is in flight lets the submit finish (it may have created a paid job),
   * then logs the request id at WARNING and, with {@link AwaitOptions#cancelOnAbort()}, cancels
   * that job; cancelling it later stops the polling as {@link #awaitResultAsync} does.
   *
   * @param request a validated request
   * @param options how to poll
   * @return the completed result, with a video URL
   */
  public CompletableFuture<RequestResult> generateAsync(
      ImageToVideoRequest request, AwaitOptions options) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(options, "options == null");
    CompletableFuture<RequestResult> generated = new CompletableFuture<>();
    startSubmit(request)
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
              CompletableFuture<RequestResult> wait =
                  journaledAwaitAsync(submission.requestId(), options);
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
                      generated.completeExceptionally(noVideo);
                    }
                  });
            });
    return Futures.relay(generated, callbackExecutor);
  }

  private void abandoned(String requestId, AwaitOptions options) {
    LOG.log(
        System.Logger.Level.WARNING,
        "generateAsync was cancelled while its submit was in flight; it created request "
            + requestId
            + (options.cancelOnAbort() ? ", which is being cancelled" : ", which runs (and is paid)"));
    if (options.cancelOnAbort()) {
      api.cancelAsync(requestId, false);
    }
  }

  /** Starts an async call; a bad argument fails the future rather than throwing. */
  private <T> CompletableFuture<T> async(Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> started;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return Futures.relay(started, callbackExecutor);
  }

  /**
   * Downloads a video to {@code target}; see {@link #download(URI, Path, DownloadProgress)}.
   *
   * @param url the video's URL, usually {@link RequestResult#videoUrl()}
   * @param target where to put the file; its directory is created if needed
   * @return {@code target}
   */
  public Path download(URI url, Path target) {
    return download(url, target, null);
  }

  /**
   * Downloads a video to {@code target}, reporting progress. The body is streamed to a temp file
   * in the target's directory and moved into place at the end, so a failed or interrupted download
   * leaves nothing at {@code target} (an existing file there is replaced only on success). The
   * file gets the permissions of any new file of this process, under its umask. The
   * {@code Authorization} header is never sent: output URLs are on RunComfy's CDN, not the API.
   * Redirects are followed. Transient failures are retried like reads.
   *
   * @param url the video's URL: {@code https}, or {@code http} to a loopback host
   * @param target where to put the file; its directory is created if needed
   * @param progress told the bytes so far after each chunk, or {@code null}
   * @return {@code target}
   * @throws DownloadException when the server refuses (HTTP status), the content type is not
   *     {@code video/*}, {@code application/octet-stream} or {@code binary/octet-stream} (or,
   *     when there is none, the body does not start like an MP4, MOV or WebM), the body is empty,
   *     or it is over {@link Builder#maxDownloadBytes(long)}
   * @throws NetworkException on an I/O failure, after retries
   * @throws CallInterruptedException when the thread is interrupted
   * @throws IllegalArgumentException when the URL is not https (or http to loopback)
   */
  public Path download(URI url, Path target, DownloadProgress progress) {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(target, "target == null");
    return downloader.download(url, target, progress, null);
  }

  /**
   * Downloads a completed job's video to {@code target}, as {@link #download(URI, Path,
   * DownloadProgress)} does, and records the download in the journal, so the job leaves {@link
   * #pending()}.
   *
   * @param result a completed result, with a video URL
   * @param target where to put the file
   * @param progress told the bytes so far, or {@code null}
   * @return {@code target}
   * @throws InvalidResponseException when the result has no video URL
   */
  public Path download(RequestResult result, Path target, DownloadProgress progress) {
    Objects.requireNonNull(result, "result == null");
    Objects.requireNonNull(target, "target == null");
    downloader.download(withVideo(result).videoUrl().orElseThrow(), target, progress, result.requestId());
    journal.downloaded(result.requestId());
    return target;
  }

  /**
   * Submits a job, waits for it and downloads its video to {@code target}, with this client's
   * default {@link AwaitOptions}: the common "give me the MP4" case.
   *
   * @param request a validated request
   * @param target where to put the MP4
   * @return the completed result; the video is at {@code target}
   * @see #generateAndDownload(ImageToVideoRequest, Path, AwaitOptions)
   */
  public RequestResult generateAndDownload(ImageToVideoRequest request, Path target) {
    return generateAndDownload(request, target, awaitOptions);
  }

  /**
   * Submits a job, waits for it and downloads its video to {@code target}. Every failure after the
   * submit carries the request id; if only the download fails, call {@link #download(URI, Path)}
   * again with {@code result(requestId).videoUrl()} rather than generating (and paying) again.
   *
   * @param request a validated request
   * @param target where to put the MP4
   * @param options how to poll
   * @return the completed result; the video is at {@code target}
   */
  public RequestResult generateAndDownload(
      ImageToVideoRequest request, Path target, AwaitOptions options) {
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(options, "options == null");
    Submission submission = submit(request, target);
    RequestResult result = withVideo(awaitResult(submission.requestId(), options));
    download(result, target, null);
    return result;
  }

  // ---- The journal ----

  /**
   * The jobs in this client's {@link Builder#journal journal}, for its account, that are not
   * finished: submitted and not yet ended; completed but not yet downloaded where a download was
   * asked for; and those whose submit outcome is unknown ({@link JournalEntry.State#INTENT} after a
   * crash mid-submit, or {@link JournalEntry.State#UNKNOWN}), which have no request id and need
   * checking on the RunComfy dashboard. Oldest first.
   *
   * @return the pending entries; empty without a journal
   */
  public List<JournalEntry> pending() {
    return journal.pending();
  }

  /**
   * {@link #resume(String, AwaitOptions)} with this client's default options.
   *
   * @param requestId the job's id, for example from {@link #pending()}
   * @return the completed result
   */
  public RequestResult resume(String requestId) {
    return resume(requestId, awaitOptions);
  }

  /**
   * Picks a job up again after a crash or restart, without paying again: waits for it and, when
   * the journal recorded a download target for it ({@link #generateAndDownload}), downloads the
   * video there. Never submits. Works without a journal too, as a plain {@link #awaitResult}.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @return the completed result
   * @throws GenerationFailedException when the job failed or was cancelled (and is recorded so)
   */
  public RequestResult resume(String requestId, AwaitOptions options) {
    Optional<Path> target = journal.byRequestId(requestId).flatMap(JournalEntry::target);
    RequestResult result = awaitResult(requestId, options);
    if (target.isPresent()) {
      download(result, target.get(), null);
    }
    return result;
  }

  /**
   * Marks a pending entry as dealt with by hand, for example an {@link
   * JournalEntry.State#UNKNOWN} submit checked on the RunComfy dashboard, so that {@link
   * #pending()} no longer lists it.
   *
   * @param localId the entry's {@link JournalEntry#localId()}
   * @throws IllegalArgumentException when the journal has no such entry
   */
  public void dismiss(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    journal.dismiss(localId);
  }

  /**
   * An image preflight that shares this client's connections and timeouts. It never sends the API
   * token.
   *
   * @return the preflight
   */
  public ImagePreflight imagePreflight() {
    return imagePreflight;
  }

  /**
   * Whether {@link #submit} (and so {@link #generate}) checks the image with {@link
   * #imagePreflight()} first.
   *
   * @return the setting; default {@code false}
   */
  public boolean preflightsImages() {
    return preflightImages;
  }

  /**
   * This client with image preflight turned on or off, for a call or a few: {@code
   * client.withPreflight(true).generate(request)}. The copy shares this client's connections and
   * everything else; closing it does nothing, and closing this client closes both.
   *
   * @param preflightImages whether to check the image before each submit
   * @return a client that differs only in that setting
   */
  public DreaminaClient withPreflight(boolean preflightImages) {
    return preflightImages == this.preflightImages ? this : new DreaminaClient(this, preflightImages);
  }

  /**
   * The options {@link #awaitResult(String)} and {@link #generate(ImageToVideoRequest)} use.
   *
   * @return the default await options
   */
  public AwaitOptions awaitOptions() {
    return awaitOptions;
  }

  /**
   * Releases what this client created: its connection pool and dispatcher threads. An {@code
   * OkHttpClient} passed to {@link Builder#httpClient} is left running, since it is shared.
   */
  @Override
  public void close() {
    if (ownsHttpClient) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "DreaminaClient{baseUrl="
        + baseUrl
        + ", maxRetries="
        + maxRetries
        + ", preflightImages="
        + preflightImages
        + "}";
  }

  /** Configures a {@link DreaminaClient}. Not thread-safe. */
  public static final class Builder {
    private String apiToken;
    private String baseUrl = DEFAULT_BASE_URL;
    private int maxRetries = 2;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private OkHttpClient httpClient;
    private AwaitOptions awaitOptions = AwaitOptions.defaults();
    private long maxDownloadBytes = DEFAULT_MAX_DOWNLOAD_BYTES;
    private boolean preflightImages;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private SubmissionJournal journal;
    private TimeSource time = TimeSource.SYSTEM;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /**
     * Reads {@value #ENV_API_TOKEN} (else {@value #ENV_TOKEN_FALLBACK}) and {@value
     * #ENV_BASE_URL} from the environment. Unset variables leave the builder as it was.
     *
     * @return this builder
     */
    public Builder fromEnv() {
      return fromEnv(System::getenv);
    }

    /**
     * Like {@link #fromEnv()}, reading the variables through {@code env} instead of the process
     * environment: for tests, or configuration kept in a map ({@code fromEnv(map::get)}).
     *
     * @param env returns a variable's value, or {@code null} when unset
     * @return this builder
     */
    public Builder fromEnv(Function<String, String> env) {
      Objects.requireNonNull(env, "env == null");
      String token = nonBlank(env.apply(ENV_API_TOKEN));
      if (token == null) {
        token = nonBlank(env.apply(ENV_TOKEN_FALLBACK));
      }
      if (token != null) {
        apiToken = token;
      }
      String url = nonBlank(env.apply(ENV_BASE_URL));
      if (url != null) {
        baseUrl(url);
      }
      return this;
    }

    /**
     * Sets the API token, sent as {@code Authorization: Bearer}. Required. It never appears in a
     * log line, message or {@code toString()}.
     *
     * @param apiToken the token from the RunComfy profile page
     * @return this builder
     */
    public Builder apiToken(String apiToken) {
      this.apiToken = Objects.requireNonNull(apiToken, "apiToken == null");
      return this;
    }

    /**
     * Sets the API's base URL. Default {@value #DEFAULT_BASE_URL}. It must be {@code https}; plain
     * {@code http} is allowed only for loopback hosts (tests, a local sandbox).
     *
     * @param baseUrl the base URL
     * @return this builder
     * @throws IllegalArgumentException when it is not a usable URL
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl == null");
      checkBaseUrl(baseUrl);
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Sets the API's base URL; see {@link #baseUrl(String)}.
     *
     * @param baseUrl the base URL
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      return baseUrl(Objects.requireNonNull(baseUrl, "baseUrl == null").toString());
    }

    /**
     * Sets how many times a failed call is retried. Default 2. Reads and cancels retry on I/O
     * errors, 408, 429, 500, 502, 503 and 504; a submit only when no job can exist.
     *
     * @param maxRetries 0 or more
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
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
    public Builder connectTimeout(Duration connectTimeout) {
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
    public Builder requestTimeout(Duration requestTimeout) {
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
    public Builder maxRetryAfter(Duration maxRetryAfter) {
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
    public Builder httpClient(OkHttpClient httpClient) {
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
    public Builder awaitOptions(AwaitOptions awaitOptions) {
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
    public Builder maxDownloadBytes(long maxDownloadBytes) {
      if (maxDownloadBytes <= 0) {
        throw new IllegalArgumentException("maxDownloadBytes must be positive: " + maxDownloadBytes);
      }
      this.maxDownloadBytes = maxDownloadBytes;
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
    public Builder preflightImages(boolean preflightImages) {
      this.preflightImages = preflightImages;
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
    public Builder callbackExecutor(Executor callbackExecutor) {
      this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor == null");
      return this;
    }

    /**
     * Records every paid job in {@code journal}, so that a crash between "submitted" and
     * "downloaded" never orphans one: an intent before each submit (a journal that cannot be
     * written means no submit, with a {@link JournalException}), the request id after it, an
     * unknown outcome, each terminal state and each download. {@link DreaminaClient#pending()}
     * and {@link DreaminaClient#resume(String)} read it back. Default: none.
     *
     * @param journal the journal, for example {@code FileSubmissionJournal.open(path)}
     * @return this builder
     */
    public Builder journal(SubmissionJournal journal) {
      this.journal = Objects.requireNonNull(journal, "journal == null");
      return this;
    }

    /** Tests inject time, so that no backoff or poll sleeps for real. */
    Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time == null");
      return this;
    }

    /** Tests fix the jitter, so that backoffs are exact. */
    Builder jitter(DoubleSupplier jitter) {
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
                + ENV_API_TOKEN
                + " (or "
                + ENV_TOKEN_FALLBACK
                + ") in the environment, or call apiToken(...) on the builder.");
      }
      String token = apiToken.strip();
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        // Never echo the token itself.
        throw new IllegalStateException(
            "The RunComfy API token contains spaces, control or non-ASCII characters;"
                + " check how it was copied.");
      }
      return new DreaminaClient(this, checkBaseUrl(baseUrl), token);
    }

    @Override
    public String toString() {
      return "DreaminaClient.Builder{baseUrl="
          + baseUrl
          + ", apiToken="
          + (apiToken == null ? "unset" : "set")
          + ", maxRetries="
          + maxRetries
          + "}";
    }

    private static HttpUrl checkBaseUrl(String text) {
      HttpUrl url = HttpUrl.parse(text.trim());
      if (url == null) {
        throw new IllegalArgumentException("baseUrl is not an http or https URL: " + text);
      }
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + text);
      }
      if (!url.isHttps() && !LoopbackHosts.isLoopback(url.host())) {
        throw new IllegalArgumentException(
            "baseUrl must use https (plain http is allowed only for loopback hosts): " + text);
      }
      return url;
    }

    private static String nonBlank(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }
  }
}
