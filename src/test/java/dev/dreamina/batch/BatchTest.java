package dev.dreamina.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.AwaitOptions;
import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.SandboxClients;
import dev.dreamina.batch.BatchOutcome.Kind;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Batch}: many requests at once against the sandbox, each submitted once. */
class BatchTest {
  private static final AwaitOptions QUICK =
      AwaitOptions.builder().pollInterval(Duration.ofMillis(20)).maxPollInterval(Duration.ofMillis(100)).build();

  @TempDir Path dir;

  private List<BatchItem> items(int n, int frames) {
    List<BatchItem> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder().prompt("product " + i).imageUrl("https://example.com/" + i + ".png").frames(frames).seed(i).build();
      items.add(BatchItem.of("row-" + i, request, dir.resolve("video-" + i + ".mp4")));
    }
    return items;
  }

  /** The most jobs in flight as the sandbox saw them: submits received, less jobs whose video was first fetched. */
  private static int mostInFlight(List<RecordedCall> calls) {
    int now = 0;
    int most = 0;
    Set<String> fetched = new HashSet<>();
    for (RecordedCall call : calls) {
      if (call.method().equals("POST") && call.path().startsWith("/v1/models/")) {
        most = Math.max(most, ++now);
      } else if (call.method().equals("GET") && call.path().startsWith("/files/") && fetched.add(call.path())) {
        now--;
      }
    }
    return most;
  }

  private static String notCompleted(BatchReport report) {
    return report.outcomes().stream().filter(o -> o.kind() != Kind.COMPLETED).toList().toString();
  }

  private long videos() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".mp4")).count();
    }
  }

  @Test
  void twoHundredRequestsAtEightInFlightThroughFlakyReadsEachSubmittedOnce() throws Exception {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder()
                .queueTime(Duration.ofMillis(30))
                .runTime(Duration.ofMillis(50))
                .runTimeSpread(Duration.ofMillis(300))
                .start();
        // Five retries per call: a download then fails only if six reads in a row do (8% each).
        DreaminaClient client = SandboxClients.builderFor(sandbox).maxRetries(5).awaitOptions(QUICK).build()) {
      sandbox.randomReadFaults(0.05, 503, 0.03, 42);
      List<BatchProgress> progress = new CopyOnWriteArrayList<>();
      Batch batch = client.async().batch(items(200, 121), BatchOptions.builder().concurrency(8).onProgress(progress::add).build());
      BatchReport report = batch.result().get(120, TimeUnit.SECONDS);

      assertEquals(Map.of(Kind.COMPLETED, 200), report.counts(), notCompleted(report));
      assertEquals(200, sandbox.submitRequestCount(), "each request submitted once");
      assertEquals(200, sandbox.submitCount());
      assertEquals(200, videos());
      int most = mostInFlight(sandbox.requests());
      assertTrue(most <= 8 && most >= 2, "most in flight as the sandbox saw it: " + most);
      assertTrue(progress.stream().allMatch(p -> p.running() <= 8), "never more than 8 running");
      BatchProgress last = batch.progress();
      assertEquals(200, last.done());
      assertEquals(0, last.running());
      assertTrue(report.outcomes().stream().allMatch(o -> o.file().isPresent() && o.requestId().isPresent()));
      assertTrue(batch.submitsSettled().isDone(), "every request was submitted and answered");
    }
  }

  @Test
  void afterAStopSubmitsSettleOnceTheAnswersInFlightArriveAndAreJournaled() throws Exception {
    Path journalFile = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(50)).start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journalFile)).awaitOptions(QUICK).build()) {
      sandbox.holdSubmitAnswers();
      Batch batch = client.async().batch(items(6, 121), BatchOptions.builder().concurrency(3).batchId("held").build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sandbox.submitCount() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5); // until three jobs exist whose answers are held, not a backoff
      }
      assertEquals(3, sandbox.submitCount());

      batch.stop();
      assertFalse(batch.submitsSettled().isDone(), "three paid submits are still waiting for their answers");
      assertEquals(
          List.of(State.INTENT, State.INTENT, State.INTENT),
          FileSubmissionJournal.open(journalFile).entries().stream().map(JournalEntry::state).toList());

      sandbox.releaseSubmitAnswers();
      batch.submitsSettled().get(30, TimeUnit.SECONDS);
      List<JournalEntry> settled = FileSubmissionJournal.open(journalFile).entries();
      assertEquals(3, settled.size());
      assertTrue(settled.stream().allMatch(e -> e.state() != State.INTENT && e.requestId().isPresent()), settled.toString());

      BatchReport report = batch.result().get(60, TimeUnit.SECONDS);
      assertEquals(Map.of(Kind.COMPLETED, 3, Kind.NOT_STARTED, 3), report.counts(), report.outcomes().toString());
      assertEquals(3, sandbox.submitRequestCount(), "nothing submitted after the stop");
    }
  }

  /**
   * Items with idempotency keys: a second batch (another id, another run) holding the same keys
   * submits nothing and fetches nothing for them, and gets their jobs; a new key in it is paid.
   */
  @Test
  void keyedItemsArePaidOnceWhateverBatchTheyAreIn() throws Exception {
    Path journalFile = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(50)).start()) {
      List<BatchItem> monday = items(4, 121).stream().map(i -> i.withIdempotencyKey("order-" + i.key())).toList();
      BatchReport first;
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journalFile)).awaitOptions(QUICK).build()) {
        first = client.async().batch(monday, BatchOptions.builder().concurrency(4).batchId("monday").build()).result().get(60, TimeUnit.SECONDS);
      }
      assertEquals(Map.of(Kind.COMPLETED, 4), first.counts());
      List<BatchItem> tuesday = new ArrayList<>(monday);
      ImageToVideoRequest fresh = ImageToVideoRequest.builder().prompt("product new").imageUrl("https://example.com/n.png").build();
      tuesday.add(BatchItem.of("row-new", fresh, dir.resolve("video-new.mp4")).withIdempotencyKey("order-row-new"));
      BatchReport second;
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journalFile)).awaitOptions(QUICK).build()) {
        second = client.async().batch(tuesday, BatchOptions.builder().concurrency(4).batchId("tuesday").build()).result().get(60, TimeUnit.SECONDS);
      }
      assertEquals(Map.of(Kind.COMPLETED, 5), second.counts(), second.toString());
      for (int i = 0; i < 4; i++) {
        assertEquals(first.outcomes().get(i).requestId(), second.outcomes().get(i).requestId(), "the same job for " + monday.get(i).key());
      }
      assertEquals(5, sandbox.submitRequestCount(), "four on Monday, the new one on Tuesday");
      assertEquals(5, sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), "each video fetched once");
    }
  }

  @Test
  void theSpendLimitRefusesTheEighthAndStopsNewSubmits() throws Exception {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ofMillis(10)).runTime(Duration.ofMillis(10)).start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).awaitOptions(QUICK).spendLimit(new BigDecimal("7.50")).build()) {
      BatchReport report =
          client.async().batch(items(10, 241), BatchOptions.builder().concurrency(1).build()).result().get(60, TimeUnit.SECONDS);

      assertEquals(Map.of(Kind.COMPLETED, 7, Kind.REFUSED_BY_SPEND_LIMIT, 1, Kind.NOT_STARTED, 2), report.counts());
      assertEquals(Kind.REFUSED_BY_SPEND_LIMIT, report.outcomes().get(7).kind());
      assertTrue(report.outcomes().get(7).detail().orElseThrow().contains("spend limit of 7.50"), report.outcomes().get(7).toString());
      assertTrue(report.stopped());
      assertEquals(7, sandbox.submitRequestCount(), "nothing sent for the eighth");
    }
  }

  @Test
  void aRateLimitLowersTheJobsInFlightAndLosesOrRepeatsNothing() throws Exception {
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(10)).runTime(Duration.ofMillis(30)).start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).maxRetries(0).awaitOptions(QUICK).build()) {
      sandbox.respondWithStatus(429, 3, Duration.ofSeconds(1));
      List<BatchProgress> progress = new CopyOnWriteArrayList<>();
      BatchReport report =
          client.async().batch(items(30, 121), BatchOptions.builder().concurrency(8).onProgress(progress::add).build())
              .result().get(60, TimeUnit.SECONDS);

      assertEquals(Map.of(Kind.COMPLETED, 30), report.counts(), notCompleted(report));
      assertEquals(30, sandbox.submitCount(), "no request lost, none created twice");
      assertEquals(33, sandbox.submitRequestCount(), "the three refused submits were sent again");
      int lowest = progress.stream().mapToInt(BatchProgress::concurrency).min().orElseThrow();
      assertTrue(lowest < 8, "the limit came down");
      assertTrue(progress.get(progress.size() - 1).concurrency() > lowest, "and went up again after completions in a row");
      assertEquals(30, videos());
    }
  }

  @Test
  void aBatchRunAgainWithItsJournalRunsOnlyWhatNeverFinished() throws Exception {
    Path journal = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(10)).runTime(Duration.ofMillis(300)).start()) {
      List<BatchItem> items = items(12, 121);
      BatchOptions options = BatchOptions.builder().concurrency(3).batchId("catalogue").resume(true).build();
      // First run: stopped after its first outcome; the jobs in flight then run out of waiting time.
      AtomicInteger seen = new AtomicInteger();
      BatchReport first;
      try (DreaminaClient client =
          SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journal)).awaitOptions(QUICK.toBuilder().timeout(Duration.ofMillis(150)).build()).build()) {
        Batch[] batch = new Batch[1];
        batch[0] =
            client.async().batch(items, BatchOptions.builder().concurrency(3).batchId("catalogue").onOutcome(o -> {
              if (seen.incrementAndGet() == 1) {
                batch[0].stop();
              }
            }).build());
        first = batch[0].result().get(60, TimeUnit.SECONDS);
      }
      assertTrue(first.stopped());
      int submittedFirst = sandbox.submitCount();
      assertTrue(first.counts().getOrDefault(Kind.NOT_STARTED, 0) > 0, first.counts().toString());
      assertTrue(first.counts().getOrDefault(Kind.NOT_FINISHED, 0) > 0, first.counts().toString());

      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journal)).awaitOptions(QUICK).build()) {
        java.util.concurrent.ExecutionException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> client.async().batch(items, BatchOptions.builder().batchId("catalogue").build()).result().get(60, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("ran before"), refused.getCause().getMessage());
        assertEquals(submittedFirst, sandbox.submitRequestCount(), "a batch that ran before is not run again unasked");
        BatchReport second = client.async().batch(items, options).result().get(60, TimeUnit.SECONDS);
        assertEquals(Map.of(Kind.COMPLETED, 12), second.counts(), notCompleted(second));
        assertTrue(
            second.outcomes().stream().allMatch(o -> o.file().filter(Files::exists).isPresent()),
            "each outcome names its video, those of the first run too: " + second.outcomes());
      }
      assertEquals(12, sandbox.submitCount(), "the first run's " + submittedFirst + " jobs were awaited, not submitted again");
      assertEquals(12, sandbox.submitRequestCount());
      assertEquals(12, videos());
    }
  }
}
