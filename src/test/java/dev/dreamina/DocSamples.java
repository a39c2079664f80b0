package dev.dreamina;

import dev.dreamina.batch.Batch;
import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.batch.BatchReport;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.images.ImageHost;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import dev.dreamina.sandbox.RunComfySandbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;

/**
 * Every {@code java} block of the README and the guide ({@code docs/}), word for word, as compiled
 * code, under a javadoc naming its page and its place there: {@link DocSamplesTest} checks that
 * they stay the same, so a sample that no longer compiles fails the build. Free variables of a
 * block are parameters. Nothing here is run.
 */
@SuppressWarnings({"unused", "resource"})
final class DocSamples {
  private DocSamples() {}

  /** README.md block 0. */
  static void sample0() throws Exception {
    try (DreaminaClient client = DreaminaClient.fromEnv()) {
        ImageToVideoRequest request = ImageToVideoRequest.builder()
            .prompt("A slow tracking shot down a sunlit street")
            .imageUrl("https://example.com/street.jpg")
            .frames(241)
            .seed(42)
            .build();                                   // validated here, every violation at once
        RequestResult done = client.generate(request);  // submit, then wait until the video is ready
        client.download(done.videoUrl().orElseThrow(), Path.of("street.mp4"));
    }
  }

  /** docs/batches-and-spend.md block 0. */
  static void sample1(DreaminaClient client, ImageToVideoRequest request) throws Exception {
    Price price = client.price();                        // GET /v1/models/bytedance/dreamina-3-0/pro/image-to-video
    price.basePriceUsd();                                // exact BigDecimal, e.g. 0.10
    price.priceUnit();                                   // e.g. "second"
    Optional<BigDecimal> estimate = price.estimate(request);   // 0.10 × 10 s for 241 frames
    RequestResult done = client.generate(request);
    Optional<BigDecimal> cost = done.cost();             // what the job did cost, when RunComfy says
  }

  /** docs/batches-and-spend.md block 1. */
  static void sampleBudget(javax.sql.DataSource dataSource) throws Exception {
    DreaminaClient client = DreaminaClient.builder()
        .fromEnv()
        .journal(JdbcSubmissionJournal.of(dataSource))          // the ledger every instance shares
        .spendLimit(Budget.perDay(new BigDecimal("50")), Budget.perMonth(new BigDecimal("900")))
        .build();
    for (SpendWindow window : client.spend()) {                 // what the whole fleet committed
        System.out.println(window.window() + ": " + window.committed() + " USD, " + window.remaining() + " left");
    }
  }

  /** docs/batches-and-spend.md block 2. */
  static void sample2(DreaminaClient client, List<String> prompts, String imageUrl) throws Exception {
    List<BatchItem> items = new ArrayList<>();
    for (int row = 0; row < prompts.size(); row++) {
        ImageToVideoRequest request = ImageToVideoRequest.builder()
            .prompt(prompts.get(row)).imageUrl(imageUrl).frames(121).build();
        items.add(BatchItem.of("row " + row, request, Path.of("out", row + ".mp4")));
    }
    Batch batch = client.async().batch(items, BatchOptions.builder()
        .concurrency(8)                                   // jobs in flight at once (default 4)
        .batchId("catalogue-2026-11")                     // with a journal: resumable
        .onProgress(p -> System.err.print("\r" + p.done() + "/" + p.total()))
        .build());
    BatchReport report = batch.result().join();           // batch.stop() stops new submits at once
    report.outcomes().forEach(o -> System.out.println(o.key() + ": " + o.kind()));
  }

  /** docs/client.md block 0. */
  static void sample3() throws Exception {
    try {
        ImageToVideoRequest.builder().prompt(" ").imageUrl("http://x/a.gif").frames(120).build();
    } catch (InvalidRequestException e) {
        e.violations().forEach(v -> System.out.println(v.field() + ": " + v.message()));
        // prompt: is required and must not be blank
        // image_urls: must point to a JPEG or PNG image (.jpg, .jpeg or .png), not .gif
        // image_urls: must use https (RunComfy fetches the image over HTTPS), not http
        // frames: must be 121 (about 5 s) or 241 (about 10 s)
    }
  }

  /** docs/client.md block 1. */
  static void sample4(DreaminaClient client, ImageToVideoRequest request) throws Exception {
    PreflightReport report = client.imagePreflight().check(URI.create("https://example.com/street.jpg"));
    // or, with no client and no token: ImagePreflight.create().check(Path.of("street.jpg"))
    if (!report.passes()) {
        report.failures().forEach(f -> System.err.println(f.message()));
        // "Maximum resolution is 4096x4096. (measured 5000x3000 px)"
    }
    report.format(); report.bytes(); report.width(); report.height();   // what was measured

    DreaminaClient checked = DreaminaClient.builder().fromEnv().preflightImages(true).build(); // every submit
    client.withPreflight(true).generate(request);                                           // one call
  }

  /** docs/client.md block 2. */
  static void sampleClient2(DreaminaClient client, String requestId, String traceId, ImageToVideoRequest request) throws Exception {
    RequestResult slow = client
        .withOptions(o -> o.requestTimeout(Duration.ofMinutes(2)))   // one exchange may take 2 min
        .result(requestId);
    client.withOptions(o -> o.maxRetries(0)).status(requestId);      // one attempt, no retries
    DreaminaClient traced = client.withOptions(o -> o
        .header("X-Trace-Id", traceId)                               // on every API call of the view
        .header("X-Route", "eu"));
    traced.async().generate(request);                                // the async view has them too
  }

  /** docs/client.md block 3. */
  static void sampleClient3(DreaminaClient client, String requestId) throws Exception {
    RawResponse<RequestStatus> raw = client.withRawResponse().status(requestId);
    raw.statusCode();                                   // 200
    raw.header("X-Request-Id");                         // Optional<String>, any case
    raw.headers();                                      // every header, by name
    RequestStatus status = raw.value();                 // what client.status(requestId) returns
    CompletableFuture<RawResponse<Price>> price = client.async().withRawResponse().price();
  }

  /** docs/configuration.md block 0. */
  static void sample5() throws Exception {
    java.util.logging.Logger.getLogger("dev.dreamina").setLevel(java.util.logging.Level.FINE);
  }

  /** docs/configuration.md block 1. */
  static void sampleConfiguration1() throws Exception {
    DreaminaClient client = DreaminaClient.builder().fromEnv().wireLog(WireLog.DEBUG).build();
  }

  /** docs/images.md block 0. */
  static void sampleImages0(ImageHost host) throws Exception {
    try (DreaminaClient client = DreaminaClient.builder()
            .fromEnv()
            .imageHost(host)                          // where local images go: S3ImageHost, below
            .build()) {
        ImageToVideoRequest request = ImageToVideoRequest.builder()
            .prompt("A slow tracking shot down a sunlit street")
            .imageFile(Path.of("street.jpg"))         // instead of imageUrl(...)
            .build();
        RequestResult done = client.generate(request);
        PublishedImage published = client.publishImage(Path.of("street.jpg"));  // the publishing step alone
    }
  }

  /** docs/journal.md block 0. */
  static void sample6(ImageToVideoRequest request) throws Exception {
    DreaminaClient client = DreaminaClient.builder()
        .fromEnv()
        .journal(FileSubmissionJournal.open(Path.of("/var/lib/myapp/dreamina-journal.json")))
        .build();

    client.generateAndDownload(request, Path.of("out/street.mp4"));   // journaled from start to end

    // After a crash, in the next run:
    for (JournalEntry job : client.pending()) {
        job.requestId().ifPresentOrElse(
            id -> client.resume(id),                     // waits, downloads to the recorded target; never submits
            () -> System.err.println("check the RunComfy dashboard for " + job.request()));
    }
  }

  /** docs/journal.md block 1. */
  static void sample7(javax.sql.DataSource dataSource) throws Exception {
    DreaminaClient client = DreaminaClient.builder()
        .fromEnv()
        .journal(JdbcSubmissionJournal.of(dataSource))      // the app's pool; one table for every instance
        .build();

    // At start-up and then every minute, on every instance:
    ScheduledExecutorService recovery = Executors.newSingleThreadScheduledExecutor();
    recovery.scheduleWithFixedDelay(() -> {
        RecoveryReport report = client.recover();           // never submits
        report.items(RecoveryReport.Outcome.NEEDS_A_PERSON)
            .forEach(item -> System.err.println(item.detail().orElseThrow()));
    }, 0, 1, TimeUnit.MINUTES);
  }

  /** docs/journal.md block 2. */
  static void sampleKeys(DreaminaClient client, ImageToVideoRequest request) throws Exception {
    DreaminaClient forOrder = client.withOptions(o -> o.idempotencyKey("order-8812"));
    RequestResult done = forOrder.generateAndDownload(request, Path.of("order-8812.mp4"));
    // the same call again, here or on any instance sharing the journal, today or next week:
    // nothing is sent, the same job's result comes back, and the file is not fetched again
  }

  /** docs/quarkus.md block 0. */
  static void sampleQuarkus() {
@ApplicationScoped
class DreaminaProducer {
    @Produces
    @Singleton                       // not @ApplicationScoped: see below
    DreaminaClient dreaminaClient(Config config) {
        // RUNCOMFY_API_TOKEN, RUNCOMFY_BASE_URL, DREAMINA_LOG from Quarkus's configuration:
        // the environment in production, a test resource's values in tests
        return DreaminaClient.builder()
            .fromEnv(name -> config.getOptionalValue(name, String.class).orElse(null))
            .build();
    }

    void close(@Disposes DreaminaClient client) {
        client.close();              // on shutdown: lets downloads finish, gives up journal leases
    }
}
  }

  /** docs/sandbox.md block 0. */
  static void sample8(ImageToVideoRequest request) throws Exception {
    try (RunComfySandbox sandbox = RunComfySandbox.start();
         DreaminaClient client = DreaminaClient.builder()
             .baseUrl(sandbox.baseUrl())
             .apiToken(sandbox.apiToken())
             .build()) {
        RequestResult done = client.generate(request);   // a real, playable MP4 at done.videoUrl()
    }
  }

  /** docs/waiting-and-downloads.md block 0. */
  static void sample9(DreaminaClient client, String requestId) throws Exception {
    AwaitOptions options = AwaitOptions.builder()
        .pollInterval(Duration.ofSeconds(2))      // first delay between polls
        .maxPollInterval(Duration.ofSeconds(10))  // the delay grows by half each poll, up to this
        .timeout(Duration.ofMinutes(15))          // overall deadline
        .cancelOnTimeout(false)                   // at the deadline, try one bounded cancel
        .onUpdate(s -> System.out.println(s.describe()))  // "in_queue (position 3)", "in_progress", ...
        .build();
    RequestResult done = client.awaitResult(requestId, options);
  }

  /** docs/waiting-and-downloads.md block 1. */
  static void sample10(DreaminaClient client, List<ImageToVideoRequest> requests) throws Exception {
    DreaminaClientAsync async = client.async();
    List<CompletableFuture<RequestResult>> videos = requests.stream()
        .map(async::generate)
        .toList();
    CompletableFuture.allOf(videos.toArray(CompletableFuture[]::new)).join();
  }

  /** docs/waiting-and-downloads.md block 2. */
  static void sample11(DreaminaClient client, ImageToVideoRequest request, Path target) throws Exception {
    RequestResult done = client.generate(request);
    Path file = client.download(done, Path.of("out/street.mp4"));   // the journal records it
    client.download(done.videoUrl().orElseThrow(), target,          // any URL, with progress
        (bytes, total) -> System.out.printf("%d / %s%n", bytes, total));
    RequestResult again = client.generateAndDownload(request, Path.of("street.mp4")); // all in one
  }
}
