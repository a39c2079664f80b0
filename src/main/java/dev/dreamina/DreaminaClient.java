package dev.dreamina;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.AwaitTimeoutException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DownloadException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.ImagePublishException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.NotFoundException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.internal.flow.JobFlow;
import dev.dreamina.internal.flow.Recovery;
import dev.dreamina.internal.http.Answered;
import dev.dreamina.internal.http.ApiCall;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.preflight.ImagePreflight;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A client for RunComfy's Dreamina 3.0 Pro image-to-video API ({@value #MODEL_ID}), blocking; its
 * {@link #async()} view makes the same calls without blocking.
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
 * request is sent; a {@code null} argument is a {@link NullPointerException}). A paid submit is
 * never retried once it may have reached the server.
 */
public final class DreaminaClient implements AutoCloseable {
  /** RunComfy's Model API. */
  public static final String DEFAULT_BASE_URL = "https://model-api.runcomfy.net";

  /** The model this client runs. */
  public static final String MODEL_ID = "bytedance/dreamina-3-0/pro/image-to-video";

  /** The environment variable read first for the API token. */
  public static final String ENV_API_TOKEN = "RUNCOMFY_API_TOKEN";

  /** The environment variable read for the token when {@value #ENV_API_TOKEN} is unset. */
  public static final String ENV_TOKEN_FALLBACK = "RUNCOMFY_TOKEN";

  /** The environment variable read for the base URL. */
  public static final String ENV_BASE_URL = "RUNCOMFY_BASE_URL";

  /** The default cap on a downloaded video's size: 512 MiB. */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 512L * 1024 * 1024;

  /** {@link DreaminaClientBuilder#imageUrlLifetime}'s default, in minutes: 2 hours. */
  public static final long DEFAULT_IMAGE_URL_LIFETIME_MINUTES = 120;

  /** How long a published image's signed URL works, by default: 2 hours. */
  public static final Duration DEFAULT_IMAGE_URL_LIFETIME = Duration.ofMinutes(DEFAULT_IMAGE_URL_LIFETIME_MINUTES);

  /** How long {@link #close()} lets downloads under way finish, by default: 10 seconds. */
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

  private final JobFlow flow;
  private final ClientRuntime runtime;
  private final AwaitOptions awaitOptions;
  private final boolean preflightImages;
  private final boolean ownsFlow;
  private final CallOptions callOptions;
  private final DreaminaClientAsync async;

  DreaminaClient(JobFlow flow, AwaitOptions awaitOptions, boolean preflightImages) {
    this(flow, awaitOptions, preflightImages, true, CallOptions.NONE);
  }

  private DreaminaClient(
      JobFlow flow, AwaitOptions awaitOptions, boolean preflightImages, boolean ownsFlow, CallOptions callOptions) {
    this.flow = flow;
    this.runtime = flow.runtime();
    this.awaitOptions = awaitOptions;
    this.preflightImages = preflightImages;
    this.ownsFlow = ownsFlow;
    this.callOptions = callOptions;
    this.async = new DreaminaClientAsync(this, flow);
  }

  /**
   * A client configured from the environment: the token from {@value #ENV_API_TOKEN}, else
   * {@value #ENV_TOKEN_FALLBACK}; the base URL from {@value #ENV_BASE_URL} when set; the wire log
   * from {@value WireLog#ENV} ({@code info} or {@code debug}) when set.
   *
   * @return a new client; close it when done
   * @throws IllegalStateException when neither token variable is set
   */
  public static DreaminaClient fromEnv() {
    return builder().fromEnv().build();
  }

  /** {@link DreaminaClientBuilder#journalLease}'s default, in seconds. */
  public static final long DEFAULT_JOURNAL_LEASE_SECONDS = 120;

  static final Duration DEFAULT_JOURNAL_LEASE = Duration.ofSeconds(DEFAULT_JOURNAL_LEASE_SECONDS);

  /**
   * Starts configuring a client.
   *
   * @return a new builder with the defaults
   */
  public static DreaminaClientBuilder builder() {
    return new DreaminaClientBuilder();
  }

  /**
   * The same client without blocking: every call returns a {@code CompletableFuture}. It shares
   * this client's connections and settings; closing this client closes it too.
   *
   * @return the async view
   */
  public DreaminaClientAsync async() {
    return async;
  }

  /** {@link #submit(ImageToVideoRequest, Path)} with no download target: a plain paid submit. */
  public Submission submit(ImageToVideoRequest request) {
    return submit(request, null);
  }

  /**
   * Submits a paid job. It is retried only when no job can exist: the connection was never made,
   * or the server answered 429. With a {@link DreaminaClientBuilder#journal journal}, it records where the video
   * is to be downloaded, so that after a crash {@link #resume(String)} downloads it there.
   *
   * @param request a validated request
   * @param downloadTo where the video is to go, or {@code null}
   * @return the job's request id and URLs
   * @throws InvalidRequestException when image preflight is on ({@link #withPreflight}, {@link
   *     DreaminaClientBuilder#preflightImages}) and the image fails it; nothing is submitted
   * @throws SubmissionUnknownException when the submit may have created a job but no readable
   *     answer came back; do not resubmit blindly
   * @throws ApiException when RunComfy rejected it (see the subclasses)
   * @throws NetworkException when no connection could be made, so nothing was submitted
   * @throws JournalException when the journal cannot record the job; nothing is submitted
   */
  public Submission submit(ImageToVideoRequest request, @Nullable Path downloadTo) {
    Objects.requireNonNull(request, "request == null");
    return flow.submit(request, downloadTo, preflightImages);
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
    return runtime.price();
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
    return runtime.status(Objects.requireNonNull(requestId, "requestId == null"));
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
    return runtime.result(Objects.requireNonNull(requestId, "requestId == null"));
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
    return runtime.cancel(Objects.requireNonNull(requestId, "requestId == null"));
  }

  /** {@link #awaitResult(String, AwaitOptions)} with this client's default {@link AwaitOptions}. */
  public RequestResult awaitResult(String requestId) {
    return awaitResult(requestId, awaitOptions);
  }

  /**
   * Polls a job until it completes. Transient failures (I/O, 408, 429, 5xx) are retried and never
   * end the wait before the deadline; an unknown status keeps it polling; an unreadable status
   * answer is polled through, up to five in a row.
   *
   * <p>With a {@link DreaminaClientBuilder#journal journal}, a job it lists as unfinished is first held by this
   * client (its lease taken, and renewed while the wait lasts), and its end is recorded. When
   * another live instance holds it, this waits all the same but writes nothing: the holder
   * records the job ({@link #resume(String, AwaitOptions, boolean)} refuses instead).
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
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(options, "options == null");
    return flow.await(requestId, options);
  }

  /** {@link #generate(ImageToVideoRequest, AwaitOptions)} with this client's default {@link AwaitOptions}. */
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
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(options, "options == null");
    return flow.generate(request, null, options, preflightImages);
  }

  /** {@link #download(URI, Path, DownloadProgress)} without progress reports. */
  public Path download(URI url, Path target) {
    return download(url, target, null);
  }

  /**
   * Downloads a video to {@code target}, reporting progress. The body is streamed to a temp file
   * in the target's directory and moved into place at the end, so a failed or interrupted download
   * leaves nothing at {@code target} (an existing file there is replaced only on success). The
   * file gets the permissions of any new file of this process, under its umask. The
   * {@code Authorization} header is never sent: output URLs are on RunComfy's CDN, not the API.
   * Redirects are followed. Transient failures are retried like reads. To have the journal record
   * the download, pass the result instead: {@link #download(RequestResult, Path)}.
   *
   * @param url the video's URL: {@code https}, or {@code http} to a loopback host
   * @param target where to put the file; its directory is created if needed
   * @param progress told the bytes so far after each chunk, or {@code null}
   * @return {@code target}
   * @throws DownloadException when the server refuses (HTTP status), the content type is not
   *     {@code video/*}, {@code application/octet-stream} or {@code binary/octet-stream} (or,
   *     when there is none, the body does not start like an MP4, MOV or WebM), the body is empty,
   *     or it is over {@link DreaminaClientBuilder#maxDownloadBytes(long)}
   * @throws NetworkException on an I/O failure, after retries
   * @throws CallInterruptedException when the thread is interrupted
   * @throws IllegalArgumentException when the URL is not https (or http to loopback)
   */
  public Path download(URI url, Path target, @Nullable DownloadProgress progress) {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(target, "target == null");
    return flow.download(url, target, progress);
  }

  /** {@link #download(RequestResult, Path, DownloadProgress)} without progress reports. */
  public Path download(RequestResult result, Path target) {
    return download(result, target, null);
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
  public Path download(RequestResult result, Path target, @Nullable DownloadProgress progress) {
    Objects.requireNonNull(result, "result == null");
    Objects.requireNonNull(target, "target == null");
    return flow.download(result, target, progress);
  }

  /** {@link #generateAndDownload(ImageToVideoRequest, Path, AwaitOptions)} with the default options: the common "give me the MP4" case. */
  public RequestResult generateAndDownload(ImageToVideoRequest request, Path target) {
    return generateAndDownload(request, target, awaitOptions);
  }

  /**
   * Submits a job, waits for it and downloads its video to {@code target}, journaling the target
   * so that {@link #resume(String)} can finish it after a crash. Every failure after the submit
   * carries the request id; if only the download fails, call {@link #download(RequestResult,
   * Path)} again with {@code result(requestId)} rather than generating (and paying) again.
   *
   * @param request a validated request
   * @param target where to put the MP4
   * @param options how to poll
   * @return the completed result; the video is at {@code target}
   */
  public RequestResult generateAndDownload(
      ImageToVideoRequest request, Path target, AwaitOptions options) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(options, "options == null");
    return flow.generateAndDownload(request, target, options, preflightImages);
  }

  // ---- The journal ----

  /**
   * The journal's jobs of this client's account (the API token) that are not finished: submitted
   * and not yet ended; completed but not yet downloaded where a download was asked for; and those
   * whose submit outcome is unknown ({@link JournalEntry.State#INTENT} after a crash mid-submit,
   * or {@link JournalEntry.State#UNKNOWN}), which have no request id and need checking on the
   * RunComfy dashboard. Oldest first.
   *
   * @return the pending entries; empty without a journal
   */
  public List<JournalEntry> pending() {
    return flow.pending();
  }

  /**
   * The journal's entry for one of this account's jobs, finished or not: where it stands and
   * where its video goes. One keyed read of the journal.
   *
   * @param requestId the job's id
   * @return the entry; empty without a journal, or when the journal has none for this job
   * @throws JournalException when the journal cannot be read
   */
  public Optional<JournalEntry> journalEntry(String requestId) {
    return flow.journalEntry(Objects.requireNonNull(requestId, "requestId == null"));
  }
  /**
   * The journal's entry for this account's job with an idempotency key ({@link
   * CallOptions.Builder#idempotencyKey}), finished or not: whether that order's video was paid for,
   * on any instance sharing the journal, in any run (until retention deleted the entry). One keyed
   * read of the journal.
   *
   * @param idempotencyKey the key
   * @return the entry; empty without a journal, or when no submit carried the key (or its entry
   *     was deleted)
   * @throws JournalException when the journal cannot be read
   */
  public Optional<JournalEntry> journalEntryForKey(String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    return flow.journalEntryForKey(idempotencyKey);
  }


  /** {@link #resume(String, AwaitOptions)} with this client's default {@link AwaitOptions}. */
  public RequestResult resume(String requestId) {
    return resume(requestId, awaitOptions);
  }

  /** {@link #resume(String, AwaitOptions, boolean)} that leaves a job another instance holds to it. */
  public RequestResult resume(String requestId, AwaitOptions options) {
    return resume(requestId, options, false);
  }

  /**
   * Picks a job up again after a crash or restart, without paying again: waits for it and, when
   * the journal recorded a download target for it ({@link #generateAndDownload}), downloads the
   * video there. Never submits. Works without a journal too, as a plain {@link #awaitResult}.
   *
   * <p>With a journal, the job's lease is taken first and renewed while this waits and downloads,
   * so that no recovery pass elsewhere works the job meanwhile. When another instance holds a
   * live lease on it, the job is left to that instance ({@link JobHeldException}, naming who and
   * until when) unless {@code takeOver}: then the lease is taken from it, and that is logged at
   * WARNING. Take over only a job whose holder you know to be gone; otherwise both download it.
   * A job the journal lists as finished is awaited, not downloaded again.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @param takeOver whether to take the job from another instance that holds it
   * @return the completed result
   * @throws GenerationFailedException when the job failed or was cancelled (and is recorded so)
   * @throws JobHeldException when another instance holds the job and {@code takeOver} is false;
   *     nothing was done
   */
  public RequestResult resume(String requestId, AwaitOptions options, boolean takeOver) {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(options, "options == null");
    return flow.resume(requestId, options, takeOver);
  }

  /**
   * Deletes the journal's finished entries (every account's) that last changed more than {@code
   * age} ago; never an unfinished one. Without it a shared journal grows by one entry per job.
   * Schedule it (daily, say) with an age longer than any batch you may still resume: a resumed
   * batch submits again an item whose entry is gone. The Spring Boot starter runs it with its
   * recovery passes ({@code dreamina.journal.recovery.retention}, 30 days by default): on the
   * first pass, then at most once an hour.
   *
   * @param age how long finished entries are kept, more than zero
   * @return how many entries were deleted; 0 without a journal, or with a journal that does not
   *     delete ({@link SubmissionJournal#deleteFinishedBefore})
   * @throws JournalException when the journal cannot be written
   */
  public int deleteFinishedJournalEntries(Duration age) {
    Objects.requireNonNull(age, "age == null");
    if (age.isNegative() || age.isZero()) {
      throw new IllegalArgumentException("age must be positive: " + age);
    }
    return flow.deleteFinishedJournalEntries(age);
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
    flow.dismiss(localId);
  }

  /** {@link #recover(AwaitOptions)} with this client's default {@link AwaitOptions}. */
  public RecoveryReport recover() {
    return recover(awaitOptions);
  }

  /**
   * Finishes the unfinished jobs of this client's account in a journal that several instances
   * share, without ever submitting: run it on every instance at start-up and then periodically
   * (every minute, say). Each job is claimed first, its lease taken in one atomic step, so only
   * one instance works it at a time; a job another instance holds is left alone until its lease
   * runs out ({@link DreaminaClientBuilder#journalLease}), which is how a dead instance's jobs pass to a
   * survivor. Each claimed job is awaited and, when it has a download target, downloaded there,
   * all at once on the async path; this call returns when all have ended. Nothing is thrown for
   * one job: each entry's outcome is in the report, and a job without a request id is {@link
   * RecoveryReport.Outcome#NEEDS_A_PERSON reported}, never submitted again.
   *
   * @param options how to poll each job
   * @return what was found and done; empty without a journal
   * @throws JournalException when the journal cannot be read
   */
  public RecoveryReport recover(AwaitOptions options) {
    Objects.requireNonNull(options, "options == null");
    CompletableFuture<RecoveryReport> pass = Recovery.run(flow, options);
    try {
      return pass.get();
    } catch (InterruptedException e) {
      pass.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallInterruptedException("Interrupted while recovering journaled jobs", null, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /**
   * What this client has committed against its {@link DreaminaClientBuilder#spendLimit spend limit}: the
   * estimates of its jobs still running, the real cost of completed ones when known, and the
   * submits whose outcome is unknown. Zero without a limit.
   *
   * @return US dollars
   */
  public BigDecimal spendCommitted() {
    return flow.spendCommitted();
  }

  /**
   * What each of this client's {@link DreaminaClientBuilder#spendLimit(Budget...) budgets} has committed in its
   * current window, across every instance sharing the journal, and what is left: one keyed read
   * of the journal (and its clock). Empty without budgets.
   *
   * @return one window per budget, in the order they were set
   * @throws JournalException when the journal cannot be read
   */
  public List<SpendWindow> spend() {
    return flow.spend();
  }

  // ---- Settings ----

  /**
   * Publishes a local image to the client's {@link DreaminaClientBuilder#imageHost image host},
   * as a submit of a request made with {@link ImageToVideoRequest.Builder#imageFile} does: the
   * image preflight first, then the host, which stores it once under its content's hash. Use the
   * URL in a request, or hand it to another system.
   *
   * @param file a JPEG or PNG file
   * @return the published image; its URL is a credential for the object until it expires
   * @throws InvalidRequestException when the image fails the preflight; nothing was uploaded
   * @throws ImagePublishException when the host could not publish it
   * @throws IllegalStateException when the client has no image host
   */
  public PublishedImage publishImage(Path file) {
    Objects.requireNonNull(file, "file == null");
    return flow.images().publish(file);
  }

  /**
   * {@link #publishImage(Path)} for an image in memory.
   *
   * @param image a JPEG or PNG
   * @return the published image
   * @throws InvalidRequestException when the image fails the preflight; nothing was uploaded
   * @throws ImagePublishException when the host could not publish it
   * @throws IllegalStateException when the client has no image host
   */
  public PublishedImage publishImage(byte[] image) {
    Objects.requireNonNull(image, "image == null");
    return flow.images().publish(image);
  }

  /**
   * An image preflight that shares this client's connections and timeouts. It never sends the API
   * token.
   *
   * @return the preflight
   */
  public ImagePreflight imagePreflight() {
    return runtime.imagePreflight();
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
    return preflightImages == this.preflightImages
        ? this
        : new DreaminaClient(flow, awaitOptions, preflightImages, false, callOptions);
  }

  /**
   * A view of this client whose API calls take other options, for one call or a few: {@code
   * client.withOptions(o -> o.requestTimeout(Duration.ofMinutes(2)).maxRetries(0).header("X-Trace-Id",
   * traceId)).result(id)}. The options apply to submit, status, result, cancel and price, and to
   * the polls of a wait; downloads and the image preflight keep this client's settings, and no
   * header of a view reaches a download host. Options set here go on top of this view's own (a
   * header of the same name is replaced).
   *
   * <p>The view shares this client's connection pool, threads, journal, leases and spend limit;
   * making one costs a handful of objects (and an OkHttp client derived from this one's, on the
   * same pool, when it changes the timeout); closing it does nothing (closing this client closes
   * it too). A paid submit is never retried once it may have reached the server, whatever the
   * view's {@code maxRetries}.
   *
   * @param options sets the view's options on a builder
   * @return the view
   * @throws IllegalArgumentException from the builder: a negative retry count, a timeout that is
   *     not positive, a malformed header or one the SDK sets itself ({@code Authorization} included)
   */
  public DreaminaClient withOptions(Consumer<CallOptions.Builder> options) {
    Objects.requireNonNull(options, "options == null");
    CallOptions.Builder builder = callOptions.toBuilder();
    options.accept(builder);
    CallOptions merged = builder.build();
    return new DreaminaClient(flow.withOptions(merged), awaitOptions, preflightImages, false, merged);
  }

  /**
   * The options this client's API calls take beyond its builder's: none for a client, those of
   * {@link #withOptions} for a view.
   *
   * @return the options
   */
  public CallOptions callOptions() {
    return callOptions;
  }

  /**
   * The plain calls of this client (or view), each returning its parsed answer together with the
   * HTTP status and headers it came with: {@code client.withRawResponse().status(id).header("x-request-id")}.
   * They are the same calls, with the same validation, retries, journal and spend limit.
   *
   * @return the raw-response view
   */
  public WithRawResponse withRawResponse() {
    return new WithRawResponse();
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
   * Releases what this client created: its connection pool and threads. An {@code OkHttpClient}
   * passed to {@link DreaminaClientBuilder#httpClient} is left running, since it is shared. A view from {@link
   * #withPreflight} closes nothing. No download starts once it is called; those under way get up
   * to {@link DreaminaClientBuilder#closeGrace} (10 seconds) to finish, then are stopped, and nothing of them is
   * kept (no target is touched). With a journal, the leases of the jobs this client was waiting for are
   * given up, so that another instance can take them over at once; those waits then record nothing
   * and download nothing.
   */
  @Override
  public void close() {
    if (ownsFlow) {
      runtime.close(); // first: a download under way finishes (and is journaled) or stops before its job's lease is given up
      flow.close();
    }
  }

  @Override
  public String toString() {
    return "DreaminaClient{" + runtime.describe() + ", preflightImages=" + preflightImages + "}";
  }

  /**
   * A client's plain calls with the HTTP status and headers of their answers: see {@link
   * DreaminaClient#withRawResponse()}. Each method throws what the plain call throws.
   */
  public final class WithRawResponse {
    private WithRawResponse() {}

    /**
     * {@link DreaminaClient#submit(ImageToVideoRequest, Path)}, with its answer's status and headers.
     *
     * @param request the validated request
     * @param downloadTo where the journal should say the video is to go, or {@code null}
     * @return the submission
     */
    public RawResponse<Submission> submit(ImageToVideoRequest request, @Nullable Path downloadTo) {
      Objects.requireNonNull(request, "request == null");
      return raw(flow.submitAnswered(request, downloadTo, preflightImages));
    }

    /**
     * {@link DreaminaClient#submit(ImageToVideoRequest)}, with its answer's status and headers.
     *
     * @param request the validated request
     * @return the submission
     */
    public RawResponse<Submission> submit(ImageToVideoRequest request) {
      return submit(request, null);
    }

    /**
     * {@link DreaminaClient#status(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return its status
     */
    public RawResponse<RequestStatus> status(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return raw(runtime.api().statusAnswered(requestId, ApiCall.NO_DEADLINE));
    }

    /**
     * {@link DreaminaClient#result(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return its result
     */
    public RawResponse<RequestResult> result(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return raw(runtime.api().resultAnswered(requestId, ApiCall.NO_DEADLINE));
    }

    /**
     * {@link DreaminaClient#cancel(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return the outcome
     */
    public RawResponse<CancelResult> cancel(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return raw(runtime.api().cancelAnswered(requestId, true));
    }

    /**
     * {@link DreaminaClient#price()}, with its answer's status and headers.
     *
     * @return the price
     */
    public RawResponse<Price> price() {
      return raw(runtime.api().priceAnswered());
    }
  }

  /** An answer as a {@link RawResponse}. */
  static <T> RawResponse<T> raw(Answered<T> answered) {
    return new RawResponse<>(answered.value(), answered.statusCode(), answered.headersByName());
  }
}
