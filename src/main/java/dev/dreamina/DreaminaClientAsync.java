package dev.dreamina;

import dev.dreamina.batch.Batch;
import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.internal.Futures;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.internal.flow.BatchRun;
import dev.dreamina.internal.flow.JobFlow;
import dev.dreamina.internal.flow.Recovery;
import dev.dreamina.internal.http.ApiCall;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SubmissionJournal;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The async view of a {@link DreaminaClient} ({@link DreaminaClient#async()}): the same calls,
 * with the same names, validation, retries and errors, each returning a {@link
 * CompletableFuture}. A failure reaches the future as its cause, with the exception type the
 * blocking call throws (never wrapped in {@code CompletionException}); a malformed request id
 * fails the future with {@link IllegalArgumentException}; a {@code null} argument throws {@link
 * NullPointerException} at once.
 *
 * <pre>{@code
 * List<CompletableFuture<RequestResult>> videos =
 *     requests.stream().map(client.async()::generate).toList();
 * }</pre>
 *
 * <p>No thread waits per job: each API call is an OkHttp async call and each poll delay a task on
 * one scheduler shared by every client. The steps that block by nature, the image preflight's
 * fetch and downloads, run on the {@link DreaminaClientBuilder#blockingExecutor blocking
 * executor}. Every future completes on the {@link DreaminaClientBuilder#callbackExecutor callback
 * executor}, so dependent stages never run on the SDK's own threads.
 *
 * <p>Cancelling a future stops what it waits for (a poll, an exchange in flight), except a paid
 * submit that may already have reached the server: that one runs to its answer, its request id
 * is logged at WARNING, and the journal records it. A download already running is not stopped.
 */
public final class DreaminaClientAsync {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final DreaminaClient client;
  private final JobFlow flow;
  private final ClientRuntime runtime;

  DreaminaClientAsync(DreaminaClient client, JobFlow flow) {
    this.client = client;
    this.flow = flow;
    this.runtime = flow.runtime();
  }

  /**
   * The blocking client this is a view of.
   *
   * @return the blocking client
   */
  public DreaminaClient sync() {
    return client;
  }

  /**
   * {@link DreaminaClient#submit(ImageToVideoRequest)} without blocking. Cancelling the future
   * does not abort a submit that may have reached the server: if it creates a job anyway, its
   * request id is logged at WARNING (and journaled).
   *
   * @param request a validated request
   * @return the job's request id and URLs
   */
  public CompletableFuture<Submission> submit(ImageToVideoRequest request) {
    return submit(request, null);
  }

  /**
   * {@link DreaminaClient#submit(ImageToVideoRequest, Path)} without blocking.
   *
   * @param request a validated request
   * @param downloadTo where the video is to go, for the {@link SubmissionJournal journal}, or
   *     {@code null}
   * @return the job's request id and URLs
   */
  public CompletableFuture<Submission> submit(ImageToVideoRequest request, @Nullable Path downloadTo) {
    Objects.requireNonNull(request, "request == null");
    return detached(() -> flow.submitAsync(request, downloadTo, client.preflightsImages()), Submission::requestId);
  }

  /**
   * A paid submit's future, relayed so that cancelling it never aborts the submit; when the submit
   * creates a job after all, its request id is logged at WARNING.
   */
  private <T> CompletableFuture<T> detached(Supplier<CompletableFuture<T>> start, Function<T, String> requestId) {
    CompletableFuture<T> submitted;
    try {
      submitted = start.get();
    } catch (RuntimeException e) {
      submitted = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = runtime.detachedRelay(submitted);
    submitted.thenAccept(
        submission -> {
          if (result.isCancelled()) {
            LOG.log(
                Level.WARNING,
                "submit was cancelled, but it had been sent and created request "
                    + requestId.apply(submission)
                    + "; it runs (and is paid) unless cancelled");
          }
        });
    return result;
  }

  /**
   * {@link DreaminaClient#withOptions} for the async view: the same view, without blocking.
   *
   * @param options sets the view's options on a builder
   * @return the async view of that view
   */
  public DreaminaClientAsync withOptions(Consumer<CallOptions.Builder> options) {
    return client.withOptions(options).async();
  }

  /**
   * {@link DreaminaClient#withRawResponse()} for the async view: each plain call's future holds
   * its parsed answer with the HTTP status and headers it came with.
   *
   * @return the raw-response view
   */
  public WithRawResponse withRawResponse() {
    return new WithRawResponse();
  }

  /** The async view's plain calls with the HTTP status and headers of their answers. */
  public final class WithRawResponse {
    private WithRawResponse() {}

    /**
     * {@link DreaminaClientAsync#submit(ImageToVideoRequest, Path)}, with its answer's status and
     * headers. Cancelling the future does not abort the submit.
     *
     * @param request the validated request
     * @param downloadTo where the journal should say the video is to go, or {@code null}
     * @return the submission
     */
    public CompletableFuture<RawResponse<Submission>> submit(ImageToVideoRequest request, @Nullable Path downloadTo) {
      Objects.requireNonNull(request, "request == null");
      return detached(
          () -> flow.submitAnsweredAsync(request, downloadTo, client.preflightsImages()).thenApply(DreaminaClient::raw),
          raw -> raw.value().requestId());
    }

    /**
     * {@link DreaminaClientAsync#submit(ImageToVideoRequest)}, with its answer's status and headers.
     *
     * @param request the validated request
     * @return the submission
     */
    public CompletableFuture<RawResponse<Submission>> submit(ImageToVideoRequest request) {
      return submit(request, null);
    }

    /**
     * {@link DreaminaClientAsync#status(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return its status
     */
    public CompletableFuture<RawResponse<RequestStatus>> status(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return runtime.relay(
          () -> Futures.map(runtime.api().statusAnsweredAsync(requestId, ApiCall.NO_DEADLINE), DreaminaClient::raw));
    }

    /**
     * {@link DreaminaClientAsync#result(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return its result
     */
    public CompletableFuture<RawResponse<RequestResult>> result(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return runtime.relay(
          () -> Futures.map(runtime.api().resultAnsweredAsync(requestId, ApiCall.NO_DEADLINE), DreaminaClient::raw));
    }

    /**
     * {@link DreaminaClientAsync#cancel(String)}, with its answer's status and headers.
     *
     * @param requestId the job
     * @return the outcome
     */
    public CompletableFuture<RawResponse<CancelResult>> cancel(String requestId) {
      Objects.requireNonNull(requestId, "requestId == null");
      return runtime.relay(() -> Futures.map(runtime.api().cancelAnsweredAsync(requestId, true), DreaminaClient::raw));
    }

    /**
     * {@link DreaminaClientAsync#price()}, with its answer's status and headers.
     *
     * @return the price
     */
    public CompletableFuture<RawResponse<Price>> price() {
      return runtime.relay(() -> Futures.map(runtime.api().priceAnsweredAsync(), DreaminaClient::raw));
    }
  }

  /**
   * {@link DreaminaClient#price()} without blocking.
   *
   * @return the price
   */
  public CompletableFuture<Price> price() {
    return runtime.relay(runtime.api()::priceAsync);
  }

  /**
   * {@link DreaminaClient#status(String)} without blocking.
   *
   * @param requestId the job's id
   * @return the status
   */
  public CompletableFuture<RequestStatus> status(String requestId) {
    Objects.requireNonNull(requestId, "requestId == null");
    return runtime.relay(() -> runtime.api().statusAsync(requestId, ApiCall.NO_DEADLINE));
  }

  /**
   * {@link DreaminaClient#result(String)} without blocking.
   *
   * @param requestId the job's id
   * @return the result
   */
  public CompletableFuture<RequestResult> result(String requestId) {
    Objects.requireNonNull(requestId, "requestId == null");
    return runtime.relay(() -> runtime.api().resultAsync(requestId, ApiCall.NO_DEADLINE));
  }

  /**
   * {@link DreaminaClient#cancel(String)} without blocking.
   *
   * @param requestId the job's id
   * @return what the cancel did
   */
  public CompletableFuture<CancelResult> cancel(String requestId) {
    Objects.requireNonNull(requestId, "requestId == null");
    return runtime.relay(() -> runtime.api().cancelAsync(requestId, true));
  }

  /**
   * {@link #awaitResult(String, AwaitOptions)} with the client's default options.
   *
   * @param requestId the job's id
   * @return the completed job's result
   */
  public CompletableFuture<RequestResult> awaitResult(String requestId) {
    return awaitResult(requestId, client.awaitOptions());
  }

  /**
   * {@link DreaminaClient#awaitResult(String, AwaitOptions)} without holding a thread: thousands
   * of jobs can be awaited at once on a handful of threads. Cancelling the future stops the
   * polling at once; the job runs on unless {@link AwaitOptions#cancelOnAbort()} is set, which
   * makes one bounded cancel of it.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @return the completed job's result
   */
  public CompletableFuture<RequestResult> awaitResult(String requestId, AwaitOptions options) {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(options, "options == null");
    return runtime.relay(() -> flow.awaitAsync(requestId, options));
  }

  /**
   * {@link #generate(ImageToVideoRequest, AwaitOptions)} with the client's default options.
   *
   * @param request a validated request
   * @return the completed result, with a video URL
   */
  public CompletableFuture<RequestResult> generate(ImageToVideoRequest request) {
    return generate(request, client.awaitOptions());
  }

  /**
   * {@link DreaminaClient#generate(ImageToVideoRequest, AwaitOptions)} without holding a thread.
   * Cancelling the future while the submit is in flight lets the submit finish (it may have
   * created a paid job), then logs the request id at WARNING and, with {@link
   * AwaitOptions#cancelOnAbort()}, cancels that job; cancelling it later stops the polling.
   *
   * @param request a validated request
   * @param options how to poll
   * @return the completed result, with a video URL
   */
  public CompletableFuture<RequestResult> generate(ImageToVideoRequest request, AwaitOptions options) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(options, "options == null");
    return runtime.relay(() -> flow.generateAsync(request, null, options, client.preflightsImages()));
  }

  /**
   * {@link DreaminaClient#publishImage(Path)} on the blocking executor.
   *
   * @param file a JPEG or PNG file
   * @return the published image
   */
  public CompletableFuture<PublishedImage> publishImage(Path file) {
    Objects.requireNonNull(file, "file == null");
    return runtime.relay(() -> runtime.blocking(() -> flow.images().publish(file)));
  }

  /**
   * {@link DreaminaClient#download(URI, Path, DownloadProgress)} on the blocking executor.
   *
   * @param url the video's URL
   * @param target where to put the file
   * @param progress told the bytes so far, or {@code null}
   * @return {@code target}
   */
  public CompletableFuture<Path> download(URI url, Path target, @Nullable DownloadProgress progress) {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(target, "target == null");
    return runtime.relay(() -> runtime.blocking(() -> flow.download(url, target, progress)));
  }

  /**
   * {@link DreaminaClient#download(RequestResult, Path, DownloadProgress)} on the blocking
   * executor: the journal records the download.
   *
   * @param result a completed result, with a video URL
   * @param target where to put the file
   * @param progress told the bytes so far, or {@code null}
   * @return {@code target}
   */
  public CompletableFuture<Path> download(RequestResult result, Path target, @Nullable DownloadProgress progress) {
    Objects.requireNonNull(result, "result == null");
    Objects.requireNonNull(target, "target == null");
    return runtime.relay(() -> runtime.blocking(() -> flow.download(result, target, progress)));
  }

  /**
   * {@link DreaminaClient#generateAndDownload(ImageToVideoRequest, Path, AwaitOptions)} with the
   * client's default options, without blocking; the download runs on the blocking executor.
   *
   * @param request a validated request
   * @param target where to put the MP4
   * @return the completed result; the video is at {@code target}
   */
  public CompletableFuture<RequestResult> generateAndDownload(ImageToVideoRequest request, Path target) {
    return generateAndDownload(request, target, client.awaitOptions());
  }

  /**
   * {@link DreaminaClient#generateAndDownload(ImageToVideoRequest, Path, AwaitOptions)} without
   * blocking; the download runs on the blocking executor.
   *
   * @param request a validated request
   * @param target where to put the MP4
   * @param options how to poll
   * @return the completed result; the video is at {@code target}
   */
  public CompletableFuture<RequestResult> generateAndDownload(
      ImageToVideoRequest request, Path target, AwaitOptions options) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(options, "options == null");
    return runtime.relay(() -> flow.generateAndDownloadAsync(request, target, options, client.preflightsImages()));
  }

  /**
   * {@link DreaminaClient#resume(String, AwaitOptions)} with the client's default options.
   *
   * @param requestId the job's id
   * @return the completed result
   */
  public CompletableFuture<RequestResult> resume(String requestId) {
    return resume(requestId, client.awaitOptions());
  }

  /**
   * {@link DreaminaClient#resume(String, AwaitOptions)} without blocking: never submits; downloads
   * to the journaled target, when there is one, on the blocking executor.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @return the completed result
   */
  public CompletableFuture<RequestResult> resume(String requestId, AwaitOptions options) {
    return resume(requestId, options, false);
  }

  /**
   * {@link DreaminaClient#resume(String, AwaitOptions, boolean)} without blocking: the journal is
   * read and the lease taken on the blocking executor.
   *
   * @param requestId the job's id
   * @param options how to poll
   * @param takeOver whether to take the job from another instance that holds it
   * @return the completed result; fails with {@link dev.dreamina.errors.JobHeldException} when
   *     another instance holds the job and {@code takeOver} is false
   */
  public CompletableFuture<RequestResult> resume(String requestId, AwaitOptions options, boolean takeOver) {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(options, "options == null");
    return runtime.relay(() -> flow.resumeAsync(requestId, options, takeOver));
  }

  /**
   * {@link DreaminaClient#recover(AwaitOptions)} without blocking, with the client's default
   * options.
   *
   * @return what was found and done, once every claimed job has ended
   */
  public CompletableFuture<RecoveryReport> recover() {
    return recover(client.awaitOptions());
  }

  /**
   * {@link DreaminaClient#recover(AwaitOptions)} without blocking: the journal is read and the
   * leases taken on the blocking executor, the jobs awaited on the async path.
   *
   * @param options how to poll each job
   * @return what was found and done, once every claimed job has ended
   */
  public CompletableFuture<RecoveryReport> recover(AwaitOptions options) {
    Objects.requireNonNull(options, "options == null");
    return runtime.relay(() -> Recovery.run(flow, options));
  }

  /**
   * Runs many requests at once, within this client's limits: at most {@link
   * BatchOptions#concurrency()} jobs in flight (fewer for a while after a rate limit, waiting as
   * the server's {@code Retry-After} says), each submitted at most once, awaited with the client's
   * default {@link AwaitOptions}, and downloaded to its target. Each request's outcome is in the
   * report: completed (with its file), failed (with the server's error), refused by validation or
   * the image preflight, refused by the {@link DreaminaClientBuilder#spendLimit spend limit}
   * (which also stops new submits), submit outcome unknown, not finished, or not started. With a
   * journal and a {@link BatchOptions.Builder#batchId batch id}, running the same batch again runs
   * only what never reached a final state.
   *
   * @param items the requests, keys unique
   * @param options how to run them
   * @return the running batch
   * @throws IllegalArgumentException when two items share a key
   */
  public Batch batch(List<BatchItem> items, BatchOptions options) {
    Objects.requireNonNull(items, "items == null");
    Objects.requireNonNull(options, "options == null");
    return new BatchRun(flow, items, options, client.awaitOptions(), client.preflightsImages()).start();
  }

  @Override
  public String toString() {
    return "DreaminaClientAsync{" + client + "}";
  }
}
