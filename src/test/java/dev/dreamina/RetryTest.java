package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.AuthenticationException;
import dev.dreamina.errors.BadRequestException;
import dev.dreamina.errors.InsufficientBalanceException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which calls retry, how long they wait, and that a paid submit is never repeated once it may have
 * reached the server. Time is fake: every backoff is recorded, none is slept.
 */
class RetryTest extends ApiTest {
  /** Backoffs with jitter fixed at 0: 500 ms and 1 s, scaled by 0.75. */
  private static final List<Duration> TWO_BACKOFFS =
      List.of(Duration.ofMillis(375), Duration.ofMillis(750));

  private static MockResponse reset() {
    return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void readsRetryTransientStatusesWithExponentialBackoff(int status) {
    server.enqueue(json(status, "{}"));
    server.enqueue(json(status, "{}"));
    server.enqueue(json(TestServer.statusJson("in_progress")));

    assertEquals(Status.IN_PROGRESS, client.status(ID).status());
    assertEquals(3, server.getRequestCount());
    assertEquals(TWO_BACKOFFS, time.sleeps());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 402, 403, 404, 409, 422, 501})
  void readsDoNotRetryDefiniteErrors(int status) {
    server.enqueue(json(status, "{}"));
    assertThrows(ApiException.class, () -> client.result(ID));
    assertEquals(1, server.getRequestCount());
    assertEquals(List.of(), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void readsRetryAConnectionResetAndCancelDoesToo(Mode mode) {
    server.enqueue(reset());
    server.enqueue(json(TestServer.statusJson("in_queue")));
    assertEquals(Status.IN_QUEUE, mode.of(client).status(ID).status());

    server.enqueue(reset());
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}"));
    assertEquals(CancelOutcome.CANCELLED, mode.of(client).cancel(ID).outcome());
    assertEquals(4, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void http200WithInternalErrorCodeIsRetriedOnReads(Mode mode) {
    server.enqueue(json("{\"error_code\":500001,\"error_message\":\"Internal\"}"));
    server.enqueue(json(TestServer.statusJson("in_queue")));
    assertEquals(Status.IN_QUEUE, mode.of(client).status(ID).status());
    assertEquals(2, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retriesRunOutAfterMaxRetries(Mode mode) {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{\"error_code\":500001}"));
    }
    ServerException e = assertThrows(ServerException.class, () -> mode.of(client).status(ID));
    assertEquals(503, e.statusCode());
    assertEquals(3, server.getRequestCount());
    assertEquals(TWO_BACKOFFS, time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void maxRetriesZeroMeansOneAttempt(Mode mode) {
    try (DreaminaClient once = TestServer.clientFor(server, time).maxRetries(0).build()) {
      server.enqueue(json(503, "{}"));
      assertThrows(ServerException.class, () -> mode.of(once).status(ID));
      assertEquals(1, server.getRequestCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterSecondsIsHonoured(Mode mode) {
    server.enqueue(new MockResponse(429, Headers.of("Retry-After", "3"), "{}"));
    server.enqueue(json(TestServer.statusJson("in_queue")));
    mode.of(client).status(ID);
    assertEquals(List.of(Duration.ofSeconds(3)), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterHttpDateIsHonoured(Mode mode) {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            FakeTime.START.plusSeconds(12).atOffset(ZoneOffset.UTC));
    server.enqueue(new MockResponse(503, Headers.of("Retry-After", date), "{}"));
    server.enqueue(json(TestServer.statusJson("in_queue")));
    mode.of(client).status(ID);
    assertEquals(List.of(Duration.ofSeconds(12)), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterOverTheCapFailsAtOnceWithRateLimitException(Mode mode) {
    server.enqueue(new MockResponse(429, Headers.of("Retry-After", "61"), "{}"));
    RateLimitException e = assertThrows(RateLimitException.class, () -> mode.of(client).status(ID));
    assertEquals(Optional.of(Duration.ofSeconds(61)), e.retryAfter());
    assertEquals(1, server.getRequestCount());
    assertEquals(List.of(), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterCapIsConfigurable(Mode mode) {
    try (DreaminaClient patient =
        TestServer.clientFor(server, time).maxRetryAfter(Duration.ofMinutes(5)).build()) {
      server.enqueue(new MockResponse(429, Headers.of("Retry-After", "61"), "{}"));
      server.enqueue(json(TestServer.statusJson("in_queue")));
      mode.of(patient).status(ID);
      assertEquals(List.of(Duration.ofSeconds(61)), time.sleeps());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitIsRetriedAfter429WithTheSameBody(Mode mode) throws Exception {
    server.enqueue(new MockResponse(429, Headers.of("Retry-After", "2"), "{}"));
    server.enqueue(json(TestServer.submissionJson()));

    assertEquals(ID, mode.of(client).submit(TestServer.request()).requestId());
    String first = take(server).getBody().utf8();
    String second = take(server).getBody().utf8();
    assertEquals(first, second);
    assertEquals(List.of(Duration.ofSeconds(2)), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitRateLimitedPastRetriesIsARateLimitException(Mode mode) {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(429, "{}"));
    }
    assertThrows(RateLimitException.class, () -> mode.of(client).submit(TestServer.request()));
    assertEquals(3, server.getRequestCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 500, 502, 503, 504})
  void submitIsNeverRetriedOnATimeoutOrServerError(int status) {
    server.enqueue(json(status, "{\"error_code\":500001}"));
    server.enqueue(json(TestServer.submissionJson()));

    SubmissionUnknownException e =
        assertThrows(SubmissionUnknownException.class, () -> client.submit(TestServer.request()));
    ApiException cause = assertInstanceOf(ApiException.class, e.getCause());
    assertEquals(status, cause.statusCode());
    assertTrue(e.getMessage().contains("Check your RunComfy requests"), e.getMessage());
    assertEquals(1, server.getRequestCount());
    assertEquals(List.of(), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitIsNotRetriedAfterAResetOnceTheBodyWasSent(Mode mode) throws Exception {
    server.enqueue(reset());
    server.enqueue(json(TestServer.submissionJson()));

    SubmissionUnknownException e =
        assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(TestServer.request()));
    assertInstanceOf(NetworkException.class, e.getCause());
    // The server did receive the whole body: that is what makes the outcome unknown.
    assertTrue(take(server).getBody().utf8().contains("\"prompt\""));
    assertEquals(1, server.getRequestCount());
    assertEquals(List.of(), time.sleeps());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitReadTimeoutIsAnUnknownOutcome(Mode mode) {
    try (DreaminaClient impatient =
        TestServer.clientFor(server, time).requestTimeout(Duration.ofMillis(300)).build()) {
      server.enqueue(
          new MockResponse.Builder()
              .headersDelay(5, TimeUnit.SECONDS)
              .body(TestServer.submissionJson())
              .build());
      SubmissionUnknownException e =
          assertThrows(
              SubmissionUnknownException.class, () -> mode.of(impatient).submit(TestServer.request()));
      assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
      assertEquals(1, server.getRequestCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitIsRetriedWhenTheConnectionWasNeverMade(Mode mode) throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/").toString();
    closed.close();
    try (DreaminaClient refused =
        DreaminaClient.builder()
            .apiToken(TestServer.TOKEN)
            .baseUrl(url)
            .timeSource(time)
            .jitter(() -> 0.0)
            .build()) {
      NetworkException e =
          assertThrows(NetworkException.class, () -> mode.of(refused).submit(TestServer.request()));
      assertTrue(e.getMessage().startsWith("POST /v1/models/"), e.getMessage());
      // Three attempts: the first and two retries, none of which reached a server.
      assertEquals(TWO_BACKOFFS, time.sleeps());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitUnreadable2xxIsAnUnknownOutcome(Mode mode) {
    server.enqueue(json("{\"status\":\"queued\"}"));
    SubmissionUnknownException e =
        assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(TestServer.request()));
    assertInstanceOf(InvalidResponseException.class, e.getCause());

    server.enqueue(new MockResponse(201, Headers.of(), "<html>ok</html>"));
    assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(TestServer.request()));
    assertEquals(2, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void submitDefiniteRejectionsAreThrownAsThemselves(Mode mode) {
    server.enqueue(json(200, "{\"error_code\":400002,\"error_message\":\"No balance\"}"));
    assertThrows(InsufficientBalanceException.class, () -> mode.of(client).submit(TestServer.request()));
    server.enqueue(json(422, "{\"error_code\":422001,\"detail\":\"bad\"}"));
    assertThrows(BadRequestException.class, () -> mode.of(client).submit(TestServer.request()));
    server.enqueue(json(401, "{\"error_code\":401001}"));
    assertThrows(AuthenticationException.class, () -> mode.of(client).submit(TestServer.request()));
    assertEquals(3, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void redirectsAreNotFollowed(Mode mode) throws Exception {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start();
      server.enqueue(
          new MockResponse(
              302, Headers.of("Location", elsewhere.url("/steal").toString()), ""));
      ApiException e = assertThrows(ApiException.class, () -> mode.of(client).status(ID));
      assertEquals(302, e.statusCode());
      assertEquals(0, elsewhere.getRequestCount());
    }
  }
}
