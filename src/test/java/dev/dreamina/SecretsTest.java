package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.TOKEN;
import static dev.dreamina.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The token appears in no log line at any level, no exception message or trace, no toString.
 * Each test makes traffic of its own, so it passes or fails the same when run alone; ordered last,
 * it also reads every log line the whole test run produced.
 */
@Order(Integer.MAX_VALUE)
class SecretsTest {
  private final MockWebServer server = new MockWebServer();
  private final List<String> logLines = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger("dev.dreamina");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logLines) {
            logLines.add(record.getLevel() + " " + new java.util.logging.SimpleFormatter().formatMessage(record));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level previousLevel;

  @BeforeEach
  void start() throws Exception {
    server.start();
    previousLevel = julLogger.getLevel();
    julLogger.setLevel(Level.ALL);
    julLogger.addHandler(capture);
  }

  @AfterEach
  void stop() {
    julLogger.removeHandler(capture);
    julLogger.setLevel(previousLevel);
    server.close();
  }

  @Test
  void tokenNeverLeaks() {
    List<Object> seen = new ArrayList<>();
    try (DreaminaClient client =
        TestServer.clientFor(server, new FakeTime()).requestTimeout(Duration.ofMillis(300)).build()) {
      seen.add(client);
      seen.add(DreaminaClient.builder().apiToken(TOKEN));

      server.enqueue(json(TestServer.submissionJson()));
      seen.add(client.submit(TestServer.request()));
      server.enqueue(json(TestServer.queuedJson(1)));
      seen.add(client.status(ID));
      server.enqueue(json(TestServer.completedResultJson()));
      seen.add(client.result(ID));

      server.enqueue(json(401, "{\"error_code\":401001,\"error_message\":\"bad token\"}"));
      seen.add(catching(() -> client.status(ID)));
      server.enqueue(json(200, "{\"error_code\":400004}"));
      seen.add(catching(() -> client.cancel(ID)));
      for (int i = 0; i < 3; i++) {
        server.enqueue(json(503, "{}"));
      }
      seen.add(catching(() -> client.result(ID)));
      server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
      seen.add(catching(() -> client.submit(TestServer.request())));
      server.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).build());
      seen.add(catching(() -> client.submit(TestServer.request())));
      server.enqueue(json("not json"));
      seen.add(catching(() -> client.status(ID)));
      seen.add(catching(() -> client.status("bad/id")));
      seen.add(
          catching(
              () ->
                  client.awaitResult(
                      ID, AwaitOptions.builder().timeout(Duration.ofSeconds(1)).cancelOnTimeout(true).build())));
    }
    seen.add(catching(() -> DreaminaClient.builder().apiToken(TOKEN + " x").build()));

    for (Object o : seen) {
      String text = o instanceof Throwable ? trace((Throwable) o) : String.valueOf(o);
      assertFalse(text.contains(TOKEN), "token in: " + text);
      assertFalse(text.contains("rc-test-TOKEN"), "part of the token in: " + text);
    }
    synchronized (logLines) {
      assertTrue(
          logLines.stream().anyMatch(l -> l.startsWith("FINE GET /v1/requests/" + ID + "/status -> 401")),
          "DEBUG logs should be captured: " + logLines);
      assertTrue(logLines.stream().anyMatch(l -> l.contains("retrying GET")), logLines.toString());
      for (String line : logLines) {
        assertFalse(line.contains(TOKEN), "token in log line: " + line);
      }
    }
  }

  @Test
  void noLogLineOfTheWholeRunHoldsTheToken() {
    // Traffic of its own first, so the check means the same run alone or last in the suite: an
    // error answer, retries and a WARNING-level journal-free path through the capture.
    try (DreaminaClient client = TestServer.clientFor(server, new FakeTime()).build()) {
      for (int i = 0; i < 3; i++) {
        server.enqueue(json(503, "{\"error_message\":\"busy\"}"));
      }
      catching(() -> client.status(ID));
    }
    List<String> lines = SuiteLogCapture.lines();

    // The capture worked: DEBUG lines of retries and errors (this test's, and when run last in
    // the suite, every other class's too).
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("FINE dev.dreamina retrying")), "no DEBUG lines captured");
    assertTrue(lines.stream().anyMatch(l -> l.contains("-> 503")), "no error exchanges captured");
    // The wire log at debug, headers and bodies included, is among them (the suite runs it on).
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("INFO " + WireLog.LOGGER + " ") && l.contains("\n> Authorization: <redacted>")),
        "no wire log lines captured");
    for (String line : lines) {
      assertFalse(line.contains(TOKEN), "token in log line: " + line);
      assertFalse(line.contains("Bearer "), "an Authorization header in log line: " + line);
    }
    System.out.println("SecretsTest: " + lines.size() + " log lines of the whole run checked");
  }

  private static Throwable catching(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }

  private static String trace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out + " " + t;
  }
}
