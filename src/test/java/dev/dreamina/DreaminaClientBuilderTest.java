package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.TOKEN;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DreaminaClientBuilderTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DreaminaClient fromEnv(Map<String, String> env) {
    return DreaminaClient.builder().fromEnv(env::get).build();
  }

  private String authorizationSentBy(DreaminaClient client) throws Exception {
    server.enqueue(json(TestServer.statusJson("in_queue")));
    client.status(ID);
    return take(server).getHeaders().get("Authorization");
  }

  @Test
  void fromEnvReadsTheApiTokenAndBaseUrl() throws Exception {
    try (DreaminaClient client =
        fromEnv(
            Map.of(
                "RUNCOMFY_API_TOKEN", "primary",
                "RUNCOMFY_TOKEN", "fallback",
                "RUNCOMFY_BASE_URL", server.url("/").toString()))) {
      assertEquals("Bearer primary", authorizationSentBy(client));
    }
  }

  @Test
  void fromEnvFallsBackToRunComfyToken() throws Exception {
    try (DreaminaClient client =
        fromEnv(
            Map.of(
                "RUNCOMFY_TOKEN", "  fallback\n",
                "RUNCOMFY_API_TOKEN", " ",
                "RUNCOMFY_BASE_URL", server.url("/").toString()))) {
      assertEquals("Bearer fallback", authorizationSentBy(client));
    }
  }

  @Test
  void missingTokenNamesBothVariables() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fromEnv(Map.of()));
    assertTrue(e.getMessage().contains("RUNCOMFY_API_TOKEN"), e.getMessage());
    assertTrue(e.getMessage().contains("RUNCOMFY_TOKEN)"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> DreaminaClient.builder().build());
  }

  @Test
  void defaultBaseUrlIsRunComfys() {
    try (DreaminaClient client = DreaminaClient.builder().apiToken(TOKEN).build()) {
      assertEquals("DreaminaClient{baseUrl=https://model-api.runcomfy.net/, maxRetries=2, preflightImages=false}", client.toString());
    }
  }

  @Test
  void tokenWithInnerWhitespaceIsRefusedWithoutEchoingIt() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> DreaminaClient.builder().apiToken("abc def" + TOKEN).build());
    assertFalse(e.getMessage().contains(TOKEN));
    assertFalse(e.getMessage().contains("abc"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com",
        "http://10.0.0.1:8080",
        "ftp://example.com",
        "not a url",
        "https://model-api.runcomfy.net/?x=1"
      })
  void unsafeOrUnusableBaseUrlsAreRefused(String url) {
    assertThrows(IllegalArgumentException.class, () -> DreaminaClient.builder().baseUrl(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://model-api.runcomfy.net",
        "https://proxy.example.com/runcomfy/",
        "http://localhost:8080",
        "http://127.0.0.1:9",
        "http://127.1.2.3",
        "http://[::1]:8080"
      })
  void httpsAndLoopbackHttpBaseUrlsAreAccepted(String url) {
    DreaminaClient.builder().baseUrl(url);
  }

  @Test
  void baseUrlWithAPathPrefixKeepsIt() throws Exception {
    try (DreaminaClient client =
        DreaminaClient.builder().apiToken(TOKEN).baseUrl(server.url("/proxy/runcomfy").toString()).build()) {
      server.enqueue(json(TestServer.statusJson("in_queue")));
      client.status(ID);
      assertEquals("/proxy/runcomfy/v1/requests/" + ID + "/status", take(server).getUrl().encodedPath());
    }
  }

  @Test
  void invalidSettingsAreRefused() {
    DreaminaClientBuilder b = DreaminaClient.builder();
    assertThrows(IllegalArgumentException.class, () -> b.maxRetries(-1));
    assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.requestTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.maxRetryAfter(Duration.ofSeconds(-1)));
    NullPointerException npe = assertThrows(NullPointerException.class, () -> b.baseUrl((String) null));
    assertEquals("baseUrl == null", npe.getMessage());
  }

  @Test
  void sharedOkHttpClientIsReusedAndNeverShutDown() throws Exception {
    OkHttpClient shared =
        new OkHttpClient.Builder()
            .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("X-Trace", "t1").build()))
            .build();
    DreaminaClient client =
        DreaminaClient.builder().apiToken(TOKEN).baseUrl(server.url("/").toString()).httpClient(shared).build();
    server.enqueue(json(TestServer.statusJson("in_queue")));
    client.status(ID);
    RecordedRequest recorded = take(server);
    assertEquals("t1", recorded.getHeaders().get("X-Trace")); // the user's interceptor ran
    assertEquals(1, shared.connectionPool().connectionCount()); // the pool is shared

    client.close();

    assertFalse(shared.dispatcher().executorService().isShutdown());
    assertTrue(shared.followRedirects(), "the SDK's settings must not leak into the shared client");
    server.enqueue(json("{}"));
    try (Response response = shared.newCall(new Request.Builder().url(server.url("/after")).build()).execute()) {
      assertEquals(200, response.code());
    }
    shared.dispatcher().executorService().shutdown();
    shared.connectionPool().evictAll();
  }

  @Test
  void closeIsIdempotent() {
    DreaminaClient client = DreaminaClient.builder().apiToken(TOKEN).build();
    client.close();
    client.close();
  }

  @Test
  void builderToStringHidesTheToken() {
    String text = DreaminaClient.builder().apiToken(TOKEN).toString();
    assertFalse(text.contains(TOKEN), text);
    assertTrue(text.contains("apiToken=set"), text);
  }
}
