package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.completedResultJson;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.queuedJson;
import static dev.dreamina.TestServer.statusJson;
import static dev.dreamina.TestServer.submissionJson;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the async API has: cancellation, the callback executor, and waiting for many jobs on
 * few threads. (Requests, errors, retries and waits are pinned for both APIs by the {@link Mode}
 * tests.)
 */
class AsyncTest extends ApiTest {
  @Test
  void cancellingAnAwaitStopsItsPollingAtOnce() throws Exception {
    time.holdTasks();
    server.enqueue(json(queuedJson(3)));
    CompletableFuture<RequestResult> wait = client.async().awaitResult(ID);
    take(server);
    FutureTask<Void> nextPoll = time.nextHeld();
    assertNotNull(nextPoll, "the next poll is scheduled, not slept for");

    assertTrue(wait.cancel(true));
    nextPoll.run(); // the scheduler runs it now, unless the cancel reached it first: either way

    assertNull(server.takeRequest(200, TimeUnit.MILLISECONDS), "no request after cancel");
    assertEquals(1, server.getRequestCount());
    assertThrows(CancellationException.class, wait::join);
  }

  @Test
  void cancellingAnAwaitWithCancelOnAbortMakesOneRemoteCancel() throws Exception {
    time.holdTasks();
    server.enqueue(json(queuedJson(3)));
    server.enqueue(json(500, "{\"error_code\":500001}")); // one attempt only: not retried
    AwaitOptions options = AwaitOptions.builder().cancelOnAbort(true).build();
    CompletableFuture<RequestResult> wait = client.async().awaitResult(ID, options);
    take(server);
    time.nextHeld();

    wait.cancel(true);

    RecordedRequest cancel = take(server);
    assertEquals("POST", cancel.getMethod());
    assertEquals("/v1/requests/" + ID + "/cancel", cancel.getUrl().encodedPath());
    assertNull(server.takeRequest(200, TimeUnit.MILLISECONDS), "one cancel, no retry, no poll");
  }

  @Test
  void cancellingAnAwaitWithoutOptInLeavesTheJobAlone() throws Exception {
    time.holdTasks();
    server.enqueue(json(queuedJson(3)));
    CompletableFuture<RequestResult> wait = client.async().awaitResult(ID);
    take(server);
    time.nextHeld();

    wait.cancel(true);

    assertNull(server.takeRequest(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void futuresCompleteOnTheCallbackExecutor() throws Exception {
    BlockingQueue<Runnable> callbacks = new LinkedBlockingQueue<>();
    Executor held = callbacks::add;
    DreaminaClient withExecutor = TestServer.clientFor(server, time).callbackExecutor(held).build();
    server.enqueue(json(statusJson("in_progress")));
    AtomicReference<String> thread = new AtomicReference<>();

    CompletableFuture<RequestStatus> status = withExecutor.async().status(ID);
    CompletableFuture<Void> chained = status.thenAccept(s -> thread.set(Thread.currentThread().getName()));
    Runnable completion = callbacks.poll(5, TimeUnit.SECONDS);

    assertNotNull(completion, "the answer is handed to the callback executor");
    assertFalse(status.isDone(), "and not completed on an OkHttp thread");
    Thread callbackThread = new Thread(completion, "caller-callbacks");
    callbackThread.start();
    callbackThread.join();
    chained.get(5, TimeUnit.SECONDS);
    assertEquals("caller-callbacks", thread.get());
    assertEquals(Status.IN_PROGRESS, status.join().status());
  }

  @Test
  void aMalformedIdFailsTheFutureAndSendsNothing() {
    CompletableFuture<RequestStatus> status = client.async().status("../etc/passwd");

    ExecutionException e = assertThrows(ExecutionException.class, () -> status.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void aSubmitWhoseFutureIsCancelledStillRunsToItsAnswer() throws Exception {
    server.enqueue(
        new mockwebserver3.MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "application/json")
            .body(submissionJson())
            .headersDelay(300, TimeUnit.MILLISECONDS)
            .build());

    CompletableFuture<Submission> submit = client.async().submit(TestServer.request());
    take(server);
    submit.cancel(true);

    // The exchange was not aborted (aborting could lose a paid job): its answer was read, and the
    // job it created is reported with its request id. Nothing was sent again.
    assertTrue(submit.isCancelled());
    String warning = "submit was cancelled, but it had been sent and created request " + ID;
    for (int i = 0; i < 500 && SuiteLogCapture.lines().stream().noneMatch(l -> l.contains(warning)); i++) {
      Thread.sleep(10); // waiting for the answer to arrive, not for a backoff
    }
    assertTrue(SuiteLogCapture.lines().stream().anyMatch(l -> l.startsWith("WARNING") && l.contains(warning)));
    assertNull(server.takeRequest(100, TimeUnit.MILLISECONDS));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void generateAsyncSubmitsThenPollsThenCompletes() throws Exception {
    server.enqueue(json(submissionJson()));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(completedResultJson()));

    RequestResult done = client.async().generate(TestServer.request()).get(5, TimeUnit.SECONDS);

    assertEquals("https://cdn.runcomfy.net/out/v.mp4", done.videoUrl().orElseThrow().toString());
    assertEquals("POST", take(server).getMethod());
    assertEquals("/v1/requests/" + ID + "/status", take(server).getUrl().encodedPath());
    assertEquals("/v1/requests/" + ID + "/result", take(server).getUrl().encodedPath());
  }

  @Test
  void theAsyncViewIsTheSameClient() {
    assertSame(client, client.async().sync());
    assertSame(client.async(), client.async());
    assertThrows(NullPointerException.class, () -> client.async().generate(null));
    assertThrows(NullPointerException.class, () -> client.async().download((java.net.URI) null, Path.of("x"), null));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void downloadsRunOnTheClientsOwnBlockingThreadsNotTheCommonPool(@TempDir Path dir) throws Exception {
    server.enqueue(new MockResponse(200, Headers.of("Content-Type", "video/mp4"), "\0\0\0\u0018ftypmp42"));
    List<String> threads = new CopyOnWriteArrayList<>();
    Path target = dir.resolve("v.mp4");

    Path saved = Mode.join(client.async().download(server.url("/v.mp4").uri(), target,
        (bytes, total) -> threads.add(Thread.currentThread().getName())));

    assertEquals(target, saved);
    assertEquals(12, Files.size(target));
    assertFalse(threads.isEmpty());
    assertTrue(threads.stream().allMatch(name -> name.startsWith("dreamina-blocking-")), threads.toString());
    assertNull(take(server).getHeaders().get("Authorization"));
  }

  @Test
  void generateAndDownloadAndResumeHaveAsyncTwins(@TempDir Path dir) throws Exception {
    Path journalFile = dir.resolve("journal.json");
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(50)).start();
        DreaminaClient real =
            SandboxClients.builderFor(sandbox)
                .journal(FileSubmissionJournal.open(journalFile))
                .awaitOptions(AwaitOptions.builder().pollInterval(Duration.ofMillis(20)).build())
                .build()) {
      Path first = dir.resolve("first.mp4");
      RequestResult done = Mode.join(real.async().generateAndDownload(TestServer.request(), first));
      assertEquals(Status.COMPLETED, done.status());
      assertEquals("ftyp", new String(Files.readAllBytes(first), 4, 4, StandardCharsets.US_ASCII));
      assertEquals(List.of(), real.pending(), "submitted, completed and downloaded: nothing pending");

      // A job whose download was lost: resume() downloads it to the journaled target, async too.
      Path second = dir.resolve("second.mp4");
      String id = real.submit(TestServer.request(), second).requestId();
      RequestResult resumed = Mode.join(real.async().resume(id));
      assertEquals(id, resumed.requestId());
      assertTrue(Files.size(second) > 10_000);
      assertEquals(List.of(), real.pending());
      assertEquals(2, sandbox.submitCount(), "resume never submits");
    }
  }

  @Test
  void aThousandAwaitsShareABoundedNumberOfThreads() throws Exception {
    // Earlier tests' clients may leave idle OkHttp threads behind; count only the new ones.
    int before = sdkThreads();
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder()
                .queueTime(Duration.ofMillis(300))
                .runTime(Duration.ofMillis(300))
                .start();
        DreaminaClient real = SandboxClients.builderFor(sandbox).build()) {
      ImageToVideoRequest request = TestServer.request();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        ids.add(real.async().submit(request).join().requestId());
      }
      AwaitOptions fast =
          AwaitOptions.builder().pollInterval(Duration.ofMillis(100)).maxPollInterval(Duration.ofMillis(200)).build();
      AtomicInteger peak = new AtomicInteger();
      List<CompletableFuture<RequestResult>> waits = new ArrayList<>();
      for (String id : ids) {
        waits.add(real.async().awaitResult(id, fast));
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(waits.toArray(new CompletableFuture[0]));
      while (!all.isDone()) {
        peak.accumulateAndGet(sdkThreads() - before, Math::max);
        Thread.sleep(20); // sampling the thread count, not waiting for a backoff
      }
      all.get(60, TimeUnit.SECONDS);

      assertEquals(1000, waits.stream().filter(w -> w.join().status() == Status.COMPLETED).count());
      assertTrue(
          peak.get() <= 16,
          "new SDK threads (OkHttp, dreamina-scheduler) peaked at " + peak.get() + " for 1,000 waits");
      assertEquals(1000, sandbox.submitCount());
    }
  }

  /** Threads the SDK creates: OkHttp's dispatcher and task runner, and the shared scheduler. */
  static int sdkThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(name -> name.startsWith("OkHttp") || name.startsWith("dreamina-"))
            .count();
  }
}
