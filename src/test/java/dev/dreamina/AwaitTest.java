package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.queuedJson;
import static dev.dreamina.TestServer.statusJson;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.AwaitTimeoutException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NotFoundException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.internal.http.Poller;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** awaitResult and generate, with fake time: every poll delay is recorded, none is slept. */
class AwaitTest extends ApiTest {
  private final List<RequestStatus> updates = new ArrayList<>();
  private AwaitOptions options;

  @BeforeEach
  void start() {
    options = AwaitOptions.builder().onUpdate(updates::add).build();
  }

  private List<String> paths() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    int count = server.getRequestCount();
    for (int i = 0; i < count; i++) {
      RecordedRequest r = take(server);
      paths.add(r.getMethod() + " " + r.getUrl().encodedPath());
    }
    return paths;
  }

  private static List<Duration> seconds(double... values) {
    List<Duration> list = new ArrayList<>();
    for (double v : values) {
      list.add(Duration.ofMillis((long) (v * 1000)));
    }
    return list;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void pollsStatusUntilCompletedThenFetchesTheResult(Mode mode) throws Exception {
    server.enqueue(json(queuedJson(2)));
    server.enqueue(json(queuedJson(1)));
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));

    RequestResult result = mode.of(client).awaitResult(ID, options);

    assertEquals(Optional.of(URI.create("https://cdn.runcomfy.net/out/v.mp4")), result.videoUrl());
    String status = "GET /v1/requests/" + ID + "/status";
    assertEquals(
        List.of(status, status, status, status, "GET /v1/requests/" + ID + "/result"), paths());
    assertEquals(seconds(2, 3, 4.5), time.sleeps());
    assertEquals(
        List.of("in_queue (position 2)", "in_queue (position 1)", "in_progress", "completed"),
        updates.stream().map(RequestStatus::describe).collect(Collectors.toList()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void onUpdateFiresOnlyOnChanges(Mode mode) {
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));
    mode.of(client).awaitResult(ID, options);
    assertEquals(2, updates.size());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void pollDelayGrowsByHalfUpToTheCap(Mode mode) {
    for (int i = 0; i < 7; i++) {
      server.enqueue(json(statusJson("in_progress")));
    }
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));
    mode.of(client).awaitResult(ID, options);
    assertEquals(seconds(2, 3, 4.5, 6.75, 10, 10, 10), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unknownStatusKeepsPolling(Mode mode) {
    server.enqueue(json(statusJson("warming_up")));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));
    assertEquals(Status.COMPLETED, mode.of(client).awaitResult(ID, options).status());
    assertEquals(Status.UNKNOWN, updates.get(0).status());
    assertEquals("warming_up", updates.get(0).rawStatus());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void completedStatusButUnfinishedResultKeepsPolling(Mode mode) {
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(statusJson("in_progress"))); // the result call, lagging behind
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));
    assertEquals(Status.COMPLETED, mode.of(client).awaitResult(ID, options).status());
    assertEquals(4, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void failedJobThrowsGenerationFailedWithTheServersError(Mode mode) {
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("failed")));
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"failed\",\"error\":\"image too small\"}"));

    GenerationFailedException e =
        assertThrows(GenerationFailedException.class, () -> mode.of(client).awaitResult(ID, options));
    assertEquals(Optional.of(ID), e.requestId());
    assertEquals(Status.FAILED, e.status());
    assertEquals(Optional.of("image too small"), e.error());
    assertEquals(Status.FAILED, e.result().orElseThrow().status());
    assertEquals("Request " + ID + " ended failed: image too small", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelledJobThrowsGenerationFailed(Mode mode) {
    server.enqueue(json(statusJson("canceled")));
    server.enqueue(json(statusJson("cancelled")));
    GenerationFailedException e =
        assertThrows(GenerationFailedException.class, () -> mode.of(client).awaitResult(ID, options));
    assertEquals(Status.CANCELLED, e.status());
    assertEquals(Optional.empty(), e.error());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void failedJobWhoseResultCannotBeReadStillReportsTheFailure(Mode mode) {
    server.enqueue(json(statusJson("failed")));
    server.enqueue(json(404, "{\"error_code\":404001}"));
    GenerationFailedException e =
        assertThrows(GenerationFailedException.class, () -> mode.of(client).awaitResult(ID, options));
    assertEquals(Status.FAILED, e.status());
    assertInstanceOf(NotFoundException.class, e.getSuppressed()[0]);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void deadlineThrowsAwaitTimeoutWithTheRequestIdAndLastStatus(Mode mode) {
    for (int i = 0; i < 10; i++) {
      server.enqueue(json(queuedJson(4)));
    }
    AwaitOptions shortWait = options.toBuilder().timeout(Duration.ofSeconds(10)).build();

    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).awaitResult(ID, shortWait));

    assertEquals(Optional.of(ID), e.requestId());
    assertEquals(Status.IN_QUEUE, e.lastStatus().orElseThrow().status());
    assertFalse(e.cancelAttempted());
    assertEquals(Optional.empty(), e.cancelOutcome());
    // 2 + 3 + 4.5, then the 0.5 s left, then one last poll at the deadline.
    assertEquals(seconds(2, 3, 4.5, 0.5), time.sleeps());
    assertEquals(5, server.getRequestCount());
    assertEquals(
        "Gave up waiting for request "
            + ID
            + " after PT10S (last status: in_queue (position 4)). The job may still be running;"
            + " resume with awaitResult(\""
            + ID
            + "\").",
        e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelOnTimeoutMakesOneCancelAndReportsItsOutcome(Mode mode) throws Exception {
    server.enqueue(json(queuedJson(9)));
    server.enqueue(json(queuedJson(9)));
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}"));
    AwaitOptions cancelling =
        options.toBuilder().timeout(Duration.ofSeconds(2)).cancelOnTimeout(true).build();

    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).awaitResult(ID, cancelling));

    assertTrue(e.cancelAttempted());
    assertEquals(Optional.of(CancelOutcome.CANCELLED), e.cancelOutcome());
    assertTrue(e.getMessage().endsWith("It was cancelled."), e.getMessage());
    List<String> paths = paths();
    assertEquals("POST /v1/requests/" + ID + "/cancel", paths.get(2));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelOnTimeoutThatFailsIsTriedOnceAndReported(Mode mode) {
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(503, "{}"));
    server.enqueue(json(503, "{}"));
    AwaitOptions cancelling =
        options.toBuilder().timeout(Duration.ofSeconds(2)).cancelOnTimeout(true).build();

    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).awaitResult(ID, cancelling));

    assertTrue(e.cancelAttempted());
    assertEquals(Optional.empty(), e.cancelOutcome());
    assertInstanceOf(ServerException.class, e.getSuppressed()[0]);
    assertTrue(e.getMessage().contains("the cancel call failed"), e.getMessage());
    assertEquals(3, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void transientFailuresNeverEndTheWaitEarly(Mode mode) {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{}")); // one poll's attempt and both its retries
    }
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));

    assertEquals(Status.COMPLETED, mode.of(client).awaitResult(ID, options).status());
    assertEquals(6, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void transientFailuresUntilTheDeadlineBecomeItsCause(Mode mode) {
    for (int i = 0; i < 40; i++) {
      server.enqueue(json(502, "{}"));
    }
    AwaitOptions shortWait = options.toBuilder().timeout(Duration.ofSeconds(6)).build();
    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).awaitResult(ID, shortWait));
    assertInstanceOf(ServerException.class, e.getCause());
    assertEquals(Optional.empty(), e.lastStatus());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void oneUnreadableStatusAnswerIsPolledThrough(Mode mode) throws Exception {
    server.enqueue(json(queuedJson(1)));
    server.enqueue(json("{\"request_id\":\"" + ID + "\"}")); // no status
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));

    RequestResult result = mode.of(client).awaitResult(ID, options);

    assertEquals(Status.COMPLETED, result.status());
    assertEquals(4, server.getRequestCount());
    assertEquals(seconds(2, 3), time.sleeps(), "the unreadable answer costs one ordinary poll delay");
    assertEquals(List.of("in_queue (position 1)", "completed"),
        updates.stream().map(RequestStatus::describe).collect(Collectors.toList()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unreadableStatusAnswersInARowEndTheWaitAfterTheCap(Mode mode) {
    assertEquals(5, Poller.MAX_UNREADABLE_IN_A_ROW);
    server.enqueue(json(statusJson("in_progress")));
    // Six unreadable answers of the kinds a flaky proxy or server gives: the sixth ends the wait.
    server.enqueue(json("{\"request_id\":\"" + ID + "\"}"));
    server.enqueue(json(""));
    server.enqueue(new MockResponse(200, Headers.of("Content-Type", "text/html"), "<html>busy</html>"));
    server.enqueue(json("{\"status\":null}"));
    server.enqueue(json("[]"));
    server.enqueue(json("{\"request_id\":\"" + ID + "\",\"status\":42}"));
    server.enqueue(json(statusJson("completed"))); // never reached

    InvalidResponseException e =
        assertThrows(InvalidResponseException.class, () -> mode.of(client).awaitResult(ID, options));

    assertEquals(Optional.of(ID), e.requestId());
    assertTrue(e.getMessage().contains("status should be a non-empty string, got number"), e.getMessage());
    assertEquals(7, server.getRequestCount(), "one readable poll, then exactly six unreadable ones");
    assertEquals(6, time.sleeps().size());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aReadableAnswerResetsTheUnreadableCount(Mode mode) {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < Poller.MAX_UNREADABLE_IN_A_ROW; i++) {
        server.enqueue(json(""));
      }
      server.enqueue(json(statusJson("in_progress")));
    }
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));

    assertEquals(Status.COMPLETED, mode.of(client).awaitResult(ID, options).status());
    assertEquals(2 * (Poller.MAX_UNREADABLE_IN_A_ROW + 1) + 2, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unreadableAnswersUntilTheDeadlineBecomeItsCause(Mode mode) {
    server.enqueue(json(statusJson("in_progress")));
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(""));
    }
    AwaitOptions shortWait = options.toBuilder().timeout(Duration.ofSeconds(8)).build();
    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).awaitResult(ID, shortWait));
    assertInstanceOf(InvalidResponseException.class, e.getCause());
    assertEquals("in_progress", e.lastStatus().orElseThrow().rawStatus());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aResultOfAnotherModelEndsTheWait(Mode mode) {
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json("{\"status\":\"completed\",\"model_id\":\"bytedance/seedance-2.5/image-to-video/1080p\","
        + "\"output\":{\"video\":\"https://cdn.runcomfy.net/other.mp4\"}}"));
    InvalidResponseException e =
        assertThrows(InvalidResponseException.class, () -> mode.of(client).awaitResult(ID, options));
    assertEquals(Optional.of(ID), e.requestId());
    assertTrue(e.getMessage().contains("bytedance/seedance-2.5/image-to-video/1080p"), e.getMessage());
    assertTrue(e.getMessage().contains(DreaminaClient.MODEL_ID), e.getMessage());
    assertTrue(e.getMessage().contains(ID), e.getMessage());
    assertEquals(2, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void definiteErrorsEndTheWaitAtOnce(Mode mode) {
    server.enqueue(json(404, "{\"error_code\":404001}"));
    NotFoundException e =
        assertThrows(NotFoundException.class, () -> mode.of(client).awaitResult(ID, options));
    assertEquals(Optional.of(ID), e.requestId());
    assertEquals(List.of(), time.sleeps());
  }

  @Test
  void interruptionEndsTheWaitAndRestoresTheFlag() {
    server.enqueue(json(queuedJson(3)));
    server.enqueue(json(queuedJson(2)));
    time.interruptOnSleep(1);
    try {
      CallInterruptedException e =
          assertThrows(CallInterruptedException.class, () -> client.awaitResult(ID, options));
      assertTrue(Thread.currentThread().isInterrupted());
      assertEquals(Optional.of(ID), e.requestId());
      assertTrue(e.getMessage().contains("resume with awaitResult(\"" + ID + "\")"), e.getMessage());
      assertTrue(e.getMessage().contains("in_queue (position 2)"), e.getMessage());
      assertEquals(2, server.getRequestCount());
    } finally {
      Thread.interrupted();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void generateSubmitsThenAwaitsAndReturnsTheVideo(Mode mode) throws Exception {
    server.enqueue(json(TestServer.submissionJson()));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));

    RequestResult result = mode.of(client).generate(TestServer.request(), options);

    assertEquals(URI.create("https://cdn.runcomfy.net/out/v.mp4"), result.videoUrl().orElseThrow());
    assertEquals(
        List.of(
            "POST /v1/models/bytedance/dreamina-3-0/pro/image-to-video",
            "GET /v1/requests/" + ID + "/status",
            "GET /v1/requests/" + ID + "/result"),
        paths());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void generateUsesTheClientsDefaultAwaitOptions(Mode mode) {
    try (DreaminaClient patient =
        TestServer.clientFor(server, time)
            .awaitOptions(AwaitOptions.builder().pollInterval(Duration.ofSeconds(7)).maxPollInterval(Duration.ofSeconds(7)).build())
            .build()) {
      server.enqueue(json(TestServer.submissionJson()));
      server.enqueue(json(statusJson("in_progress")));
      server.enqueue(json(statusJson("completed")));
      server.enqueue(json(TestServer.completedResultJson()));
      mode.of(patient).generate(TestServer.request());
      assertEquals(seconds(7), time.sleeps());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void generateOfACompletedJobWithoutVideoIsAnInvalidResponse(Mode mode) {
    server.enqueue(json(TestServer.submissionJson()));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"completed\",\"output\":{\"images\":[]}}"));
    InvalidResponseException e =
        assertThrows(InvalidResponseException.class, () -> mode.of(client).generate(TestServer.request(), options));
    assertEquals(Optional.of(ID), e.requestId());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void generateFailureCarriesTheRequestIdToResumeWith(Mode mode) {
    server.enqueue(json(TestServer.submissionJson()));
    for (int i = 0; i < 10; i++) {
      server.enqueue(json(statusJson("in_progress")));
    }
    AwaitOptions shortWait = options.toBuilder().timeout(Duration.ofSeconds(3)).build();
    AwaitTimeoutException e =
        assertThrows(AwaitTimeoutException.class, () -> mode.of(client).generate(TestServer.request(), shortWait));
    assertEquals(Optional.of(ID), e.requestId());
  }

  @Test
  void invalidAwaitOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> AwaitOptions.builder().timeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> AwaitOptions.builder().pollInterval(Duration.ofSeconds(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwaitOptions.builder().pollInterval(Duration.ofSeconds(5)).maxPollInterval(Duration.ofSeconds(4)).build());
    AwaitOptions defaults = AwaitOptions.defaults();
    assertEquals(Duration.ofSeconds(2), defaults.pollInterval());
    assertEquals(Duration.ofSeconds(10), defaults.maxPollInterval());
    assertEquals(Duration.ofMinutes(15), defaults.timeout());
    assertFalse(defaults.cancelOnTimeout());
    assertEquals(Optional.empty(), defaults.onUpdate());
  }
}
