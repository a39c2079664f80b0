package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.MAPPER;
import static dev.dreamina.TestServer.assertApiHeaders;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidResponseException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The exact request of each call, and the parsing of each documented answer. */
class DreaminaClientTest extends ApiTest {
  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitPostsTheInputSchemaToTheModelPath(Mode mode) throws Exception {
    server.enqueue(json(TestServer.submissionJson()));

    Submission submission = mode.of(client).submit(TestServer.request());

    RecordedRequest recorded = take(server);
    assertEquals("POST", recorded.getMethod());
    assertEquals(
        "/v1/models/bytedance/dreamina-3-0/pro/image-to-video", recorded.getUrl().encodedPath());
    assertApiHeaders(recorded);
    assertEquals("application/json", recorded.getHeaders().get("Content-Type"));
    assertEquals(
        MAPPER.readTree(
            "{\"prompt\":\"A slow tracking shot down a sunlit street\","
                + "\"image_urls\":[\"https://example.com/street.jpg\"],\"frames\":241,\"seed\":42}"),
        TestServer.body(recorded));
    // Field order as on the page's schema.
    assertEquals(
        "{\"prompt\":\"A slow tracking shot down a sunlit street\","
            + "\"image_urls\":[\"https://example.com/street.jpg\"],\"frames\":241,\"seed\":42}",
        recorded.getBody().utf8());

    assertEquals(ID, submission.requestId());
    assertEquals(
        Optional.of(URI.create("https://model-api.runcomfy.net/v1/requests/" + ID + "/status")),
        submission.statusUrl());
    assertEquals(
        Optional.of(URI.create("https://model-api.runcomfy.net/v1/requests/" + ID + "/result")),
        submission.resultUrl());
    assertEquals(
        Optional.of(URI.create("https://model-api.runcomfy.net/v1/requests/" + ID + "/cancel")),
        submission.cancelUrl());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitLeavesUnsetOptionalFieldsOut(Mode mode) throws Exception {
    server.enqueue(json(TestServer.submissionJson()));
    mode.of(client).submit(
        ImageToVideoRequest.builder()
            .prompt("p \"quoted\" ✨")
            .imageUrl("https://example.com/a.png")
            .build());
    assertEquals(
        "{\"prompt\":\"p \\\"quoted\\\" ✨\",\"image_urls\":[\"https://example.com/a.png\"]}",
        take(server).getBody().utf8());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submissionKeepsUnknownFields(Mode mode) {
    server.enqueue(json("{\"request_id\":\"" + ID + "\",\"eta\":12,\"extra\":{\"a\":[1,null]}}"));
    Submission submission = mode.of(client).submit(TestServer.request());
    assertEquals(Optional.empty(), submission.statusUrl());
    assertEquals(12, submission.additionalProperties().get("eta"));
    assertEquals(
        Map.of("a", java.util.Arrays.asList(1, null)),
        submission.additionalProperties().get("extra"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void statusGetsTheStatusPathAndReadsQueuePosition(Mode mode) throws Exception {
    server.enqueue(
        json(
            "{\"request_id\":\""
                + ID
                + "\",\"status\":\"in_queue\",\"queue_position\":3,"
                + "\"status_url\":\"https://x.runcomfy.net/s\",\"new_field\":true}"));

    RequestStatus status = mode.of(client).status(ID);

    RecordedRequest recorded = take(server);
    assertEquals("GET", recorded.getMethod());
    assertEquals("/v1/requests/" + ID + "/status", recorded.getUrl().encodedPath());
    assertApiHeaders(recorded);
    assertEquals(0L, recorded.getBodySize());
    assertEquals(Status.IN_QUEUE, status.status());
    assertEquals("in_queue", status.rawStatus());
    assertEquals(OptionalInt.of(3), status.queuePosition());
    assertEquals(Optional.of(URI.create("https://x.runcomfy.net/s")), status.statusUrl());
    assertEquals(Map.of("new_field", true), status.additionalProperties());
    assertEquals("in_queue (position 3)", status.describe());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "in_queue:IN_QUEUE",
        "in_progress:IN_PROGRESS",
        "completed:COMPLETED",
        "succeeded:COMPLETED",
        "cancelled:CANCELLED",
        "canceled:CANCELLED",
        "failed:FAILED",
        "warming_up:UNKNOWN",
        "COMPLETED:COMPLETED"
      })
  void statusValuesMapOpenly(String pair) {
    String[] parts = pair.split(":");
    server.enqueue(json(TestServer.statusJson(parts[0])));
    RequestStatus status = client.status(ID);
    assertEquals(Status.valueOf(parts[1]), status.status());
    assertEquals(parts[0], status.rawStatus());
    assertEquals(OptionalInt.empty(), status.queuePosition());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void resultReadsEveryDocumentedField(Mode mode) throws Exception {
    server.enqueue(
        json(
            "{\"request_id\":\""
                + ID
                + "\",\"status\":\"completed\",\"output\":{"
                + "\"image\":\"https://cdn.runcomfy.net/i.png\","
                + "\"video\":\"https://cdn.runcomfy.net/v.mp4\","
                + "\"images\":[\"https://cdn.runcomfy.net/i1.png\"],"
                + "\"videos\":[\"https://cdn.runcomfy.net/v1.mp4\"],\"fps\":24},"
                + "\"created_at\":\"2026-11-24T10:00:00Z\",\"finished_at\":\"2026-11-24T10:01:30.5+00:00\","
                + "\"model_id\":\"bytedance/dreamina-3-0/pro/image-to-video\",\"cost\":0.5}"));

    RequestResult result = mode.of(client).result(ID);

    RecordedRequest recorded = take(server);
    assertEquals("GET", recorded.getMethod());
    assertEquals("/v1/requests/" + ID + "/result", recorded.getUrl().encodedPath());
    assertApiHeaders(recorded);
    assertEquals(Status.COMPLETED, result.status());
    Output output = result.output().orElseThrow();
    assertEquals(Optional.of(URI.create("https://cdn.runcomfy.net/i.png")), output.image());
    assertEquals(Optional.of(URI.create("https://cdn.runcomfy.net/v.mp4")), output.video());
    assertEquals(List.of(URI.create("https://cdn.runcomfy.net/i1.png")), output.images());
    assertEquals(List.of(URI.create("https://cdn.runcomfy.net/v1.mp4")), output.videos());
    assertEquals(Map.of("fps", 24), output.additionalProperties());
    assertEquals(Optional.of(URI.create("https://cdn.runcomfy.net/v.mp4")), result.videoUrl());
    assertEquals(Optional.of(Instant.parse("2026-11-24T10:00:00Z")), result.createdAt());
    assertEquals(Optional.of(Instant.parse("2026-11-24T10:01:30.5Z")), result.finishedAt());
    assertEquals(Optional.of("bytedance/dreamina-3-0/pro/image-to-video"), result.modelId());
    assertEquals(Optional.empty(), result.error());
    assertEquals(Optional.of(new java.math.BigDecimal("0.5")), result.cost());
    assertEquals("include_cost=true", recorded.getUrl().query());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void resultVideoFallsBackToTheSingleItemOfVideos(Mode mode) {
    server.enqueue(
        json(
            "{\"request_id\":\"" + ID + "\",\"status\":\"succeeded\","
                + "\"output\":{\"videos\":[\"https://cdn.runcomfy.com/only.mp4\"]},"
                + "\"created_at\":1764000000}"));
    RequestResult result = mode.of(client).result(ID);
    assertEquals(Status.COMPLETED, result.status());
    assertEquals(Optional.of(URI.create("https://cdn.runcomfy.com/only.mp4")), result.videoUrl());
    assertEquals(Optional.of(Instant.ofEpochSecond(1764000000)), result.createdAt());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unfinishedResultCarriesOnlyTheStatus(Mode mode) {
    server.enqueue(json(TestServer.statusJson("in_progress")));
    RequestResult result = mode.of(client).result(ID);
    assertEquals(Status.IN_PROGRESS, result.status());
    assertEquals(Optional.empty(), result.output());
    assertEquals(Optional.empty(), result.videoUrl());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void failedResultKeepsAStringOrObjectError(Mode mode) {
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"failed\",\"error\":\"NSFW input\"}"));
    assertEquals(Optional.of("NSFW input"), mode.of(client).result(ID).error());

    server.enqueue(
        json(
            "{\"request_id\":\"" + ID + "\",\"status\":\"failed\","
                + "\"error\":{\"code\":\"E1\",\"message\":\"bad image\"}}"));
    assertEquals(
        Optional.of("{\"code\":\"E1\",\"message\":\"bad image\"}"), mode.of(client).result(ID).error());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unreadableTimestampsAreLeftOutNotFatal(Mode mode) {
    server.enqueue(
        json(
            "{\"request_id\":\"" + ID + "\",\"status\":\"completed\","
                + "\"created_at\":\"yesterday\",\"finished_at\":\"2026-11-24T10:00:00\"}"));
    RequestResult result = mode.of(client).result(ID);
    assertEquals(Optional.empty(), result.createdAt());
    assertEquals(Optional.of(Instant.parse("2026-11-24T10:00:00Z")), result.finishedAt());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelPostsToTheCancelPathAndReadsTheOutcome(Mode mode) throws Exception {
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}"));

    CancelResult result = mode.of(client).cancel(ID);

    RecordedRequest recorded = take(server);
    assertEquals("POST", recorded.getMethod());
    assertEquals("/v1/requests/" + ID + "/cancel", recorded.getUrl().encodedPath());
    assertApiHeaders(recorded);
    assertEquals(0L, recorded.getBodySize());
    assertEquals(CancelOutcome.CANCELLED, result.outcome());
    assertEquals(Status.CANCELLED, result.status());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void notCancellableIsANormalAnswer(Mode mode) {
    server.enqueue(
        json(
            "{\"request_id\":\"" + ID + "\",\"status\":\"in_progress\","
                + "\"outcome\":\"not_cancellable\"}"));
    CancelResult result = mode.of(client).cancel(ID);
    assertEquals(CancelOutcome.NOT_CANCELLABLE, result.outcome());
    assertEquals(Status.IN_PROGRESS, result.status());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unknownCancelOutcomeKeepsTheRawValue(Mode mode) {
    server.enqueue(json("{\"request_id\":\"" + ID + "\",\"outcome\":\"pending_cancel\"}"));
    CancelResult result = mode.of(client).cancel(ID);
    assertEquals(CancelOutcome.UNKNOWN, result.outcome());
    assertEquals("pending_cancel", result.rawOutcome());
    assertEquals(Status.UNKNOWN, result.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "../admin",
        "a/b",
        "%2e%2e",
        "abc?x=1",
        "abc#frag",
        "has space",
        "ümlaut",
        "a.b"
      })
  void malformedRequestIdsAreRefusedBeforeAnyRequest(String id) {
    assertThrows(IllegalArgumentException.class, () -> client.status(id));
    assertThrows(IllegalArgumentException.class, () -> client.result(id));
    assertThrows(IllegalArgumentException.class, () -> client.cancel(id));
    assertThrows(IllegalArgumentException.class, () -> client.awaitResult(id));
    assertEquals(0, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void requestIdLengthLimitIs128(Mode mode) {
    assertThrows(IllegalArgumentException.class, () -> mode.of(client).status("a".repeat(129)));
    assertThrows(NullPointerException.class, () -> mode.of(client).status(null)); // at once, in both views
    assertEquals(0, server.getRequestCount());
    String longest = "a".repeat(128);
    server.enqueue(json("{\"request_id\":\"" + longest + "\",\"status\":\"in_queue\"}"));
    assertEquals(longest, mode.of(client).status(longest).requestId());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void answerAboutAnotherRequestIsInvalid(Mode mode) {
    server.enqueue(json("{\"request_id\":\"someone_else\",\"status\":\"completed\"}"));
    InvalidResponseException e = assertThrows(InvalidResponseException.class, () -> mode.of(client).status(ID));
    assertEquals(Optional.of(ID), e.requestId());
    assertTrue(e.getMessage().contains("someone_else"), e.getMessage());
  }

  @Test
  void clientToStringNamesTheBaseUrlOnly() {
    assertEquals(
        "DreaminaClient{baseUrl=" + server.url("/") + ", maxRetries=2, preflightImages=false}", client.toString());
    assertFalse(client.toString().contains(TestServer.TOKEN));
  }
}
