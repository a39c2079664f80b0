package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.internal.flow.JournalRecorder;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.RecoveryReport.Item;
import dev.dreamina.journal.RecoveryReport.Outcome;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link DreaminaClient#recover()} on one journal, blocking and async. */
class RecoveryTest {
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final AwaitOptions QUICK =
      AwaitOptions.builder().pollInterval(Duration.ofMillis(20)).maxPollInterval(Duration.ofMillis(100)).build();

  @TempDir Path dir;

  /** The blocking call, or the async one joined. */
  enum How {
    BLOCKING(DreaminaClient::recover),
    ASYNC(client -> client.async().recover().orTimeout(30, TimeUnit.SECONDS).join());

    final Function<DreaminaClient, RecoveryReport> recover;

    How(Function<DreaminaClient, RecoveryReport> recover) {
      this.recover = recover;
    }
  }

  private static DreaminaClientBuilder instance(RunComfySandbox sandbox, SubmissionJournal journal, String name, OffsetTime time) {
    return SandboxClients.builderFor(sandbox).journal(journal).instanceId(name).journalLease(LEASE).awaitOptions(QUICK).timeSource(time);
  }

  private static JournalEntry entry(String localId, String account, State state, Path target) {
    Instant at = Instant.now().minusSeconds(3600);
    return new JournalEntry(
        localId, account, Optional.empty(), state, TestServer.request(), Optional.of(target), Optional.empty(), at, at);
  }

  @ParameterizedTest
  @EnumSource(How.class)
  void everyKindOfUnfinishedJobIsFinishedOrReportedAndNothingIsSubmitted(How how) throws Exception {
    SubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
    OffsetTime time = new OffsetTime();
    try (RunComfySandbox sandbox =
        RunComfySandbox.builder().queueTime(Duration.ofMillis(20)).runTime(Duration.ofMillis(50)).start()) {
      String account = JournalRecorder.account(sandbox.apiToken());
      Path video = dir.resolve("video.mp4");
      Path failedVideo = dir.resolve("failed.mp4");
      Path nowhere = dir.resolve("not-on-this-machine").resolve("v.mp4");
      String withTarget;
      String withoutTarget;
      String failing;
      String missingFolder;
      // X dies, its leases held: a dead instance is never closed (closing gives its leases up)
      DreaminaClient x = instance(sandbox, journal, "X", time).build();
      withTarget = x.submit(TestServer.request(), video).requestId();
      withoutTarget = x.submit(TestServer.request()).requestId();
      sandbox.failNextJob("out of GPUs");
      failing = x.submit(TestServer.request(), failedVideo).requestId();
      missingFolder = x.submit(TestServer.request(), nowhere).requestId();
      journal.record(entry("crashed-mid-submit", account, State.INTENT, dir.resolve("i.mp4")));
      journal.record(entry("unknown-outcome", account, State.UNKNOWN, dir.resolve("u.mp4")));
      journal.record(entry("another-account", "ffffffffffffffff", State.UNKNOWN, dir.resolve("o.mp4")));

      try (DreaminaClient y = instance(sandbox, journal, "Y", time).build()) {
        Map<String, Outcome> early = outcomes(how.recover.apply(y));
        assertEquals(
            Map.of(
                withTarget, Outcome.HELD,
                withoutTarget, Outcome.HELD,
                failing, Outcome.HELD,
                missingFolder, Outcome.HELD,
                "crashed-mid-submit", Outcome.NEEDS_A_PERSON,
                "unknown-outcome", Outcome.NEEDS_A_PERSON),
            early,
            "X's leases are live; the entries without a request id have none");

        time.advance(LEASE);
        RecoveryReport report = how.recover.apply(y);
        assertEquals(
            Map.of(
                withTarget, Outcome.FINISHED,
                withoutTarget, Outcome.FINISHED,
                failing, Outcome.FINISHED,
                missingFolder, Outcome.TARGET_MISSING,
                "crashed-mid-submit", Outcome.NEEDS_A_PERSON,
                "unknown-outcome", Outcome.NEEDS_A_PERSON),
            outcomes(report));
        Map<String, State> states =
            report.items(Outcome.FINISHED).stream()
                .collect(Collectors.toMap(i -> i.entry().requestId().orElseThrow(), i -> i.entry().state()));
        assertEquals(Map.of(withTarget, State.DOWNLOADED, withoutTarget, State.COMPLETED, failing, State.FAILED), states);
        assertTrue(Files.size(video) > 10_000, "downloaded to the recorded target");
        assertFalse(Files.exists(failedVideo));

        Item missing = report.items(Outcome.TARGET_MISSING).get(0);
        assertTrue(missing.detail().orElseThrow().contains(missingFolder), missing.detail().orElseThrow());
        assertTrue(missing.detail().orElseThrow().contains(nowhere.getParent().toString()));
        Item crashed = item(report, "crashed-mid-submit");
        assertTrue(crashed.detail().orElseThrow().contains("dismiss local id crashed-mid-submit"), crashed.detail().orElseThrow());

        assertEquals(4, sandbox.submitRequestCount(), "recovery submitted nothing");
        assertEquals(
            Map.of(missingFolder, Outcome.TARGET_MISSING, "crashed-mid-submit", Outcome.NEEDS_A_PERSON, "unknown-outcome", Outcome.NEEDS_A_PERSON),
            outcomes(how.recover.apply(y)),
            "the next pass finds only what needs a person or another machine");

        y.dismiss("crashed-mid-submit");
        y.dismiss("unknown-outcome");
        assertEquals(Map.of(missingFolder, Outcome.TARGET_MISSING), outcomes(how.recover.apply(y)));
        assertEquals(4, sandbox.submitRequestCount());
      } finally {
        x.close();
      }
    }
  }

  @Test
  void aJobThisClientIsWorkingOnIsLeftToItAndItsLeaseRenewed() throws Exception {
    LeaseLog journal = new LeaseLog(FileSubmissionJournal.open(dir.resolve("journal.json")));
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(20)).runTime(Duration.ofMillis(1500)).start();
        DreaminaClient client =
            SandboxClients.builderFor(sandbox).journal(journal).instanceId("W").journalLease(Duration.ofSeconds(1)).awaitOptions(QUICK).build()) {
      Path video = dir.resolve("v.mp4");
      CompletableFuture<RequestResult> job = client.async().generateAndDownload(TestServer.request(), video);
      while (client.pending().isEmpty() || client.pending().get(0).requestId().isEmpty()) {
        Thread.onSpinWait();
      }
      RecoveryReport report = client.recover();
      assertEquals(List.of(Outcome.HELD), report.items().stream().map(Item::outcome).toList(), report.toString());

      job.get(30, TimeUnit.SECONDS);
      assertTrue(Files.size(video) > 10_000);
      assertEquals(List.of(), client.pending());
      assertTrue(journal.claims().size() >= 2, "taken with the intent, renewed while waiting: " + journal.claims());
      assertEquals(1, sandbox.submitRequestCount());
    }
  }

  @Test
  void aJobThatCannotFinishInThisPassIsReportedAndItsLeaseGivenUp() throws Exception {
    SubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
    OffsetTime time = new OffsetTime();
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(20)).runTime(Duration.ofSeconds(30)).start();
        DreaminaClient y = instance(sandbox, journal, "Y", time).build();
        DreaminaClient z = instance(sandbox, journal, "Z", time).build()) {
      String requestId;
      try (DreaminaClient x = instance(sandbox, journal, "X", time).build()) {
        requestId = x.submit(TestServer.request()).requestId();
      }
      time.advance(LEASE);

      RecoveryReport report = y.recover(QUICK.toBuilder().timeout(Duration.ofMillis(200)).build());
      Item item = report.items().get(0);
      assertEquals(Outcome.NOT_FINISHED, item.outcome(), report.toString());
      assertEquals(Optional.of(requestId), item.entry().requestId());
      assertTrue(item.detail().orElseThrow().contains("AwaitTimeoutException"), item.detail().orElseThrow());

      RecoveryReport fromZ = z.recover(QUICK.toBuilder().timeout(Duration.ofMillis(200)).build());
      assertEquals(Outcome.NOT_FINISHED, fromZ.items().get(0).outcome(), "Y gave its lease up at once: " + fromZ);
    }
  }

  private static Map<String, Outcome> outcomes(RecoveryReport report) {
    return report.items().stream()
        .collect(Collectors.toMap(i -> i.entry().requestId().orElse(i.entry().localId()), Item::outcome));
  }

  private static Item item(RecoveryReport report, String localId) {
    return report.items().stream().filter(i -> i.entry().localId().equals(localId)).findFirst().orElseThrow();
  }
}
