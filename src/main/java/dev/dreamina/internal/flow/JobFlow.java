package dev.dreamina.internal.flow;

import dev.dreamina.AwaitOptions;
import dev.dreamina.Budget;
import dev.dreamina.CallOptions;
import dev.dreamina.DownloadProgress;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.internal.Events;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.http.Answered;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.internal.http.Poller;
import dev.dreamina.internal.http.RunComfyApi;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.preflight.ImagePreflight;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import okhttp3.Headers;

/**
 * The job flow: each step of a job written once for the blocking client and its async view —
 * preflight, the spend limit, the journal's intent, the paid submit and its outcome, the wait and
 * its end, "then download", resume — on a {@link ClientRuntime}. A journaled job carries its {@link
 * Leases.Job} (entry, lease) from its intent or claim to its end: no step looks it up by
 * scanning. {@link Recovery} and {@link BatchRun} are built on this flow; it knows neither. The
 * blocking methods run on the caller's thread; the async ones return futures that complete on SDK
 * threads (the public views relay them to the callback executor).
 */
public final class JobFlow {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final ClientRuntime runtime;
  private final RunComfyApi api;
  private final Poller poller;
  private final VideoDownloads downloads;
  private final ImagePreflight imagePreflight;
  private final Events events;
  private final JournalRecorder journal;
  private final SpendGuard spend;
  private final ImagePublisher images;
  /** The idempotency key of this flow's submits ({@link CallOptions#idempotencyKey()}), or {@code null}. */
  private final String key;

  /**
   * @param journal the journal, or {@code null} for none
   * @param apiToken the token, whose hash tells accounts apart in the journal
   * @param instanceId this client's name in the journal's leases
   * @param journalLease how long a lease lasts unrenewed
   * @param spendLimit the most this client's submits may commit, in US dollars, or {@code null}
   * @param budgets the budgets the journal keeps for every instance sharing it; none for none
   */
  public JobFlow(
      ClientRuntime runtime,
      SubmissionJournal journal,
      String apiToken,
      String instanceId,
      Duration journalLease,
      BigDecimal spendLimit,
      List<Budget> budgets,
      boolean reuseIdentical,
      ImagePublisher images) {
    this(
        runtime,
        new SpendGuard(spendLimit, !budgets.isEmpty(), runtime.api(), runtime.time()),
        new JournalRecorder(
            journal, apiToken, runtime.time(), instanceId, journalLease, runtime.blockingExecutor(), budgets, reuseIdentical),
        images,
        null);
    if (this.journal.enabled()) {
      // On open, off the builder's thread: build() does no I/O, and a database that is slow to
      // answer delays nothing but this warning.
      try {
        runtime.blockingExecutor().execute(this.journal::checkClock);
      } catch (RejectedExecutionException shutDown) {
        // the app's executor takes no work: the recovery passes still check
      }
    }
  }

  /** A flow on this runtime with this journal and spend limit: a client's, or shared with a view's. */
  private JobFlow(ClientRuntime runtime, SpendGuard spend, JournalRecorder journal, ImagePublisher images, String key) {
    this.runtime = runtime;
    this.api = runtime.api();
    this.poller = runtime.poller();
    this.downloads = new VideoDownloads(runtime.downloader(), runtime.events(), journal, key);
    this.imagePreflight = runtime.imagePreflight();
    this.events = runtime.events();
    this.spend = spend;
    this.journal = journal;
    this.images = images;
    this.key = key;
  }

  /**
   * The same flow on a view whose API calls take these options: one journal, one set of leases,
   * one spend limit for the client and all its views.
   */
  public JobFlow withOptions(CallOptions options) {
    if (options.idempotencyKey().isPresent() && !journal.enabled()) {
      throw new IllegalStateException(
          "An idempotency key needs a journal, its ledger of keys: set one with DreaminaClientBuilder.journal(...)");
    }
    return new JobFlow(runtime.withOptions(options), spend, journal, images, options.idempotencyKey().orElse(null));
  }

  /** The same flow, its submits under this idempotency key: a keyed batch item's. */
  JobFlow keyed(String idempotencyKey) {
    return new JobFlow(runtime, spend, journal, images, idempotencyKey);
  }

  /** What this flow runs on. */
  public ClientRuntime runtime() {
    return runtime;
  }

  /** Where local images are published. */
  public ImagePublisher images() {
    return images;
  }

  // ---- submit: preflight, journal intent, the paid call, its outcome journaled --------------------

  /** A plain submit: its lease is taken, and left to run out unless the job is awaited here. */
  public Submission submit(ImageToVideoRequest request, Path downloadTo, boolean preflight) {
    return submit(request, downloadTo, preflight, false).value();
  }

  /** A plain submit, with the status and headers of its answer. */
  public Answered<Submission> submitAnswered(ImageToVideoRequest request, Path downloadTo, boolean preflight) {
    return submit(request, downloadTo, preflight, false);
  }

  private Answered<Submission> submit(ImageToVideoRequest given, Path downloadTo, boolean preflight, boolean keepLease) {
    ImageToVideoRequest request = images.resolve(given);
    preflight &= request == given; // a local image's bytes were checked before they were published
    Optional<IdempotencyKeys.Reuse> reuse = key == null ? journal.keys().reuse(request) : Optional.empty();
    if (reuse.isPresent()) {
      return reuse.get().job().isPresent()
          ? replayed(reuse.get().job().get())
          : keyed(reuse.get().key()).submit(request, downloadTo, preflight, keepLease);
    }
    Optional<Answered<Submission>> known = preflight ? keyedJob(request) : Optional.empty();
    if (known.isPresent()) {
      return known.get();
    }
    if (preflight) {
      checkImage(request);
    }
    SpendGuard.Reservation reservation = spend.reserve(request);
    JournalRecorder.Recording recording;
    try {
      recording = intent(request, downloadTo, keepLease, null, reservation);
    } catch (JournalException refused) {
      return raced(request, refused);
    }
    try {
      Answered<Submission> answered = api.submitAnswered(request);
      submitted(recording, reservation, answered.value(), null);
      return answered;
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
    // thenApply, not Futures.map: cancelling what the caller holds must never reach the paid submit.
    return submitAsync(request, downloadTo, preflight, false, null).thenApply(Answered::value);
  }

  /** {@link #submitAsync}, with the status and headers of its answer. */
  public CompletableFuture<Answered<Submission>> submitAnsweredAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight) {
    return submitAsync(request, downloadTo, preflight, false, null);
  }

  /** A batch's submit: its journal entry under the batch's local id, its lease kept for the wait. */
  CompletableFuture<Submission> submitForBatch(ImageToVideoRequest request, Path downloadTo, boolean preflight, String localId) {
    return submitAsync(request, downloadTo, preflight, true, localId).thenApply(Answered::value);
  }

  private CompletableFuture<Answered<Submission>> submitAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight, boolean keepLease, String localId) {
    if (request.imageFile().isPresent()) { // checked and published on the blocking executor first
      return runtime.blocking(() -> images.resolve(request))
          .thenCompose(published -> submitAsync(published, downloadTo, false, keepLease, localId));
    }
    if (key == null && localId == null && journal.keys().reusesIdentical()) {
      return runtime.blocking(() -> journal.keys().reuse(request))
          .thenCompose(
              reuse ->
                  reuse.isEmpty()
                      ? unkeyedSubmitAsync(request, downloadTo, preflight, keepLease, null)
                      : reuse.get().job().isPresent()
                          ? CompletableFuture.completedFuture(replayed(reuse.get().job().get()))
                          : keyed(reuse.get().key()).submitAsync(request, downloadTo, preflight, keepLease, null));
    }
    if (key != null && preflight) {
      CompletableFuture<Optional<Answered<Submission>>> known = runtime.blocking(() -> keyedJob(request));
      return known.thenCompose(
          job -> job.map(CompletableFuture::completedFuture).orElseGet(() -> unkeyedSubmitAsync(request, downloadTo, preflight, keepLease, localId)));
    }
    return unkeyedSubmitAsync(request, downloadTo, preflight, keepLease, localId);
  }

  /**
   * {@link #submitAsync}, once no job of its idempotency key was found, or none was looked for: a
   * key's job is then found when the journal refuses the intent ({@link #raced}).
   */
  private CompletableFuture<Answered<Submission>> unkeyedSubmitAsync(
      ImageToVideoRequest request, Path downloadTo, boolean preflight, boolean keepLease, String localId) {
    CompletableFuture<Void> checked =
        preflight
            ? CompletableFuture.runAsync(() -> checkImage(request), runtime.blockingExecutor())
            : CompletableFuture.completedFuture(null);
    return checked
        .thenCompose(ok -> spend.reserveAsync(request))
        .thenCompose(
            reservation -> {
              JournalRecorder.Recording recording;
              try {
                recording = intent(request, downloadTo, keepLease, localId, reservation);
              } catch (JournalException refused) {
                return runtime.blocking(() -> raced(request, refused)); // it may wait for the key's first submit
              }
              return api.submitAnsweredAsync(request)
                  .whenComplete(
                      (answered, failure) ->
                          submitted(
                              recording,
                              reservation,
                              answered == null ? null : answered.value(),
                              failure == null ? null : Futures.unwrap(failure)));
            });
  }

  /**
   * The job this flow's idempotency key already has (its entry's request id, answered as if by a
   * submit, with {@code Idempotent-Replayed: true}); empty when it has none (or there is no key),
   * so that this call submits. Blocking. A keyed submit reads this first only when an image
   * preflight would fetch the image before its intent; otherwise it writes its intent at once,
   * and the journal's refusal of a key it already has (its unique local id) leads here.
   */
  private Optional<Answered<Submission>> keyedJob(ImageToVideoRequest request) {
    if (key == null) {
      return Optional.empty();
    }
    return journal.keys().keyed(request, key).map(JobFlow::replayed);
  }

  /** An earlier submit's job, answered as if by a submit: its request id, with {@code Idempotent-Replayed: true}. */
  private static Answered<Submission> replayed(JournalEntry entry) {
    return new Answered<>(
        new Submission(entry.requestId().orElseThrow(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of()),
        200,
        REPLAYED);
  }

  private static final Headers REPLAYED = Headers.of("Idempotent-Replayed", "true");

  /**
   * After the journal refused an intent: with an idempotency key, another call recorded the key
   * first, between this one's read and its write, and that call's job is this one's; otherwise (or
   * when the journal has no such job) the refusal stands. Blocking.
   */
  private Answered<Submission> raced(ImageToVideoRequest request, JournalException refused) {
    if (key == null) {
      throw refused;
    }
    return keyedJob(request).orElseThrow(() -> refused);
  }

  /** The journal's intent; when it cannot be written, the reserved estimate is given back. */
  private JournalRecorder.Recording intent(
      ImageToVideoRequest request, Path downloadTo, boolean keepLease, String localId, SpendGuard.Reservation reservation) {
    try {
      return journal.intent(request, downloadTo, keepLease, localId, key, reservation.estimate());
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

  /** Each budget's current window; none without budgets. */
  public List<SpendWindow> spend() {
    return journal.spend();
  }

  /** What this client has committed against its spend limit. */
  public BigDecimal spendCommitted() {
    return spend.committed();
  }

  private void checkImage(ImageToVideoRequest request) {
    ImagePublisher.checked(imagePreflight.check(request.imageUrl()));
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
    CompletableFuture<Optional<Leases.Job>> held =
        runtime.blocking(() -> journal.holdForWait(requestId, JournalRecorder.WhenHeld.WATCH));
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
    journal.ended(requestId, failure, result == null ? Optional.empty() : result.cost());
    events.ended(requestId, result, failure);
    if (failure == null) {
      spend.ended(requestId, Status.COMPLETED, result.cost());
    } else if (failure instanceof GenerationFailedException failed) {
      spend.ended(requestId, failed.status(), Optional.empty());
    }
  }

  // ---- generate: submit, await, and a completed result must carry a video ---------------------------

  /**
   * Submits and waits. A local image is published first and held ({@link ImagePublisher#holding})
   * until the job ends, when a host that removes images removes it.
   */
  public RequestResult generate(
      ImageToVideoRequest request, Path downloadTo, AwaitOptions options, boolean preflight) {
    if (request.imageFile().isPresent()) {
      return images.holding(request, published -> generate(published, downloadTo, options, false));
    }
    Submission submission = submit(request, downloadTo, preflight, true).value();
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
   * AwaitOptions#cancelOnAbort()}, cancels that job; cancelling it later stops the polling. A
   * local image is published and held as by {@link #generate}.
   */
  public CompletableFuture<RequestResult> generateAsync(
      ImageToVideoRequest request, Path downloadTo, AwaitOptions options, boolean preflight) {
    if (request.imageFile().isPresent()) {
      return images.holdingAsync(request, runtime, published -> generateAsync(published, downloadTo, options, false));
    }
    CompletableFuture<RequestResult> generated = new CompletableFuture<>();
    submitAsync(request, downloadTo, preflight, true, null)
        .whenComplete(
            (answered, failure) -> {
              if (failure != null) {
                generated.completeExceptionally(Futures.unwrap(failure));
                return;
              }
              Submission submission = answered.value();
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

  // ---- download, and the journal's record of it (VideoDownloads) ---------------------------------

  /** A video by its URL, no job known: told to the listener as a download without a request id. */
  public Path download(URI url, Path target, DownloadProgress progress) {
    return downloads.download(url, target, progress);
  }

  public Path download(RequestResult result, Path target, DownloadProgress progress) {
    return downloads.download(result, target, progress);
  }

  public RequestResult generateAndDownload(
      ImageToVideoRequest request, Path target, AwaitOptions options, boolean preflight) {
    RequestResult result = generate(request, target, options, preflight);
    if (!downloads.downloadedBefore(result.requestId(), target)) {
      download(result, target, null);
    }
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
        job.thenCompose(
            result ->
                runtime
                    .blocking(() -> downloads.downloadedBefore(result.requestId(), target) ? target : download(result, target, null))
                    .thenApply(path -> result));
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
    return runtime.blocking(() -> journal.holdForWait(requestId, whenHeld(takeOver)))
        .thenCompose(job -> awaitThenDownload(requestId, job.flatMap(j -> j.entry().target()).orElse(null), options));
  }

  private static JournalRecorder.WhenHeld whenHeld(boolean takeOver) {
    return takeOver ? JournalRecorder.WhenHeld.TAKE_OVER : JournalRecorder.WhenHeld.REFUSE;
  }

  public Optional<JournalEntry> journalEntry(String requestId) {
    return journal.byRequestId(requestId);
  }

  public Optional<JournalEntry> journalEntryForKey(String key) {
    return journal.byKey(key);
  }

  public List<JournalEntry> pending() {
    return journal.pending();
  }

  /** The journal's reads and leases, for recovery and batches. */
  JournalRecorder journal() {
    return journal;
  }

  /** Deletes finished journal entries older than {@code age}: see {@link SubmissionJournal#deleteFinishedBefore}. */
  public int deleteFinishedJournalEntries(Duration age) {
    return journal.deleteFinishedOlderThan(age);
  }

  public void dismiss(String localId) {
    journal.dismiss(localId);
  }

  /** Stops renewing the journal's leases; those still held run out. The runtime is closed by its owner. */
  public void close() {
    journal.close();
  }
}
