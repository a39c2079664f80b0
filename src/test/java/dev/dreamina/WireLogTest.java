package dev.dreamina;

import static dev.dreamina.TestServer.TOKEN;
import static dev.dreamina.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.NetworkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire log on {@value WireLog#LOGGER}: a line per exchange at INFO, headers and bodies at
 * DEBUG, credentials never; switched by the builder, {@value WireLog#ENV}, or the logger at TRACE.
 * The logger's level is set here for each test (the suite otherwise runs it at ALL, which turns the
 * debug wire log on for every test, and SecretsTest reads those lines too).
 */
class WireLogTest {
  /**
   * This test's request id and trace header: other tests' clients may still be making exchanges
   * while a test here turns the logger up, so only lines that carry these are this test's.
   */
  private static final String ID = "req_wirelog-7";

  private static final String TRACE = "wirelog-trace";

  private static String status(String word) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"" + word + "\"}";
  }

  private final MockWebServer server = new MockWebServer();
  private final Logger wire = Logger.getLogger(WireLog.LOGGER);
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (records) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level previous;

  @BeforeEach
  void start() throws Exception {
    server.start();
    previous = wire.getLevel();
    wire.addHandler(capture);
  }

  @AfterEach
  void stop() {
    wire.removeHandler(capture);
    wire.setLevel(previous);
    server.close();
  }

  private DreaminaClient client(WireLog level) {
    return TestServer.clientFor(server, new FakeTime()).wireLog(level).build();
  }

  private List<String> lines() {
    synchronized (records) {
      return records.stream().map(LogRecord::getMessage).filter(m -> m.contains(ID) || m.contains(TRACE)).toList();
    }
  }

  @Test
  void atInfoOneLinePerExchangeRetriesIncludedWithMethodPathStatusAndTime() {
    wire.setLevel(Level.INFO);
    try (DreaminaClient client = client(WireLog.INFO)) {
      server.enqueue(json(503, "{}"));
      server.enqueue(json(status("in_progress")));
      client.status(ID);
      server.enqueue(json("{\"request_id\":\"" + ID + "\",\"status\":\"completed\",\"output\":{\"video\":\"https://cdn.runcomfy.net/v.mp4\"}}"));
      client.async().result(ID).join();
    }
    List<String> lines = lines();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("GET /v1/requests/" + ID + "/status -> 503 in \\d+ ms \\(attempt 1\\)"), lines.get(0));
    assertTrue(lines.get(1).matches("GET /v1/requests/" + ID + "/status -> 200 in \\d+ ms \\(attempt 2\\)"), lines.get(1));
    assertTrue(lines.get(2).matches("GET /v1/requests/" + ID + "/result\\?include_cost=true -> 200 in \\d+ ms \\(attempt 1\\)"), lines.get(2));
    synchronized (records) {
      records.forEach(r -> assertEquals(Level.INFO, r.getLevel()));
    }
  }

  @Test
  void atInfoAFailedExchangeSaysHowItFailed() {
    wire.setLevel(Level.INFO);
    try (DreaminaClient client = TestServer.clientFor(server, new FakeTime()).wireLog(WireLog.INFO).maxRetries(0).build()) {
      server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
      assertThrows(NetworkException.class, () -> client.status(ID));
    }
    assertEquals(1, lines().size(), lines().toString());
    assertTrue(lines().get(0).matches("GET /v1/requests/" + ID + "/status -> failed: \\w+ in \\d+ ms \\(attempt 1\\)"), lines().get(0));
  }

  @Test
  void atDebugHeadersAndBodiesButNeverTheToken() {
    wire.setLevel(Level.INFO);
    try (DreaminaClient client = client(WireLog.DEBUG)) {
      server.enqueue(
          new MockResponse(
              200,
              Headers.of("Content-Type", "application/json", "Set-Cookie", "session=abc", "X-Request-Id", "rc-1"),
              TestServer.submissionJson()));
      client.withOptions(o -> o.header("X-Trace-Id", TRACE).header("X-Api-Key", "proxy-secret")).submit(TestServer.request());
    }
    assertEquals(1, lines().size());
    String line = lines().get(0);
    assertTrue(line.startsWith("POST /v1/models/" + DreaminaClient.MODEL_ID + " -> 200 in "), line);
    assertTrue(line.contains("\n> Authorization: <redacted>"), line);
    assertTrue(line.contains("\n> X-Trace-Id: " + TRACE), line);
    assertTrue(line.contains("\n> X-Api-Key: <redacted>"), line);
    assertTrue(line.contains("\n> {\"prompt\":\"A slow tracking shot down a sunlit street\""), line);
    assertTrue(line.contains("\n< X-Request-Id: rc-1"), line);
    assertTrue(line.contains("\n< Set-Cookie: <redacted>"), line);
    assertTrue(line.contains("\n< {\"request_id\":\"" + TestServer.ID + "\""), line);
    assertFalse(line.contains(TOKEN), "the token");
    assertFalse(line.contains("proxy-secret") || line.contains("session=abc"), "other credentials");
  }

  @Test
  void aBodyIsCutAt4KiBAndTheTokenIsBlankedWhereverItWouldShow() {
    wire.setLevel(Level.INFO);
    String echo = "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"note\":\"" + TOKEN + "\",\"pad\":\"" + "x".repeat(10_000) + "\"}";
    try (DreaminaClient client = client(WireLog.DEBUG)) {
      server.enqueue(json(echo));
      client.status(ID);
    }
    String line = lines().get(0);
    assertFalse(line.contains(TOKEN));
    assertTrue(line.contains("\"note\":\"<redacted>\""), line.substring(0, 400));
    assertTrue(line.endsWith("… (" + echo.length() + " bytes, 4096 characters shown)"), line.substring(line.length() - 80));
  }

  @Test
  void aTokenAcrossTheCutIsBlankedBeforeTheCutAndACharacterIsNeverSplit() {
    wire.setLevel(Level.INFO);
    String head = "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"note\":\"";
    String across = head + "x".repeat(4090 - head.length()) + TOKEN + "\"}"; // the token starts 6 characters before the cut
    String emoji = head + "y".repeat(4095 - head.length()) + "\uD83C\uDFAC" + "\"}"; // a pair at characters 4096 and 4097
    try (DreaminaClient client = client(WireLog.DEBUG)) {
      server.enqueue(json(across));
      client.status(ID);
      server.enqueue(json(emoji));
      client.status(ID);
    }
    String first = lines().get(0).substring(lines().get(0).lastIndexOf("\n< ") + 3);
    assertFalse(first.contains(TOKEN.substring(0, 6)), "the token's beginning: " + first.substring(4080));
    assertTrue(first.startsWith(head + "x") && first.contains("x<redac"), first.substring(4080));
    String second = lines().get(1).substring(lines().get(1).lastIndexOf("\n< ") + 3);
    assertFalse(second.contains("\uFFFD"), "a character cut in two");
    assertTrue(second.startsWith(head + "y".repeat(4095 - head.length()) + " … ("), second.substring(4080));
    assertTrue(second.endsWith(", 4095 characters shown)"), second.substring(4080));
  }

  @Test
  void atDebugOnlyHeadersKnownToCarryNoSecretShowTheirValues() {
    wire.setLevel(Level.INFO);
    List<String> vendors =
        List.of(
            "Ocp-Apim-Subscription-Key", "X-Access-Key", "X-Password", "X-Api_Key", "X-Functions-Key",
            "X-Amz-Security-Token", "X-Goog-Api-Key", "Proxy-Authorization", "X-Signature", "X-Client-Secret");
    Headers.Builder answer = new Headers.Builder().add("Content-Type", "application/json").add("Retry-After", "3").add("X-Request-Id", "rc-9");
    for (String name : vendors) {
      answer.add(name, "answered-" + name.length() + "-value");
    }
    try (DreaminaClient client = client(WireLog.DEBUG)) {
      server.enqueue(new MockResponse(200, answer.build(), status("in_queue")));
      client
          .withOptions(
              o -> {
                o.header("X-Trace-Id", TRACE);
                vendors.forEach(name -> o.header(name, "sent-" + name.length() + "-value"));
              })
          .status(ID);
    }
    String line = lines().get(0);
    for (String name : vendors) {
      assertTrue(line.contains("\n> " + name + ": <redacted>"), name + " sent: " + line);
      assertTrue(line.contains("\n< " + name + ": <redacted>"), name + " received: " + line);
    }
    assertFalse(line.contains("-value"), line);
    assertTrue(line.contains("\n> X-Trace-Id: " + TRACE), line);
    assertTrue(line.contains("\n> User-Agent: dreamina-java/"), line);
    assertTrue(line.contains("\n< Retry-After: 3"), line);
    assertTrue(line.contains("\n< X-Request-Id: rc-9"), line);
    assertTrue(line.contains("\n< Content-Type: application/json"), line);
  }

  @Test
  void offLogsNothingUnlessTheBackendEnablesTheLoggerAtTrace() {
    wire.setLevel(Level.INFO);
    try (DreaminaClient client = client(WireLog.OFF)) {
      server.enqueue(json(status("in_queue")));
      client.status(ID);
      assertEquals(List.of(), lines(), "the default: nothing");

      wire.setLevel(Level.FINE); // DEBUG, as when an app debugs dev.dreamina: still nothing
      server.enqueue(json(status("in_queue")));
      client.status(ID);
      assertEquals(List.of(), lines(), "debugging the SDK logs no bodies");

      wire.setLevel(Level.FINER); // TRACE: what a Logback <logger name="dev.dreamina.wire" level="TRACE"/> does
      server.enqueue(json(status("in_queue")));
      client.status(ID);
    }
    assertEquals(1, lines().size());
    assertTrue(lines().get(0).contains("\n> Authorization: <redacted>"), lines().get(0));
  }

  @Test
  void aBackendThatSilencesTheLoggerWins() {
    wire.setLevel(Level.WARNING);
    try (DreaminaClient client = client(WireLog.DEBUG)) {
      server.enqueue(json(status("in_queue")));
      client.status(ID);
    }
    assertEquals(List.of(), lines());
  }

  @Test
  void theEnvironmentVariableSwitchesItAndANonsenseValueIsRefusedByName() {
    wire.setLevel(Level.INFO);
    Map<String, String> env = Map.of("RUNCOMFY_API_TOKEN", TOKEN, "RUNCOMFY_BASE_URL", server.url("/").toString(), "DREAMINA_LOG", "Info");
    try (DreaminaClient client = DreaminaClient.builder().fromEnv(env::get).build()) {
      server.enqueue(json(status("in_queue")));
      client.status(ID);
    }
    assertEquals(1, lines().size());
    assertFalse(lines().get(0).contains("\n"), "info: one line");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DreaminaClient.builder().fromEnv(Map.of("DREAMINA_LOG", "verbose")::get));
    assertEquals("DREAMINA_LOG must be off, info or debug, not \"verbose\"", e.getMessage());
  }
}
