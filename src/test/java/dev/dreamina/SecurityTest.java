package dev.dreamina;

import static dev.dreamina.TestImages.image;
import static dev.dreamina.TestImages.serve;
import static dev.dreamina.TestServer.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request ids that try to leave their path, and the token's one allowed destination. */
class SecurityTest {
  private final MockWebServer api = new MockWebServer();
  private final MockWebServer elsewhere = new MockWebServer();
  private DreaminaClient client;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    api.start();
    elsewhere.start();
    client = TestServer.clientFor(api, new FakeTime()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
    elsewhere.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd", "..", "%2e%2e", "%2e", "req/../../v1/models", "a?b=c", "a#frag", "a b", " ",
        "", "a\u0000b", "a\nb", "réq", "req%2Fx", "ok_id-but-then;drop",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      })
  void idsThatCouldLeaveTheirPathAreRefusedBeforeAnyRequest(String id) {
    Map<String, Function<DreaminaClient, Object>> blocking =
        Map.of(
            "status", c -> c.status(id),
            "result", c -> c.result(id),
            "cancel", c -> c.cancel(id),
            "awaitResult", c -> c.awaitResult(id));
    blocking.forEach(
        (name, call) -> assertThrows(IllegalArgumentException.class, () -> call.apply(client), name));
    Map<String, Function<DreaminaClient, java.util.concurrent.CompletableFuture<?>>> async =
        Map.of(
            "statusAsync", c -> c.async().status(id),
            "resultAsync", c -> c.async().result(id),
            "cancelAsync", c -> c.async().cancel(id),
            "async().awaitResult", c -> c.async().awaitResult(id));
    async.forEach(
        (name, call) -> assertThrows(IllegalArgumentException.class, () -> Mode.join(call.apply(client)), name));
    assertEquals(0, api.getRequestCount(), "nothing may be sent");
  }

  @Test
  void theLongestValidIdIsAccepted() throws InterruptedException {
    String id = "x".repeat(128);
    api.enqueue(TestServer.json("{\"request_id\":\"" + id + "\",\"status\":\"in_queue\"}"));

    client.status(id);

    assertEquals("/v1/requests/" + id + "/status", TestServer.take(api).getUrl().encodedPath());
  }

  @Test
  void anApiRedirectIsNotFollowedSoTheTokenStaysHome() throws InterruptedException {
    api.enqueue(
        new MockResponse(302, Headers.of("Location", elsewhere.url("/steal").toString()), ""));

    ApiException e = assertThrows(ApiException.class, () -> client.status(TestServer.ID));

    assertEquals(302, e.statusCode());
    assertEquals(0, elsewhere.getRequestCount(), "the redirect must not be followed");
    assertEquals("Bearer " + TOKEN, TestServer.take(api).getHeaders().get("Authorization"));
  }

  @Test
  void downloadsFollowRedirectsWithoutTheToken() throws Exception {
    api.enqueue(new MockResponse(302, Headers.of("Location", elsewhere.url("/v.mp4").toString()), ""));
    elsewhere.enqueue(
        new MockResponse(200, Headers.of("Content-Type", "video/mp4"), "not really a video"));

    Path file = client.download(api.url("/files/v.mp4").uri(), dir.resolve("v.mp4"));

    assertEquals("not really a video", Files.readString(file));
    assertNull(TestServer.take(api).getHeaders().get("Authorization"));
    assertNull(TestServer.take(elsewhere).getHeaders().get("Authorization"));
  }

  @Test
  void preflightFetchesFollowRedirectsWithoutTheToken() throws Exception {
    api.enqueue(new MockResponse(307, Headers.of("Location", elsewhere.url("/a.png").toString()), ""));
    elsewhere.enqueue(serve(image("png", 640, 480), "image/png"));

    assertTrue(client.imagePreflight().check(api.url("/a.png").uri()).passes());

    RecordedRequest first = api.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = elsewhere.takeRequest(5, TimeUnit.SECONDS);
    assertNull(first.getHeaders().get("Authorization"));
    assertNull(second.getHeaders().get("Authorization"));
    assertFalse(second.getHeaders().toString().contains(TOKEN));
  }

  @Test
  void plainHttpToAPublicHostIsRefusedAsBaseUrl() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DreaminaClient.builder().apiToken(TOKEN).baseUrl("http://model-api.runcomfy.net"));
    assertTrue(e.getMessage().contains("https"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DreaminaClient.builder()
                .fromEnv(Map.of("RUNCOMFY_API_TOKEN", TOKEN, "RUNCOMFY_BASE_URL", "http://10.0.0.7:8080")::get));
    assertFalse(e.getMessage().contains(TOKEN));
  }
}
