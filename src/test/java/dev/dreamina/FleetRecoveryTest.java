package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.internal.TimeSource;
import dev.dreamina.journal.JdbcJournals;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.RecoveryReport.Outcome;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances share one PostgreSQL journal and one sandbox. A submits 50 jobs and dies; B and
 * C run recovery at once. Every lease event goes through a {@link LeaseLog} that orders them, so
 * the test can tell who held which job when.
 */
class FleetRecoveryTest {
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final int JOBS = 50;

  @TempDir Path dir;

  @Test
  void aDeadInstancesJobsAreFinishedExactlyOnceBySurvivorsOnlyAfterItsLeasesRanOut() throws Exception {
    DataSource database = TestPostgres.pooled(TestPostgres.get().newDatabase());
    JdbcSubmissionJournal table = JdbcSubmissionJournal.of(database).createTableIfMissing();
    LeaseLog log = new LeaseLog(table);
    // The instances' wall clock, moved forward by the test (with the database's leases) instead of
    // waiting for leases to run out.
    OffsetTime time = new OffsetTime();
    AwaitOptions quickPolls =
        AwaitOptions.builder().pollInterval(Duration.ofMillis(50)).maxPollInterval(Duration.ofMillis(200)).build();

    try (RunComfySandbox sandbox =
        RunComfySandbox.builder()
            .queueTime(Duration.ofMillis(100))
            .runTime(Duration.ofMillis(300))
            .runTimeSpread(Duration.ofMillis(400))
            .start()) {
      // A submits its jobs, each to be downloaded into the shared folder, then dies without
      // awaiting anything, its leases held (a dead instance is never closed: closing gives them up).
      DreaminaClient a = instance(sandbox, log, time, "A", quickPolls);
      List<CompletableFuture<Submission>> submits = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        submits.add(a.async().submit(request(i), dir.resolve("video-" + i + ".mp4")));
      }
      List<String> requestIds = new ArrayList<>();
      for (CompletableFuture<Submission> s : submits) {
        requestIds.add(s.get(30, TimeUnit.SECONDS).requestId());
      }
      Map<String, Instant> leaseOfA = log.untilByJob("A");
      assertEquals(JOBS, leaseOfA.size(), "A leased every job it submitted");

      try (DreaminaClient b = instance(sandbox, log, time, "B", quickPolls);
          DreaminaClient c = instance(sandbox, log, time, "C", quickPolls)) {
        // Before A's leases run out, B and C leave every job alone.
        List<RecoveryReport> early = bothAtOnce(b, c);
        for (RecoveryReport report : early) {
          assertEquals(JOBS, report.items(Outcome.HELD).size(), report.toString());
        }
        assertEquals(0, downloads(sandbox).size(), "nothing downloaded while A's leases were live");

        time.advance(LEASE.plusSeconds(1)); // the instances' clock, which the lease log reads
        JdbcJournals.ageLeases(database, LEASE.plusSeconds(1)); // and the database's, which judges the leases
        List<RecoveryReport> late = bothAtOnce(b, c);

        List<RecoveryReport.Item> finished =
            late.stream().flatMap(r -> r.items(Outcome.FINISHED).stream()).toList();
        assertEquals(JOBS, finished.size(), "each job finished once: " + late);
        assertTrue(finished.stream().allMatch(i -> i.entry().state() == JournalEntry.State.DOWNLOADED));
        assertEquals(
            requestIds.stream().sorted().toList(),
            finished.stream().map(i -> i.entry().requestId().orElseThrow()).sorted().toList());
        assertTrue(
            late.stream().flatMap(r -> r.items().stream()).allMatch(
                i -> i.outcome() == Outcome.FINISHED || i.outcome() == Outcome.HELD),
            late.toString());
        assertEquals(List.of(), b.pending());
        assertEquals(List.of(), bothAtOnce(b, c).stream().flatMap(r -> r.items().stream()).toList(), "nothing left");
      }

      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(JOBS, files.filter(p -> p.getFileName().toString().endsWith(".mp4")).count());
      }
      Map<String, Long> downloadsPerJob = downloads(sandbox).stream().collect(Collectors.groupingBy(p -> p, Collectors.counting()));
      assertEquals(JOBS, downloadsPerJob.size(), "every job's video fetched");
      assertTrue(downloadsPerJob.values().stream().allMatch(n -> n == 1), "each exactly once: " + downloadsPerJob);
      assertEquals(JOBS, sandbox.submitRequestCount(), "recovery never submits");

      log.assertNoJobHeldByTwoAtOnce();
      for (LeaseLog.Event taken : log.claims()) {
        if (!taken.owner().equals("A")) {
          assertFalse(
              taken.now().isBefore(leaseOfA.get(taken.localId())),
              taken + " was taken before A's lease ran out at " + leaseOfA.get(taken.localId()));
        }
      }
      assertTrue(log.claims().stream().anyMatch(e -> !e.owner().equals("A")), "survivors took jobs over");
      a.close(); // its leases are the survivors' now: it gives up nothing of theirs
    }
  }

  private static DreaminaClient instance(
      RunComfySandbox sandbox, SubmissionJournal journal, TimeSource time, String name, AwaitOptions options) {
    return SandboxClients.builderFor(sandbox)
        .journal(journal)
        .instanceId(name)
        .journalLease(LEASE)
        .awaitOptions(options)
        .timeSource(time)
        .build();
  }

  private static List<RecoveryReport> bothAtOnce(DreaminaClient b, DreaminaClient c) throws Exception {
    CompletableFuture<RecoveryReport> fromB = CompletableFuture.supplyAsync(b::recover);
    CompletableFuture<RecoveryReport> fromC = CompletableFuture.supplyAsync(c::recover);
    return List.of(fromB.get(60, TimeUnit.SECONDS), fromC.get(60, TimeUnit.SECONDS));
  }

  private static List<String> downloads(RunComfySandbox sandbox) {
    return sandbox.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/files/"))
        .map(RecordedCall::path)
        .toList();
  }

  private static ImageToVideoRequest request(int i) {
    return ImageToVideoRequest.builder()
        .prompt("fleet job " + i)
        .imageUrl("https://example.com/" + i + ".png")
        .frames(121)
        .seed(i)
        .build();
  }
}
