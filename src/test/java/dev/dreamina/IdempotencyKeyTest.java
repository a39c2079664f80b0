package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.IdempotencyKeyReusedException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.flow.JournalRecorder;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys ({@link CallOptions.Builder#idempotencyKey}): one key, one paid job, on every
 * instance that shares the journal and in every later run; a key's other request, or a first submit
 * whose outcome is unknown, refused with nothing sent.
 */
class IdempotencyKeyTest {
  private static final ImageToVideoRequest REQUEST =
      ImageToVideoRequest.builder().prompt("a lighthouse at dusk").imageUrl("https://example.com/l.png").frames(121).seed(7).build();

  @TempDir Path dir;

  private static DreaminaClient client(RunComfySandbox sandbox, SubmissionJournal journal) {
    return SandboxClients.builderFor(sandbox).journal(journal).build();
  }

  private static DreaminaClient keyed(DreaminaClient client, String key) {
    return client.withOptions(o -> o.idempotencyKey(key));
  }

  private static long fetches(RunComfySandbox sandbox) {
    return sandbox.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith("/files/")).count();
  }

  @Test
  void aKeyMakesOneJobAcrossCallsClientsAndRuns() throws Exception {
    Path file = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(200)).start()) {
      String first;
      try (DreaminaClient client = client(sandbox, FileSubmissionJournal.open(file))) {
        first = keyed(client, "order-8812").submit(REQUEST).requestId();
        assertEquals(first, keyed(client, "order-8812").submit(REQUEST).requestId(), "the same call again");
        assertEquals(first, keyed(client, "order-8812").async().submit(REQUEST).get(30, TimeUnit.SECONDS).requestId());
        RawResponse<Submission> raw = keyed(client, "order-8812").withRawResponse().submit(REQUEST);
        assertEquals(first, raw.value().requestId());
        assertEquals(Optional.of("true"), raw.header("Idempotent-Replayed"), "no exchange was made for it");
        assertEquals(1, sandbox.submitRequestCount());
      }
      try (DreaminaClient nextRun = client(sandbox, FileSubmissionJournal.open(file))) {
        Path video = dir.resolve("order-8812.mp4");
        RequestResult done = keyed(nextRun, "order-8812").generateAndDownload(REQUEST, video);
        assertEquals(first, done.requestId(), "a later run: the same job, waited for");
        assertTrue(Files.size(video) > 10_000);
        RequestResult again = keyed(nextRun, "order-8812").async().generateAndDownload(REQUEST, video).get(30, TimeUnit.SECONDS);
        assertEquals(first, again.requestId());
        assertEquals(1, fetches(sandbox), "the file was there: not fetched again");
        Files.delete(video);
        keyed(nextRun, "order-8812").generateAndDownload(REQUEST, video);
        assertEquals(2, fetches(sandbox), "a file gone is fetched again, from the same job");

        String other = keyed(nextRun, "order-8813").submit(REQUEST).requestId();
        assertFalse(other.equals(first), "another key, another job");
        assertEquals(2, sandbox.submitRequestCount());
        assertEquals(Optional.of("order-8812"), nextRun.journalEntry(first).orElseThrow().idempotencyKey());
      }
    }
  }

  @Test
  void theSameKeyWithAnotherRequestIsRefusedBeforeAnythingIsSent() {
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = client(sandbox, FileSubmissionJournal.open(dir.resolve("journal.json")))) {
      String first = keyed(client, "order-1").submit(REQUEST).requestId();
      sandbox.clearRequests();
      ImageToVideoRequest otherPrompt = REQUEST.toBuilder().prompt("a lighthouse at dawn").seed(8).build();

      IdempotencyKeyReusedException e =
          assertThrows(IdempotencyKeyReusedException.class, () -> keyed(client, "order-1").generate(otherPrompt));
      assertEquals("order-1", e.idempotencyKey());
      assertEquals(Optional.of(first), e.requestId());
      assertTrue(e.getMessage().contains("prompt, seed differ"), e.getMessage());
      assertEquals(List.of(), sandbox.requests(), "nothing sent");
    }
  }

  @Test
  void aKeyWhoseFirstSubmitHasAnUnknownOutcomeIsNeverSubmittedAgain() {
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
    try (RunComfySandbox sandbox = RunComfySandbox.start(); DreaminaClient client = client(sandbox, journal)) {
      sandbox.respondWithStatus(502, 1);
      assertThrows(SubmissionUnknownException.class, () -> keyed(client, "order-2").submit(REQUEST));
      assertEquals(1, sandbox.submitRequestCount());

      SubmissionUnknownException e = assertThrows(SubmissionUnknownException.class, () -> keyed(client, "order-2").generate(REQUEST));
      assertEquals(Optional.of("order-2"), e.idempotencyKey());
      String localId = e.localId().orElseThrow();
      assertTrue(e.getMessage().contains("idempotency key \"order-2\""), e.getMessage());
      assertTrue(e.getMessage().contains("dismiss journal entry " + localId), e.getMessage());
      assertEquals(1, sandbox.submitRequestCount(), "nothing sent");

      client.dismiss(localId); // checked on the dashboard: no job was made
      String requestId = keyed(client, "order-2").submit(REQUEST).requestId();
      assertEquals(2, sandbox.submitRequestCount());
      assertEquals(requestId, keyed(client, "order-2").submit(REQUEST).requestId());
    }
  }

  @Test
  void aKeyWhoseSubmitWasRefusedMayBeSubmittedAgainEvenWithAFixedRequest() {
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = client(sandbox, FileSubmissionJournal.open(dir.resolve("journal.json")))) {
      sandbox.respondWithStatus(400, 1);
      assertThrows(dev.dreamina.errors.BadRequestException.class, () -> keyed(client, "order-3").submit(REQUEST));
      ImageToVideoRequest fixed = REQUEST.toBuilder().prompt("a lighthouse, fixed").build();
      String id = keyed(client, "order-3").submit(fixed).requestId();
      assertEquals(id, keyed(client, "order-3").submit(fixed).requestId());
      assertEquals(2, sandbox.submitRequestCount());
    }
  }

  @Test
  void aKeyNeedsAJournalAndAFewSaneCharacters() {
    try (RunComfySandbox sandbox = RunComfySandbox.start(); DreaminaClient client = SandboxClients.builderFor(sandbox).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> keyed(client, "order-4"));
      assertTrue(e.getMessage().contains("needs a journal"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> keyed(client, ""));
      assertThrows(IllegalArgumentException.class, () -> keyed(client, "a\nb"));
      assertThrows(IllegalArgumentException.class, () -> keyed(client, "k".repeat(CallOptions.MAX_IDEMPOTENCY_KEY_LENGTH + 1)));
      assertEquals(0, sandbox.submitRequestCount());
    }
  }

  @Test
  void anIntentLeftByAnInstanceThatStoppedIsAnUnknownOutcome() {
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
    try (RunComfySandbox sandbox = RunComfySandbox.start(); DreaminaClient client = client(sandbox, journal)) {
      String account = JournalRecorder.account(sandbox.apiToken());
      String localId = JournalEntry.keyedLocalId(account, "order-5");
      Instant now = Instant.now();
      // A client that stopped (closed, or its lease was given up) between its intent and the answer.
      journal.record(
          new JournalEntry(localId, account, Optional.empty(), State.INTENT, REQUEST, Optional.empty(), Optional.empty(), now, now, Optional.of("order-5")));
      SubmissionUnknownException e = assertThrows(SubmissionUnknownException.class, () -> keyed(client, "order-5").submit(REQUEST));
      assertTrue(e.getMessage().contains("stopped before the submit's answer was recorded"), e.getMessage());
      assertEquals(0, sandbox.submitRequestCount());
    }
  }

  // ---- many instances, one key -------------------------------------------------------------------

  @Test
  void threeInstancesTimesEightThreadsOnOneKeyMakeOneJobOnH2() throws Exception {
    for (int round = 0; round < 5; round++) {
      String url = "jdbc:h2:mem:keys-" + round + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
      JdbcSubmissionJournal.of(TestPostgres.dataSource(url)).createTableIfMissing();
      race(() -> JdbcSubmissionJournal.of(TestPostgres.dataSource(url)), "h2 round " + round);
    }
  }

  @Test
  void threeInstancesTimesEightThreadsOnOneKeyMakeOneJobOnPostgres() throws Exception {
    for (int round = 0; round < 5; round++) {
      String url = TestPostgres.get().newDatabase();
      JdbcSubmissionJournal.of(TestPostgres.pooled(url)).createTableIfMissing();
      race(() -> JdbcSubmissionJournal.of(TestPostgres.pooled(url)), "postgres round " + round);
    }
  }

  @Test
  void threeInstancesTimesEightThreadsOnOneKeyMakeOneJobOnTheFileJournal() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path file = dir.resolve("journal-" + round + ".json");
      race(() -> FileSubmissionJournal.open(file), "file round " + round);
    }
  }

  /**
   * Three clients, each on a journal of its own over the same storage, eight threads each, 30
   * submits of one key between them, all let go at once: one submit reaches the API, and every
   * caller gets its request id.
   */
  private static void race(Supplier<SubmissionJournal> journals, String round) throws Exception {
    int instances = 3;
    int threads = 8;
    int calls = 30;
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(100)).start()) {
      List<DreaminaClient> clients = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        clients.add(SandboxClients.builderFor(sandbox).journal(journals.get()).build());
      }
      ExecutorService pool = Executors.newFixedThreadPool(instances * threads);
      try {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger left = new AtomicInteger(calls);
        List<Future<List<String>>> callers = new ArrayList<>();
        for (int t = 0; t < instances * threads; t++) {
          DreaminaClient view = keyed(clients.get(t % instances), "order-race");
          callers.add(pool.submit(() -> {
            go.await();
            List<String> ids = new ArrayList<>();
            while (left.getAndDecrement() > 0) {
              ids.add(view.submit(REQUEST).requestId());
            }
            return ids;
          }));
        }
        go.countDown();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        int answered = 0;
        for (Future<List<String>> caller : callers) {
          List<String> mine = caller.get(60, TimeUnit.SECONDS);
          ids.addAll(mine);
          answered += mine.size();
        }
        assertEquals(calls, answered, round);
        assertEquals(1, ids.size(), round + ": every caller got the same request id: " + ids);
        assertEquals(1, sandbox.submitRequestCount(), round + ": one submit reached the API");
        List<RecordedCall> submits = sandbox.requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertEquals(1, submits.size(), round);
      } finally {
        pool.shutdownNow();
        clients.forEach(DreaminaClient::close);
      }
    }
  }
}
