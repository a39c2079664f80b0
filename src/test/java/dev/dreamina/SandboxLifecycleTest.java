package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.AuthenticationException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.NotFoundException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real client's full lifecycle against the sandbox (dreamina-java-sandbox, a test dependency);
 * the sandbox's own wire-level tests are in its module, with the JDK's HttpURLConnection.
 */
class RunComfySandboxTest {
  private static final String SUBMIT_PATH = "/v1/models/bytedance/dreamina-3-0/pro/image-to-video";
  private static final AwaitOptions FAST =
      AwaitOptions.builder()
          .pollInterval(Duration.ofMillis(20))
          .maxPollInterval(Duration.ofMillis(50))
          .timeout(Duration.ofSeconds(20))
          .build();

  private RunComfySandbox sandbox;
  private DreaminaClient client;

  @BeforeEach
  void start() {
    sandbox =
        RunComfySandbox.builder()
            .queueTime(Duration.ofMillis(300))
            .runTime(Duration.ofMillis(200))
            .start();
    client = SandboxClients.builderFor(sandbox).maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    sandbox.close();
  }

  private static ImageToVideoRequest request() {
    return ImageToVideoRequest.builder()
        .prompt("a lighthouse at dusk")
        .imageUrl("https://example.com/lighthouse.png")
        .frames(121)
        .build();
  }

  @Test
  void wrongOrMissingTokenGets401WithAnErrorBody() throws Exception {
    try (DreaminaClient wrong = DreaminaClient.builder().apiToken("wrong").baseUrl(sandbox.baseUrl()).build()) {
      assertThrows(AuthenticationException.class, () -> wrong.submit(request()));
    }
    assertEquals(0, sandbox.submitCount());
  }

  @Test
  void unknownRequestIdGets404With404001() throws Exception {
    NotFoundException e = assertThrows(NotFoundException.class, () -> client.result("nope"));
    assertEquals(404001, e.errorCode().getAsInt());
  }

  @Test
  void jobMovesThroughQueueProgressAndCompletionThenServesARealMp4(@TempDir Path dir) throws Exception {
    List<RequestStatus> updates = new ArrayList<>();
    RequestResult done =
        client.generate(request(), FAST.toBuilder().onUpdate(updates::add).build());

    assertEquals(Status.COMPLETED, done.status());
    assertEquals(Status.IN_QUEUE, updates.get(0).status());
    assertTrue(updates.get(0).queuePosition().getAsInt() >= 1);
    assertTrue(updates.stream().anyMatch(s -> s.status() == Status.IN_PROGRESS), updates.toString());
    for (int i = 1; i < updates.size(); i++) {
      if (updates.get(i).status() == Status.IN_QUEUE) {
        assertTrue(updates.get(i).queuePosition().getAsInt() < updates.get(i - 1).queuePosition().getAsInt());
      }
    }
    assertTrue(done.createdAt().isPresent());
    assertTrue(done.finishedAt().isPresent());

    Path video = client.download(done.videoUrl().orElseThrow(), dir.resolve("out.mp4"));
    byte[] bytes = Files.readAllBytes(video);
    assertTrue(bytes.length > 10_000, "a real video, not a stub: " + bytes.length);
    assertArrayEquals("ftyp".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(bytes, 4, 8));
  }

  @Test
  void generateAndDownloadGivesTheMp4InOneCall(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("one-call.mp4");
    RequestResult done = client.generateAndDownload(request(), target, FAST);
    assertEquals(Status.COMPLETED, done.status());
    assertTrue(Files.size(target) > 10_000);
    assertFalse(
        sandbox.requests().stream()
            .filter(c -> c.path().startsWith("/files/"))
            .anyMatch(c -> c.header("Authorization").isPresent()),
        "the download must not carry the token");
  }

  /**
   * With answer variety, consecutive jobs answer in every shape RunComfy's clients accept, and
   * every one still generates, downloads and cancels as the canonical shape does.
   */
  @Test
  void answerVarietyGoesThroughEveryShapeAndEveryJobStillWorks(@TempDir Path dir) throws Exception {
    try (RunComfySandbox varied =
            RunComfySandbox.builder()
                .answerVariety(true)
                .queueTime(Duration.ofMillis(400))
                .runTime(Duration.ofMillis(300))
                .start();
        DreaminaClient c = SandboxClients.builderFor(varied).build()) {
      Set<String> words = ConcurrentHashMap.newKeySet();
      AwaitOptions watch = FAST.toBuilder().onUpdate(update -> words.add(update.rawStatus())).build();
      List<CompletableFuture<RequestResult>> jobs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        jobs.add(c.async().generate(request(), watch));
      }
      Set<String> videoTypes = new HashSet<>();
      OkHttpClient raw = new OkHttpClient();
      Set<String> resultWords = new HashSet<>();
      for (int i = 0; i < jobs.size(); i++) {
        RequestResult done = jobs.get(i).get(20, TimeUnit.SECONDS);
        assertEquals(Status.COMPLETED, done.status());
        resultWords.add(done.rawStatus());
        Path target = c.download(done.videoUrl().orElseThrow(), dir.resolve(i + ".mp4"));
        assertArrayEquals("ftyp".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(Files.readAllBytes(target), 4, 8));
        try (Response video = raw.newCall(new Request.Builder().url(done.videoUrl().orElseThrow().toString()).build()).execute()) {
          videoTypes.add(String.valueOf(video.header("Content-Type")));
        }
      }
      assertTrue(words.containsAll(Set.of("in_queue", "pending", "waiting", "in_progress", "processing", "starting")), words.toString());
      assertEquals(Set.of("completed", "succeeded"), resultWords);
      assertEquals(Set.of("video/mp4", "binary/octet-stream", "application/octet-stream", "null"), videoTypes);
      assertTrue(
          varied.requests().stream().anyMatch(call -> call.path().startsWith("/files/") && call.query().contains("%7C")),
          "some video URL needed percent-encoding");

      // Cancel answers without outcome mean the same as those with one.
      for (int i = 0; i < 2; i++) {
        String queued = c.submit(request()).requestId();
        assertEquals(CancelOutcome.CANCELLED, c.cancel(queued).outcome());
        assertEquals(Status.CANCELLED, c.status(queued).status());
      }
    }
  }

  @Test
  void cancelWhileQueuedCancelsTheJob() {
    Submission submission = client.submit(request());
    assertEquals(CancelOutcome.CANCELLED, client.cancel(submission.requestId()).outcome());
    assertEquals(Status.CANCELLED, client.status(submission.requestId()).status());
    GenerationFailedException e =
        assertThrows(GenerationFailedException.class, () -> client.awaitResult(submission.requestId(), FAST));
    assertEquals(Status.CANCELLED, e.status());
  }

  @Test
  void cancelOnceRunningIsNotCancellable() {
    try (RunComfySandbox noQueue = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofSeconds(30)).start();
        DreaminaClient c = SandboxClients.builderFor(noQueue).build()) {
      Submission submission = c.submit(request());
      assertEquals(CancelOutcome.NOT_CANCELLABLE, c.cancel(submission.requestId()).outcome());
      assertEquals(Status.IN_PROGRESS, c.status(submission.requestId()).status());
    }
  }

  @Test
  void failNextJobEndsItFailedWithTheError() {
    sandbox.failNextJob("Image must be at least 320 pixels");
    GenerationFailedException e =
        assertThrows(GenerationFailedException.class, () -> client.generate(request(), FAST));
    assertEquals(Status.FAILED, e.status());
    assertEquals(Optional.of("Image must be at least 320 pixels"), e.error());
    // Only the next job fails.
    assertEquals(Status.COMPLETED, client.generate(request(), FAST).status());
  }

  @Test
  void scriptedStatusesReachTheClientAsTheRightExceptions() {
    Submission submission = client.submit(request());
    String id = submission.requestId();
    sandbox.respondWithStatus(503, 1);
    ServerException server = assertThrows(ServerException.class, () -> client.status(id));
    assertEquals(503, server.statusCode());
    assertTrue(server.errorCode().isEmpty(), "RunComfy documents no error_code for a 503");

    sandbox.respondWithStatus(429, 1, Duration.ofSeconds(30));
    RateLimitException limited = assertThrows(RateLimitException.class, () -> client.result(id));
    assertEquals(Optional.of(Duration.ofSeconds(30)), limited.retryAfter());

    sandbox.respondWithStatus(500, 1);
    SubmissionUnknownException unknown = assertThrows(SubmissionUnknownException.class, () -> client.submit(request()));
    assertInstanceOf(ServerException.class, unknown.getCause());
    assertEquals(1, sandbox.submitCount());
  }

  @Test
  void scriptedFaultsAreRetriedByReadsWithTheirRetryAfter() {
    try (DreaminaClient retrying = SandboxClients.builderFor(sandbox).build()) {
      String id = retrying.submit(request()).requestId();
      sandbox.respondWithStatus(503, 2, Duration.ZERO);
      assertEquals(id, retrying.status(id).requestId());
      assertEquals(4, sandbox.requests().size()); // submit, two 503s, the answer
    }
  }

  @Test
  void droppedConnectionsAreResetsToTheClient() {
    sandbox.dropConnections(1);
    SubmissionUnknownException e = assertThrows(SubmissionUnknownException.class, () -> client.submit(request()));
    assertInstanceOf(NetworkException.class, e.getCause());
    assertEquals(0, sandbox.submitCount());
    assertEquals(1, sandbox.requests().size(), "the request did arrive");

    sandbox.dropConnections(1);
    assertThrows(NetworkException.class, () -> client.status("abc"));
  }

  @Test
  void slowDownMakesCallsTimeOut() {
    try (DreaminaClient impatient = SandboxClients.builderFor(sandbox).maxRetries(0).requestTimeout(Duration.ofMillis(100)).build()) {
      sandbox.slowDown(Duration.ofMillis(400));
      assertThrows(NetworkException.class, () -> impatient.status("abc"));
      sandbox.slowDown(Duration.ZERO);
      assertThrows(NotFoundException.class, () -> impatient.status("abc"));
    }
  }

  @Test
  void requestsAreRecordedForTestsToRead() {
    client.submit(request());
    RecordedCall call = sandbox.requests().get(0);
    assertEquals("POST", call.method());
    assertEquals(SUBMIT_PATH, call.path());
    assertEquals(
        "{\"prompt\":\"a lighthouse at dusk\",\"image_urls\":[\"https://example.com/lighthouse.png\"],\"frames\":121}",
        call.body());
    assertEquals(Optional.of("Bearer " + sandbox.apiToken()), call.header("authorization"));
    assertEquals(Optional.of("application/json"), call.header("Accept"));
    assertEquals("POST " + SUBMIT_PATH, call.toString());
    assertFalse(call.toString().contains(sandbox.apiToken()));
    sandbox.clearRequests();
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void runTimeSpreadGivesEachJobItsOwnDurationWithinTheBounds() {
    try (RunComfySandbox spread =
            RunComfySandbox.builder()
                .queueTime(Duration.ofMillis(100))
                .runTime(Duration.ofMillis(200))
                .runTimeSpread(Duration.ofSeconds(10))
                .start();
        DreaminaClient c = SandboxClients.builderFor(spread).build()) {
      List<Duration> durations = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        durations.add(spread.jobDuration(c.submit(request()).requestId()).orElseThrow());
      }

      for (Duration d : durations) {
        assertTrue(d.compareTo(Duration.ofMillis(300)) >= 0 && d.compareTo(Duration.ofMillis(10_300)) <= 0, d.toString());
      }
      assertTrue(durations.stream().distinct().count() > 10, "random: " + durations);
      assertEquals(Optional.empty(), spread.jobDuration("no-such-job"));
    }
  }

  @Test
  void randomFaultsAnswerStatusesAndDropReadsAtTheGivenRates() {
    sandbox.randomFaults(1.0, 503, 0.0, 1L);
    assertThrows(SubmissionUnknownException.class, () -> client.submit(request()));
    assertEquals(1, sandbox.submitRequestCount(), "the submit reached the sandbox");
    assertEquals(0, sandbox.submitCount(), "but created no job");

    sandbox.randomFaults(0.0, 503, 1.0, 1L);
    String id = client.submit(request()).requestId(); // a POST is never dropped
    assertThrows(NetworkException.class, () -> client.status(id));
    assertEquals(2, sandbox.submitRequestCount());

    sandbox.randomFaults(0, 503, 0, 1L);
    assertEquals(id, client.status(id).requestId());
    assertThrows(IllegalArgumentException.class, () -> sandbox.randomFaults(1.5, 503, 0, 1L));
  }
}
