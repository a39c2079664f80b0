package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.batch.BatchOutcome;
import dev.dreamina.batch.BatchOutcome.Kind;
import dev.dreamina.batch.BatchReport;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.flow.JournalRecorder;
import dev.dreamina.journal.JdbcJournals;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.RecoveryReport.Outcome;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances racing for the same jobs on one real PostgreSQL journal: waits longer than the lease,
 * resumes of a job another instance holds, and two instances resuming one batch at once.
 */
class LeaseContentionTest {
  private static final AwaitOptions QUICK =
      AwaitOptions.builder().pollInterval(Duration.ofMillis(20)).maxPollInterval(Duration.ofMillis(60)).build();

  @TempDir Path dir;

  private static SubmissionJournal postgres() {
    return postgres(TestPostgres.pooled(TestPostgres.get().newDatabase()));
  }

  private static SubmissionJournal postgres(DataSource database) {
    return JdbcSubmissionJournal.of(database).createTableIfMissing();
  }

  private static DreaminaClient instance(RunComfySandbox sandbox, SubmissionJournal journal, String name, Duration lease, TimeSource time) {
    return SandboxClients.builderFor(sandbox)
        .journal(journal)
        .instanceId(name)
        .journalLease(lease)
        .awaitOptions(QUICK)
        .timeSource(time)
        .build();
  }

  private static Map<String, Long> downloadsPerJob(RunComfySandbox sandbox) {
    return sandbox.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/files/"))
        .map(RecordedCall::path)
        .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
  }

  /**
   * As the CLI's {@code generate} does: a plain submit, then a wait four times as long as the
   * lease. Recovery passes on another instance run all through it and never take the job (the
   * next test: once the waiter dies, a pass takes it when the lease has run out).
   */
  @Test
  void aWaitLongerThanItsLeaseKeepsItsJobFromRecoveryElsewhere() throws Exception {
    SubmissionJournal journal = postgres();
    Duration lease = Duration.ofSeconds(1);
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofMillis(4000)).start();
        DreaminaClient waiter = instance(sandbox, journal, "waiter", lease, TimeSource.SYSTEM);
        DreaminaClient other = instance(sandbox, journal, "other", lease, TimeSource.SYSTEM)) {
      Path video = dir.resolve("long.mp4");
      Submission submission = waiter.submit(TestServer.request(), video);
      CompletableFuture<Path> generate =
          CompletableFuture.supplyAsync(() -> waiter.download(waiter.awaitResult(submission.requestId()), video));
      List<Outcome> seen = new ArrayList<>();
      while (!generate.isDone()) {
        for (RecoveryReport.Item item : other.recover(QUICK.toBuilder().timeout(Duration.ofMillis(100)).build()).items()) {
          seen.add(item.outcome());
          // Empty when the waiter let go between this pass's claim and its read of the lease.
          item.lease().ifPresent(l -> assertEquals("waiter", l.owner(), item.toString()));
        }
      }
      generate.get();
      assertTrue(seen.size() >= 5, "recovery passes ran through the wait: " + seen);
      assertEquals(Set.of(Outcome.HELD), Set.copyOf(seen), "never taken while its waiter lived");
      assertEquals(Map.of("/files/" + submission.requestId() + "/output.mp4", 1L), downloadsPerJob(sandbox));
      assertEquals(State.DOWNLOADED, journal.byRequestId(JournalRecorder.account(sandbox.apiToken()), submission.requestId()).orElseThrow().state());
      assertEquals(Optional.empty(), journal.lease(journal.entries().get(0).localId()), "given up when done");
    }
  }

  @Test
  void aJobWhoseWaiterDiedIsTakenOnceItsLeaseRanOut() throws Exception {
    DataSource database = TestPostgres.pooled(TestPostgres.get().newDatabase());
    SubmissionJournal journal = postgres(database);
    Duration lease = Duration.ofSeconds(60);
    OffsetTime later = new OffsetTime();
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(300)).start();
        DreaminaClient other = instance(sandbox, journal, "other", lease, later)) {
      Path video = dir.resolve("orphan.mp4");
      DreaminaClient waiter = instance(sandbox, journal, "waiter", lease, TimeSource.SYSTEM);
      Submission submission = waiter.submit(TestServer.request(), video);
      AtomicReference<Throwable> ended = new AtomicReference<>();
      Thread app = new Thread(() -> {
        try {
          waiter.awaitResult(submission.requestId(), QUICK.toBuilder().pollInterval(Duration.ofSeconds(30)).maxPollInterval(Duration.ofSeconds(30)).build());
        } catch (Throwable t) {
          ended.set(t);
        }
      });
      app.start();
      while (journal.lease(journal.entries().get(0).localId()).map(l -> !l.owner().equals("waiter")).orElse(true)) {
        Thread.onSpinWait();
      }
      app.interrupt(); // the waiter dies; its lease is neither renewed nor given up (nor closed: that gives it up)
      app.join();
      assertInstanceOf(CallInterruptedException.class, ended.get());

      assertEquals(List.of(Outcome.HELD), outcomes(other.recover()), "its lease still runs");
      later.advance(lease);
      JdbcJournals.ageLeases(database, lease); // the database's clock judges the leases
      RecoveryReport report = other.recover();
      assertEquals(List.of(Outcome.FINISHED), outcomes(report), report.toString());
      assertEquals(State.DOWNLOADED, report.items().get(0).entry().state());
      assertTrue(Files.size(video) > 10_000);
      assertEquals(1, sandbox.submitRequestCount());
      waiter.close();
    }
  }

  @Test
  void resumeLeavesAJobAnotherInstanceHoldsUnlessToldToTakeIt() throws Exception {
    SubmissionJournal journal = postgres();
    Duration lease = Duration.ofSeconds(60);
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(200)).start();
        DreaminaClient holder = instance(sandbox, journal, "holder", lease, TimeSource.SYSTEM);
        DreaminaClient resumer = instance(sandbox, journal, "resumer", lease, TimeSource.SYSTEM)) {
      Path video = dir.resolve("held.mp4");
      String requestId = holder.submit(TestServer.request(), video).requestId();

      JobHeldException blocking = org.junit.jupiter.api.Assertions.assertThrows(JobHeldException.class, () -> resumer.resume(requestId));
      assertEquals("holder", blocking.lease().owner());
      assertTrue(blocking.getMessage().contains("held by holder until"), blocking.getMessage());
      ExecutionException async =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> resumer.async().resume(requestId).get(30, TimeUnit.SECONDS));
      assertInstanceOf(JobHeldException.class, async.getCause());
      assertFalse(Files.exists(video), "nothing done while it is held");
      assertEquals(0, downloadsPerJob(sandbox).size());

      RequestResult done = resumer.async().resume(requestId, QUICK, true).get(30, TimeUnit.SECONDS);
      assertEquals(Status.COMPLETED, done.status());
      assertTrue(Files.size(video) > 10_000);
      assertEquals(State.DOWNLOADED, journal.entries().get(0).state());
      assertEquals(Optional.empty(), journal.lease(journal.entries().get(0).localId()));
      assertEquals(1, sandbox.submitRequestCount());
    }
  }

  /**
   * A batch's first run dies with its jobs submitted; two instances then resume it at the same
   * moment. Run many times: every paid job keeps its request id, and each video is fetched once.
   */
  @Test
  void twoInstancesResumingOneBatchAtOnceNeverFetchAVideoTwice() throws Exception {
    int rounds = 6;
    int size = 5;
    Duration lease = Duration.ofSeconds(60);
    SubmissionJournal journal = postgres();
    String account;
    try (RunComfySandbox sandbox =
        RunComfySandbox.builder().queueTime(Duration.ofMillis(200)).runTime(Duration.ofMillis(100)).runTimeSpread(Duration.ofMillis(200)).start()) {
      account = JournalRecorder.account(sandbox.apiToken());
      for (int round = 0; round < rounds; round++) {
        String batchId = "race-" + round;
        List<BatchItem> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          items.add(BatchItem.of("row-" + i, request(round, i), dir.resolve(batchId + "-" + i + ".mp4")));
        }
        int submitsBefore = sandbox.submitRequestCount();
        DreaminaClient first = instance(sandbox, journal, "first-" + round, lease, TimeSource.SYSTEM);
        first.async().batch(items, BatchOptions.builder().batchId(batchId).concurrency(size).build());
        while (journal.unfinished(account).stream().filter(e -> e.state() == State.SUBMITTED).count() < size) {
          Thread.onSpinWait();
        }
        Map<String, String> paid = new HashMap<>();
        journal.unfinished(account).forEach(e -> paid.put(e.localId(), e.requestId().orElseThrow()));
        first.close(); // dies with its jobs submitted

        try (DreaminaClient b = instance(sandbox, journal, "b-" + round, lease, TimeSource.SYSTEM);
            DreaminaClient c = instance(sandbox, journal, "c-" + round, lease, TimeSource.SYSTEM)) {
          BatchOptions resume = BatchOptions.builder().batchId(batchId).resume(true).concurrency(size).build();
          CountDownLatch go = new CountDownLatch(1);
          CompletableFuture<BatchReport> fromB = CompletableFuture.supplyAsync(() -> startWhen(go, b, items, resume));
          CompletableFuture<BatchReport> fromC = CompletableFuture.supplyAsync(() -> startWhen(go, c, items, resume));
          go.countDown();
          List<BatchReport> reports = List.of(fromB.get(60, TimeUnit.SECONDS), fromC.get(60, TimeUnit.SECONDS));

          for (int i = 0; i < size; i++) {
            String key = "row-" + i;
            List<Kind> kinds = reports.stream().map(r -> outcome(r, key).kind()).toList();
            assertTrue(Set.of(Kind.COMPLETED, Kind.HELD).containsAll(kinds), "round " + round + " " + key + ": " + reports);
            assertTrue(kinds.contains(Kind.COMPLETED), "round " + round + " " + key + ": someone finished it: " + reports);
          }
        }
        assertEquals(submitsBefore + size, sandbox.submitRequestCount(), "round " + round + ": only the first run paid");
        for (var job : paid.entrySet()) {
          JournalEntry entry = journal.entry(job.getKey()).orElseThrow();
          assertEquals(Optional.of(job.getValue()), entry.requestId(), "round " + round + ": the paid job keeps its request id");
          assertEquals(State.DOWNLOADED, entry.state());
          assertEquals(Optional.empty(), journal.lease(job.getKey()), "round " + round + ": no lease left on a finished row");
        }
      }
      Map<String, Long> downloads = downloadsPerJob(sandbox);
      assertEquals(rounds * size, downloads.size());
      assertTrue(downloads.values().stream().allMatch(n -> n == 1), "each video fetched once: " + downloads);
    }
  }

  private static BatchReport startWhen(CountDownLatch go, DreaminaClient client, List<BatchItem> items, BatchOptions options) {
    try {
      go.await();
      return client.async().batch(items, options).result().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static BatchOutcome outcome(BatchReport report, String key) {
    return report.outcomes().stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow();
  }

  private static List<Outcome> outcomes(RecoveryReport report) {
    return report.items().stream().map(RecoveryReport.Item::outcome).toList();
  }

  private static ImageToVideoRequest request(int round, int i) {
    return ImageToVideoRequest.builder()
        .prompt("race " + round + " job " + i)
        .imageUrl("https://example.com/" + i + ".png")
        .frames(121)
        .seed(i)
        .build();
  }
}
