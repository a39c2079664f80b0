package dev.dreamina;

import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.submissionJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.BadRequestException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JobHeldException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client and its journal: what is recorded when, and the crash-and-resume story. */
class JournalClientTest {
  @TempDir Path dir;

  private static ImageToVideoRequest request() {
    return TestServer.request();
  }

  /** A journal in memory that also logs each write, next to the server's own log. */
  static final class LoggingJournal implements SubmissionJournal {
    final List<String> events;
    private final List<JournalEntry> entries = new ArrayList<>();

    LoggingJournal(List<String> events) {
      this.events = events;
    }

    @Override
    public synchronized void record(JournalEntry entry) {
      events.add("journal " + entry.state() + entry.requestId().map(id -> " " + id).orElse(""));
      entries.removeIf(e -> e.localId().equals(entry.localId()));
      entries.add(entry);
    }

    @Override
    public synchronized List<JournalEntry> entries() {
      return List.copyOf(entries);
    }
  }

  @Test
  void theIntentIsRecordedBeforeTheSubmitLeavesAndTheIdAfter() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              events.add("server " + request.getMethod());
              return json(submissionJson());
            }
          });
      server.start();
      DreaminaClient client =
          TestServer.clientFor(server, new FakeTime()).journal(new LoggingJournal(events)).build();

      client.submit(request());

      assertEquals(List.of("journal INTENT", "server POST", "journal SUBMITTED " + TestServer.ID), events);
      client.close();
    }
  }

  @Test
  void anAsyncSubmitWhoseFutureIsCancelledIsStillJournaledWithItsId() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(json(submissionJson()).newBuilder().headersDelay(200, TimeUnit.MILLISECONDS).build());
      server.start();
      DreaminaClient client =
          TestServer.clientFor(server, new FakeTime()).journal(new LoggingJournal(events)).build();

      client.async().submit(request()).cancel(true);
      TestServer.take(server);
      String submitted = "journal SUBMITTED " + TestServer.ID;
      for (int i = 0; i < 500 && !events.contains(submitted); i++) {
        Thread.sleep(10); // waiting for the answer, not for a backoff
      }

      assertEquals(List.of("journal INTENT", submitted), events);
      client.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anUnwritableJournalMeansNoSubmit(Mode mode) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("sub/journal.json"));
      Files.writeString(dir.resolve("sub"), "a file where the journal's directory should be");
      DreaminaClient client = TestServer.clientFor(server, new FakeTime()).journal(journal).build();

      JournalException e = assertThrows(JournalException.class, () -> mode.of(client).submit(request()));
      assertThrows(JournalException.class, () -> mode.of(client).generate(request()));

      assertTrue(e.getMessage().startsWith("Not submitted: the journal cannot record the job"), e.getMessage());
      assertEquals(0, server.getRequestCount(), "no submit may be sent");
      client.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void outcomesAreRecordedAndOnlyOpenOnesArePending(Mode mode) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
      DreaminaClient client = TestServer.clientFor(server, new FakeTime()).journal(journal).build();
      server.enqueue(json(500, "{\"error_code\":500001,\"error_message\":\"boom\"}"));
      server.enqueue(json(422, "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"bad\"}]}"));

      assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(request()));
      assertThrows(BadRequestException.class, () -> mode.of(client).submit(request()));

      List<JournalEntry> entries = FileSubmissionJournal.open(journal.file()).entries();
      assertEquals(List.of(State.UNKNOWN, State.NOT_SUBMITTED), entries.stream().map(JournalEntry::state).collect(Collectors.toList()));
      assertTrue(entries.get(0).detail().orElseThrow().contains("HTTP 500"), entries.get(0).toString());
      List<JournalEntry> pending = client.pending();
      assertEquals(List.of(State.UNKNOWN), pending.stream().map(JournalEntry::state).collect(Collectors.toList()));

      client.dismiss(pending.get(0).localId());

      assertEquals(List.of(), client.pending());
      assertFalse(Files.readString(journal.file(), StandardCharsets.UTF_8).contains(TestServer.TOKEN));
      client.close();
    }
  }

  @Test
  void closingAClientGivesUpTheLeasesOfTheJobsItWaitsForSoThatAnotherTakesThemAtOnce() throws Exception {
    Path file = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(600)).start()) {
      DreaminaClient first = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(file)).build();
      java.util.concurrent.CompletableFuture<RequestResult> waiting =
          first.async().generateAndDownload(request(), dir.resolve("first.mp4"));
      JournalEntry entry = null;
      for (int i = 0; i < 500 && (entry == null || entry.state() != State.SUBMITTED); i++) {
        List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();
        entry = entries.isEmpty() ? null : entries.get(0);
        Thread.sleep(10); // until the job is submitted and its wait holds the lease, not a backoff
      }
      String localId = entry.localId();
      assertTrue(FileSubmissionJournal.open(file).lease(localId).isPresent(), "held by the waiting client");

      first.close();

      assertEquals(Optional.empty(), FileSubmissionJournal.open(file).lease(localId), "given up at close, not left to run out");
      try (DreaminaClient second = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(file)).build()) {
        RequestResult done = second.resume(entry.requestId().orElseThrow(), AwaitOptions.defaults(), false);
        assertEquals(Status.COMPLETED, done.status());
      }
      assertTrue(Files.size(dir.resolve("first.mp4")) > 10_000, "downloaded by the second client, to the journaled target");
      waiting.cancel(true); // the closed client's wait: it lost the job, and downloads nothing
      long fetches = sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count();
      assertEquals(1, fetches, "the video was fetched once, by the client that took the job over");
      assertEquals(State.DOWNLOADED, FileSubmissionJournal.open(file).entries().get(0).state());
    }
  }

  /**
   * Another instance takes the lease of a job this client waits for, and this client does not
   * notice before the job ends (no renewal fell in between): its writes are refused, since only the
   * holder writes an entry, and it does not download the video.
   */
  @Test
  void aClientWhoseLeaseWasTakenUnseenWritesNothingAndDownloadsNothing() throws Exception {
    Path file = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(800)).start();
        LogRecords log = LogRecords.on("dev.dreamina");
        DreaminaClient first =
            SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(file)).journalLease(Duration.ofMinutes(10)).build()) {
      CompletableFuture<RequestResult> waiting = first.async().generateAndDownload(request(), dir.resolve("first.mp4"));
      JournalEntry entry = null;
      for (int i = 0; i < 500 && (entry == null || entry.state() != State.SUBMITTED); i++) {
        List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();
        entry = entries.isEmpty() ? null : entries.get(0);
        Thread.sleep(10); // until the job is submitted and its wait holds the lease, not a backoff
      }
      FileSubmissionJournal other = FileSubmissionJournal.open(file);
      JournalLease held = other.lease(entry.localId()).orElseThrow();
      Instant now = Instant.now();
      assertTrue(other.takeOver(entry.localId(), "machine-b/99", held, now, now.plus(Duration.ofMinutes(10))));

      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
      JobHeldException lost = assertInstanceOf(JobHeldException.class, e.getCause());
      assertEquals("machine-b/99", lost.lease().owner());
      assertFalse(Files.exists(dir.resolve("first.mp4")), "not downloaded");
      assertEquals(0, sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count());
      assertEquals(entry, FileSubmissionJournal.open(file).entries().get(0), "its entry as the new holder left it");
      assertEquals("machine-b/99", FileSubmissionJournal.open(file).lease(entry.localId()).orElseThrow().owner());
      String notRecorded = "Did not record COMPLETED for request " + entry.requestId().orElseThrow();
      assertTrue(
          log.messages().stream().anyMatch(m -> m.startsWith(notRecorded)),
          log.messages().toString());
    }
  }

  @Test
  void closingAClientGivesUpThePlainSubmitsAndInterruptedWaitsLeasesSoThatANewClientResumesAtOnce() throws Exception {
    Path file = dir.resolve("journal.json");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(300)).start()) {
      DreaminaClient first = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(file)).journalLease(Duration.ofMinutes(10)).build();
      Submission submitted = first.submit(request(), dir.resolve("submitted.mp4"));
      String plain = FileSubmissionJournal.open(file).entries().get(0).localId();
      assertTrue(FileSubmissionJournal.open(file).lease(plain).isPresent(), "a plain submit keeps its lease, unrenewed");

      Thread app = new Thread(() -> assertThrows(CallInterruptedException.class, () -> first.generateAndDownload(request(), dir.resolve("interrupted.mp4"))));
      app.start();
      for (int i = 0; FileSubmissionJournal.open(file).entries().stream().filter(e -> e.state() == State.SUBMITTED).count() < 2; i++) {
        assertTrue(i < 1000, "the second submit was never journaled");
        Thread.sleep(10); // until the second job is submitted and waited for, not a backoff
      }
      app.interrupt();
      app.join();
      String interruptedRequest =
          FileSubmissionJournal.open(file).entries().stream()
              .filter(e -> e.target().orElseThrow().endsWith("interrupted.mp4")).findFirst().orElseThrow().requestId().orElseThrow();

      first.close(); // an app's clean shutdown

      FileSubmissionJournal after = FileSubmissionJournal.open(file);
      assertTrue(after.entries().stream().allMatch(e -> after.lease(e.localId()).isEmpty()), "every lease given up at close");
      try (DreaminaClient second = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(file)).build()) {
        assertEquals(Status.COMPLETED, second.resume(submitted.requestId()).status()); // no JobHeldException: at once
        assertEquals(Status.COMPLETED, second.resume(interruptedRequest).status());
      }
      assertTrue(Files.size(dir.resolve("submitted.mp4")) > 10_000);
      assertTrue(Files.size(dir.resolve("interrupted.mp4")) > 10_000);
      assertEquals(2, sandbox.submitCount(), "paid once each");
    }
  }

  /** A job journaled as submitted, its lease held by {@code owner} for ten minutes. */
  private static String leasedTo(RunComfySandbox sandbox, FileSubmissionJournal journal, Path target, String owner) {
    Submission submitted;
    try (DreaminaClient plain = SandboxClients.builderFor(sandbox).build()) {
      submitted = plain.submit(request());
    }
    Instant now = Instant.now();
    JournalEntry entry =
        new JournalEntry(
            java.util.UUID.randomUUID().toString(), dev.dreamina.internal.flow.JournalRecorder.account(sandbox.apiToken()),
            Optional.of(submitted.requestId()), State.SUBMITTED, request(), Optional.of(target), Optional.empty(), now, now);
    journal.recordLeased(entry, owner, now.plus(Duration.ofMinutes(10)));
    return submitted.requestId();
  }

  /** An owner id as this process's clients make them, for process {@code pid} on host {@code host}. */
  private static String ownerLike(String host, long pid) {
    String[] mine = dev.dreamina.internal.LeaseOwners.newId().split("/");
    assertEquals(4, mine.length, "an owner id with where it lives, on this Linux machine: " + String.join("/", mine));
    return host + "/" + pid + "/" + mine[2] + "/" + mine[3];
  }

  @Test
  void aJobHeldByAProcessOfThisMachineThatNoLongerRunsIsTakenAtOnceAndOneOfAnotherHostIsWaitedOut() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertEquals(0, gone.waitFor());
    String thisHost = dev.dreamina.internal.LeaseOwners.newId().split("/")[0];
    String dead = ownerLike(thisHost, gone.pid());
    String elsewhere = ownerLike("another-host", ProcessHandle.current().pid());
    try (LogRecords sdk = LogRecords.on("dev.dreamina");
        RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
      String orphan = leasedTo(sandbox, journal, dir.resolve("orphan.mp4"), dead);
      String remote = leasedTo(sandbox, journal, dir.resolve("remote.mp4"), elsewhere);
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal).build()) {
        assertEquals(Status.COMPLETED, client.resume(orphan).status(), "the dead process's job, taken at once");
        JobHeldException held = assertThrows(JobHeldException.class, () -> client.resume(remote));
        assertEquals(elsewhere, held.lease().owner());
        assertTrue(held.getMessage().contains(elsewhere + " until ") && held.getMessage().contains("(on another machine, which cannot be checked from here)"), held.getMessage());
        assertFalse(held.getMessage().contains("working on it"), held.getMessage());

        RecoveryReport report = client.recover();
        assertEquals(1, report.items().size(), report.toString());
        assertEquals(RecoveryReport.Outcome.HELD, report.items().get(0).outcome());
        assertEquals(Optional.of(remote), report.items().get(0).entry().requestId());
      }
      assertTrue(Files.size(dir.resolve("orphan.mp4")) > 10_000);
      assertFalse(Files.exists(dir.resolve("remote.mp4")));
      assertTrue(
          sdk.messages().stream().anyMatch(w -> w.contains("at once from process " + gone.pid() + " on this machine") && w.contains("which no longer runs")),
          sdk.messages().toString());
    }
  }

  @Test
  void aJobHeldByALiveProcessOfThisMachineSaysSoAndIsLeftToIt() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
      String[] mine = dev.dreamina.internal.LeaseOwners.newId().split("/");
      String[] machine = mine[3].split("\\.");
      long started = sleeper.info().startInstant().orElseThrow().toEpochMilli();
      String alive = mine[0] + "/" + sleeper.pid() + "/abcdef/" + machine[0] + "." + machine[1] + "." + started;
      String wrongStart = mine[0] + "/" + sleeper.pid() + "/abcdef/" + machine[0] + "." + machine[1] + "." + (started - 5000);
      String held = leasedTo(sandbox, journal, dir.resolve("held.mp4"), alive);
      String reused = leasedTo(sandbox, journal, dir.resolve("reused.mp4"), wrongStart);
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal).build()) {
        JobHeldException e = assertThrows(JobHeldException.class, () -> client.resume(held));
        assertTrue(e.getMessage().contains("held by process " + sleeper.pid() + " on this machine (" + alive + "), still running, until "), e.getMessage());
        assertEquals(Status.COMPLETED, client.resume(reused).status(), "the same process id, started at another time: the holder is gone");
      }
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void terminalStatesAndDownloadsAreRecorded() {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal).build()) {
        sandbox.failNextJob("content policy");
        assertThrows(GenerationFailedException.class, () -> client.generate(request()));
        client.generateAndDownload(request(), dir.resolve("ok.mp4"));

        List<JournalEntry> entries = journal.entries();
        assertEquals(State.FAILED, entries.get(0).state());
        assertEquals(Optional.of("content policy"), entries.get(0).detail());
        assertEquals(State.DOWNLOADED, entries.get(1).state());
        assertEquals(Optional.of(dir.resolve("ok.mp4").toAbsolutePath()), entries.get(1).target());
        assertEquals(List.of(), client.pending());
      }
    }
  }

  @Test
  void submitsFromManyThreadsAreAllRecorded() throws Exception {
    try (RunComfySandbox sandbox = RunComfySandbox.start()) {
      FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal.json"));
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal).build()) {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Submission>> submits = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          submits.add(pool.submit(() -> client.submit(request())));
        }
        List<String> ids = new ArrayList<>();
        for (Future<Submission> submit : submits) {
          ids.add(submit.get(1, TimeUnit.MINUTES).requestId());
        }
        pool.shutdown();

        List<JournalEntry> entries = FileSubmissionJournal.open(journal.file()).entries();
        assertEquals(200, entries.size());
        assertTrue(entries.stream().allMatch(e -> e.state() == State.SUBMITTED));
        assertEquals(
            ids.stream().sorted().collect(Collectors.toList()),
            entries.stream().map(e -> e.requestId().orElseThrow()).sorted().collect(Collectors.toList()));
        assertEquals(200, sandbox.submitCount());
      }
    }
  }

  @Test
  void afterACrashANewClientFindsTheJobAndResumesItWithoutPayingTwice() throws Exception {
    Path journalFile = dir.resolve("journal.json");
    Path video = dir.resolve("out/street.mp4");
    try (RunComfySandbox sandbox =
        RunComfySandbox.builder().queueTime(Duration.ofMillis(500)).runTime(Duration.ofMillis(500)).start()) {
      // The first process: it submits, starts waiting, and dies.
      DreaminaClient first = SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journalFile)).build();
      java.util.concurrent.atomic.AtomicReference<Throwable> unexpected = new java.util.concurrent.atomic.AtomicReference<>();
      Thread app = new Thread(() -> {
        try {
          first.generateAndDownload(request(), video);
        } catch (CallInterruptedException dying) {
          // the crash
        } catch (Throwable t) {
          unexpected.set(t);
        }
      });
      app.start();
      for (int i = 0; FileSubmissionJournal.open(journalFile).entries().stream().noneMatch(e -> e.state() == State.SUBMITTED); i++) {
        assertTrue(i < 1000 && unexpected.get() == null, () -> "the submit was never journaled: " + unexpected.get());
        Thread.sleep(10); // waiting for the submit to be journaled, not for a backoff
      }
      app.interrupt();
      app.join(); // the crash: the first client is never closed while the second works
      assertFalse(Files.exists(video));

      // The next process: a new client on the same journal file.
      try (DreaminaClient second =
          SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(journalFile)).build()) {
        List<JournalEntry> pending = second.pending();
        assertEquals(1, pending.size());
        assertEquals(State.SUBMITTED, pending.get(0).state());
        assertEquals(Optional.of(video.toAbsolutePath()), pending.get(0).target());

        String requestId = pending.get(0).requestId().orElseThrow();
        JobHeldException held = assertThrows(JobHeldException.class, () -> second.resume(requestId));
        assertEquals(Optional.of(requestId), held.requestId());
        assertEquals(pending.get(0).localId(), held.localId());
        assertTrue(held.lease().until().isAfter(Instant.now()), "the dead process's lease runs yet: " + held.lease());
        assertFalse(Files.exists(video), "nothing done while it is held");

        RequestResult done = second.resume(requestId, second.awaitOptions(), true); // that process is gone

        assertEquals(Status.COMPLETED, done.status());
        byte[] mp4 = Files.readAllBytes(video);
        assertEquals("ftyp", new String(mp4, 4, 4, StandardCharsets.US_ASCII), "an MP4 at the recorded target");
        assertEquals(List.of(), second.pending());
        assertEquals(State.DOWNLOADED, FileSubmissionJournal.open(journalFile).entries().get(0).state());
      }
      first.close();
      assertEquals(1, sandbox.submitCount(), "paid once");
      assertEquals(1, sandbox.submitRequestCount());
    }
  }
}
