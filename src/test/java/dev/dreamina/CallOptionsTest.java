package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DreaminaClient#withOptions}: a view whose API calls take their own timeout, retry count
 * and headers, on the client's connections; blocking and async alike. The parent never changes.
 */
class CallOptionsTest extends ApiTest {
  private static final String TRACE = "X-Trace-Id";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aViewsShorterTimeoutFiresWhereTheClientWaits(Mode mode) {
    DreaminaClient impatient = client.withOptions(o -> o.requestTimeout(Duration.ofMillis(100)).maxRetries(0));
    server.enqueue(late(TestServer.statusJson("in_queue")));
    assertThrows(NetworkException.class, () -> mode.of(impatient).status(ID));

    server.enqueue(late(TestServer.statusJson("in_queue")));
    assertEquals(Status.IN_QUEUE, mode.of(client).status(ID).status(), "the client's own 30 s");
    assertEquals(2, server.getRequestCount());
  }

  private static MockResponse late(String body) {
    return new MockResponse.Builder()
        .code(200)
        .headers(Headers.of("Content-Type", "application/json"))
        .body(body)
        .headersDelay(500, TimeUnit.MILLISECONDS)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void noRetriesOnAViewMakesOneRequestWhereTheClientMakesThree(Mode mode) {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{}"));
    }
    assertThrows(ServerException.class, () -> mode.of(client).result(ID));
    assertEquals(3, server.getRequestCount());

    server.enqueue(json(503, "{}"));
    assertThrows(ServerException.class, () -> mode.of(client.withOptions(o -> o.maxRetries(0))).result(ID));
    assertEquals(4, server.getRequestCount(), "one more request, not three");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aViewsRetriesNeverRepeatASubmitThatMayHaveBeenSent(Mode mode) {
    server.enqueue(json(503, "{}"));
    DreaminaClient persistent = client.withOptions(o -> o.maxRetries(5));
    assertThrows(SubmissionUnknownException.class, () -> mode.of(persistent).submit(TestServer.request()));
    assertEquals(1, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHeaderReachesTheServerOnThatViewsCallsOnly(Mode mode) throws Exception {
    Mode.Calls traced = mode.of(client.withOptions(o -> o.header(TRACE, "trace-1").header("X-Route", "eu")));
    server.enqueue(json(TestServer.submissionJson()));
    traced.submit(TestServer.request());
    server.enqueue(json(TestServer.statusJson("in_progress")));
    traced.status(ID);
    server.enqueue(json(TestServer.completedResultJson()));
    traced.result(ID);
    server.enqueue(json("{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}"));
    traced.cancel(ID);
    server.enqueue(json(TestServer.statusJson("completed")));
    server.enqueue(json(TestServer.completedResultJson()));
    traced.awaitResult(ID); // a wait's polls too
    for (int i = 0; i < 6; i++) {
      RecordedRequest recorded = take(server);
      assertEquals("trace-1", recorded.getHeaders().get(TRACE), recorded.getRequestLine());
      assertEquals("eu", recorded.getHeaders().get("X-Route"), recorded.getRequestLine());
      TestServer.assertApiHeaders(recorded);
    }

    server.enqueue(json(TestServer.statusJson("in_progress")));
    mode.of(client).status(ID);
    assertNull(take(server).getHeaders().get(TRACE), "the parent sends none");
  }

  @Test
  void aViewsHeaderNeverReachesADownloadHost(@TempDir Path dir) throws Exception {
    server.enqueue(
        new MockResponse(200, Headers.of("Content-Type", "video/mp4"), "....ftypisom-not-really-a-video"));
    client.withOptions(o -> o.header(TRACE, "trace-1")).download(server.url("/files/v.mp4").uri(), dir.resolve("v.mp4"));
    RecordedRequest recorded = take(server);
    assertEquals("/files/v.mp4", recorded.getUrl().encodedPath());
    assertNull(recorded.getHeaders().get(TRACE));
    assertNull(recorded.getHeaders().get("Authorization"));
  }

  @Test
  void theAsyncViewHasTheSameOptions() throws Exception {
    DreaminaClientAsync view = client.async().withOptions(o -> o.header(TRACE, "async-1").maxRetries(0));
    assertEquals(Map.of(TRACE, "async-1"), view.sync().callOptions().headers());
    server.enqueue(json(503, "{}"));
    Throwable failure = assertThrows(Exception.class, () -> view.status(ID).join()).getCause();
    assertTrue(failure instanceof ServerException, String.valueOf(failure));
    assertEquals(1, server.getRequestCount());
    assertEquals("async-1", take(server).getHeaders().get(TRACE));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Authorization", "authorization", "User-Agent", "Accept", "Content-Type", "Cache-Control", "Pragma", "Host",
        "Content-Length", "Content-Encoding", "Expect",
        // the SDK owns content negotiation: OkHttp unzips an answer only when it asked for gzip itself
        "Accept-Encoding", "accept-encoding",
        // connection-level headers (RFC 9110 section 7.6.1), OkHttp's
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade"
      })
  void theTokensHeaderAndTheSdksOwnAreRefused(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.header(name, "v")));
    assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(name.toLowerCase(java.util.Locale.ROOT)), e.getMessage());
  }

  @Test
  void malformedNamesAndValuesAreRefusedWithoutEchoingTheValue() {
    assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.header("X Trace", "v")));
    assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.header("", "v")));
    assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.header("X-Ünicode", "v")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.header("X-Key", "s3cr3t\r\nX-Evil: 1")));
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.maxRetries(-1)));
    assertThrows(IllegalArgumentException.class, () -> client.withOptions(o -> o.requestTimeout(Duration.ZERO)));
    assertThrows(NullPointerException.class, () -> client.withOptions(o -> o.header(TRACE, null)));
  }

  @Test
  void viewsStackAndAHeaderOfTheSameNameInAnyCaseIsReplaced() {
    DreaminaClient first = client.withOptions(o -> o.header("X-Trace-Id", "1").requestTimeout(Duration.ofSeconds(5)));
    DreaminaClient second = first.withOptions(o -> o.header("x-trace-id", "2").maxRetries(0));
    assertEquals(Map.of("x-trace-id", "2"), second.callOptions().headers());
    assertEquals(OptionalInt.of(0), second.callOptions().maxRetries());
    assertEquals(Duration.ofSeconds(5), second.callOptions().requestTimeout().orElseThrow());
    assertEquals(Map.of("X-Trace-Id", "1"), first.callOptions().headers(), "the first view is unchanged");
    assertEquals(second.callOptions(), second.withPreflight(true).callOptions(), "withPreflight keeps them");
  }

  @Test
  void theParentIsUnchangedAndClosingAViewClosesNothing() throws Exception {
    String before = client.toString();
    DreaminaClient view = client.withOptions(o -> o.header(TRACE, "secret-ish-value").maxRetries(0));
    assertEquals(before, client.toString());
    assertTrue(client.callOptions().headers().isEmpty());
    assertTrue(view.toString().contains(TRACE) && view.toString().contains("maxRetries=0"), view.toString());
    assertFalse(view.toString().contains("secret-ish-value"), "header values stay out of toString");
    assertSame(view, view.async().sync());

    view.close();
    server.enqueue(json(TestServer.statusJson("in_queue")));
    assertEquals(Status.IN_QUEUE, client.status(ID).status(), "the parent still works");
    server.enqueue(json(TestServer.statusJson("in_queue")));
    assertEquals(Status.IN_QUEUE, view.status(ID).status(), "and so does the view, on the parent's connections");
  }
}
