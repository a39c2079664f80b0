package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.DownloadException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint, blocking and async, against every server misbehaviour of issue 6, with the
 * expected outcome of each cell written down: the exception type (or success), how many requests
 * were made, and so whether a retry happened. Every cell also checks the hard rules: it ends,
 * nothing but a {@link DreaminaException} escapes, and the token is in no message, stack trace or
 * {@code toString}. After the matrix no call is running, no connection is in use, and no thread
 * is left behind.
 */
class FaultMatrixTest {
  /** A short request timeout, so the stall cells end quickly; retries get their own. */
  private static final Duration STALL_TIMEOUT = Duration.ofMillis(250);

  /**
   * The request timeout of every other cell: none of them should time out, so a generous one
   * costs nothing, and a loaded machine (serving 50 MB, a cold JIT) cannot turn a cell into a
   * timeout and a retry.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final int ATTEMPTS = 3; // the default maxRetries (2) plus the first attempt

  enum Endpoint {
    SUBMIT,
    STATUS,
    RESULT,
    CANCEL,
    DOWNLOAD
  }

  enum Fault {
    CONNECTION_REFUSED,
    RESET_BEFORE_RESPONSE,
    RESET_MID_BODY,
    HEADERS_NEVER_ARRIVE,
    BODY_STALLS,
    HTTP_408,
    HTTP_429_RETRY_AFTER_SECONDS,
    HTTP_429_RETRY_AFTER_DATE,
    HTTP_429_RETRY_AFTER_OVER_CAP,
    HTTP_500,
    HTTP_502,
    HTTP_503,
    HTTP_504,
    OK_WITH_ERROR_CODE,
    HTML_ERROR_PAGE,
    HTML_PAGE_WITH_200,
    EMPTY_BODY,
    TRUNCATED_JSON,
    JSON_ARRAY,
    JSON_STRING,
    UNKNOWN_STATUS,
    UNKNOWN_FIELDS,
    MISSING_REQUIRED_FIELD,
    BODY_50_MB;

    boolean jsonShape() {
      return this == TRUNCATED_JSON
          || this == JSON_ARRAY
          || this == JSON_STRING
          || this == UNKNOWN_STATUS
          || this == UNKNOWN_FIELDS
          || this == MISSING_REQUIRED_FIELD;
    }
  }

  /** What a cell must end in: the exception type, or {@code null} for success; and the attempts. */
  record Expect(Class<? extends Throwable> type, int attempts) {
    static Expect ok() {
      return new Expect(null, 1);
    }

    static Expect fails(Class<? extends Throwable> type, int attempts) {
      return new Expect(type, attempts);
    }
  }

  static Expect expect(Endpoint endpoint, Fault fault) {
    boolean submit = endpoint == Endpoint.SUBMIT;
    boolean download = endpoint == Endpoint.DOWNLOAD;
    // A submit that may have reached the server is never retried and never reported as a plain
    // failure: the job may exist.
    Expect unknownOutcome = Expect.fails(SubmissionUnknownException.class, 1);
    switch (fault) {
      case CONNECTION_REFUSED:
        return Expect.fails(NetworkException.class, ATTEMPTS); // nothing was sent: safe to retry
      case RESET_BEFORE_RESPONSE:
      case RESET_MID_BODY:
      case HEADERS_NEVER_ARRIVE:
      case BODY_STALLS:
        return submit ? unknownOutcome : Expect.fails(NetworkException.class, ATTEMPTS);
      case HTTP_408:
        return submit ? unknownOutcome : download ? Expect.fails(DownloadException.class, ATTEMPTS) : Expect.fails(ApiException.class, ATTEMPTS);
      case HTTP_429_RETRY_AFTER_SECONDS:
      case HTTP_429_RETRY_AFTER_DATE:
        return Expect.fails(download ? DownloadException.class : RateLimitException.class, ATTEMPTS);
      case HTTP_429_RETRY_AFTER_OVER_CAP:
        // Downloads back off on their own schedule; API calls refuse to sleep past the cap.
        return download ? Expect.fails(DownloadException.class, ATTEMPTS) : Expect.fails(RateLimitException.class, 1);
      case HTTP_500:
      case HTTP_502:
      case HTTP_503:
      case HTTP_504:
      case HTML_ERROR_PAGE:
        return submit ? unknownOutcome : Expect.fails(download ? DownloadException.class : ServerException.class, ATTEMPTS);
      case OK_WITH_ERROR_CODE:
        return submit ? unknownOutcome : download ? Expect.fails(DownloadException.class, 1) : Expect.fails(ServerException.class, ATTEMPTS);
      case HTML_PAGE_WITH_200:
      case EMPTY_BODY:
        return submit ? unknownOutcome : Expect.fails(download ? DownloadException.class : InvalidResponseException.class, 1);
      case TRUNCATED_JSON:
      case JSON_ARRAY:
      case JSON_STRING:
        return submit ? unknownOutcome : Expect.fails(InvalidResponseException.class, 1);
      case MISSING_REQUIRED_FIELD:
        if (endpoint == Endpoint.CANCEL) {
          return Expect.ok(); // a cancel answer needs no field: a missing outcome is inferred
        }
        return submit ? unknownOutcome : Expect.fails(InvalidResponseException.class, 1);
      case UNKNOWN_STATUS:
      case UNKNOWN_FIELDS:
        return Expect.ok();
      case BODY_50_MB:
        // API answers are capped at 1 MiB; a video of 50 MB is fine.
        return download ? Expect.ok() : submit ? unknownOutcome : Expect.fails(InvalidResponseException.class, 1);
      default:
        throw new AssertionError(fault);
    }
  }

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (Endpoint endpoint : Endpoint.values()) {
      for (Fault fault : Fault.values()) {
        if (endpoint == Endpoint.DOWNLOAD && fault.jsonShape()) {
          continue; // a video has no JSON shape to get wrong
        }
        for (Mode mode : Mode.values()) {
          if (endpoint == Endpoint.DOWNLOAD && mode == Mode.ASYNC) {
            continue; // download has no async twin
          }
          cells.add(Arguments.of(endpoint, fault, mode, expect(endpoint, fault)));
        }
      }
    }
    return cells.stream();
  }

  /**
   * Attempts as the client made them, counted by an application interceptor: unlike the server's
   * count, it includes an attempt that timed out before the server had read it.
   */
  private static final AtomicInteger ATTEMPTS_MADE = new AtomicInteger();

  private static final OkHttpClient SHARED =
      new OkHttpClient.Builder()
          .addInterceptor(
              chain -> {
                ATTEMPTS_MADE.incrementAndGet();
                return chain.proceed(chain.request());
              })
          .build();
  private static Set<Long> threadsBefore;
  private static int cellsRun;

  @TempDir Path dir;

  @BeforeAll
  static void countThreads() {
    threadsBefore = liveThreadIds();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cells")
  void cell(Endpoint endpoint, Fault fault, Mode mode, Expect expect) throws Exception {
    FakeTime time = new FakeTime();
    SHARED.connectionPool().evictAll(); // no connection of an earlier cell's server is reused
    ATTEMPTS_MADE.set(0);
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      String base = server.url("/").toString();
      if (fault == Fault.CONNECTION_REFUSED) {
        base = "http://127.0.0.1:" + closedPort() + "/";
      } else {
        for (int i = 0; i < ATTEMPTS; i++) {
          server.enqueue(response(endpoint, fault, time));
        }
      }
      DreaminaClient client =
          DreaminaClient.builder()
              .apiToken(TOKEN)
              .baseUrl(base)
              .httpClient(SHARED)
              .requestTimeout(stalls(fault) ? STALL_TIMEOUT : TIMEOUT)
              .timeSource(time)
              .jitter(() -> 0.0)
              .build();
      String finalBase = base;
      Object value = null;
      Throwable failure = null;
      try {
        value = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> call(client, mode, endpoint, finalBase));
      } catch (Throwable t) {
        failure = t;
      }
      client.close();

      if (expect.type() == null) {
        if (failure != null) {
          throw new AssertionError("expected success, got " + failure, failure);
        }
        assertFalse(String.valueOf(value).contains(TOKEN), "token in toString");
      } else {
        assertTrue(failure != null, "expected " + expect.type().getSimpleName() + ", got " + value);
        assertInstanceOf(DreaminaException.class, failure, "only DreaminaExceptions escape");
        String trace = stackTrace(failure);
        assertEquals(expect.type(), failure.getClass(), () -> "got " + trace);
        assertFalse(trace.contains(TOKEN), "token in a message or stack trace");
      }
      int attempts = ATTEMPTS_MADE.get();
      if (fault != Fault.CONNECTION_REFUSED && !stalls(fault)) {
        assertEquals(attempts, server.getRequestCount(), "every attempt reached the server");
      }
      Throwable seen = failure;
      Object returned = value;
      assertEquals(
          expect.attempts(),
          attempts,
          () -> "requests made (so whether it retried); waits " + time.sleeps() + ", outcome " + (seen == null ? returned : stackTrace(seen)));
      if (fault == Fault.HTTP_429_RETRY_AFTER_SECONDS && endpoint != Endpoint.DOWNLOAD) {
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), time.sleeps(), "Retry-After honoured");
      }
      cellsRun++;
    }
  }

  private static boolean stalls(Fault fault) {
    return fault == Fault.HEADERS_NEVER_ARRIVE || fault == Fault.BODY_STALLS;
  }

  private Object call(DreaminaClient client, Mode mode, Endpoint endpoint, String base) throws IOException {
    Mode.Calls calls = mode.of(client);
    switch (endpoint) {
      case SUBMIT:
        return calls.submit(TestServer.request());
      case STATUS:
        return calls.status(ID);
      case RESULT:
        return calls.result(ID);
      case CANCEL:
        return calls.cancel(ID);
      default:
        Path target = dir.resolve("v.mp4");
        client.download(URI.create(base + "files/v.mp4"), target);
        return "downloaded " + Files.size(target) + " bytes";
    }
  }

  private static MockResponse response(Endpoint endpoint, Fault fault, FakeTime time) {
    String ok = okBody(endpoint);
    switch (fault) {
      case RESET_BEFORE_RESPONSE:
        return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
      case RESET_MID_BODY:
        return answer(200, contentType(endpoint), ok + " ".repeat(64 * 1024))
            .newBuilder()
            .onResponseBody(new SocketEffect.CloseSocket())
            .build();
      case HEADERS_NEVER_ARRIVE:
        return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
      case BODY_STALLS:
        return answer(200, contentType(endpoint), ok + " ".repeat(64 * 1024))
            .newBuilder()
            .onResponseBody(SocketEffect.Stall.INSTANCE)
            .build();
      case HTTP_408:
        return error(408);
      case HTTP_429_RETRY_AFTER_SECONDS:
        return error(429).newBuilder().addHeader("Retry-After", "2").build();
      case HTTP_429_RETRY_AFTER_DATE:
        String date =
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                FakeTime.START.plusSeconds(2).atOffset(ZoneOffset.UTC));
        return error(429).newBuilder().addHeader("Retry-After", date).build();
      case HTTP_429_RETRY_AFTER_OVER_CAP:
        return error(429).newBuilder().addHeader("Retry-After", "3600").build();
      case HTTP_500:
        return error(500);
      case HTTP_502:
        return error(502);
      case HTTP_503:
        return error(503);
      case HTTP_504:
        return error(504);
      case OK_WITH_ERROR_CODE:
        return answer(200, "application/json", "{\"error_code\":500001,\"error_message\":\"internal error\"}");
      case HTML_ERROR_PAGE:
        return answer(500, "text/html", "<html><body><h1>500 Internal Server Error</h1></body></html>");
      case HTML_PAGE_WITH_200:
        return answer(200, "text/html", "<!DOCTYPE html><html><body>Please sign in</body></html>");
      case EMPTY_BODY:
        return answer(200, contentType(endpoint), "");
      case TRUNCATED_JSON:
        return answer(200, "application/json", ok.substring(0, ok.length() / 2));
      case JSON_ARRAY:
        return answer(200, "application/json", "[" + ok + "]");
      case JSON_STRING:
        return answer(200, "application/json", "\"" + ID + "\"");
      case UNKNOWN_STATUS:
        return answer(200, "application/json", ok.replace("\"completed\"", "\"warming_up\"").replace("\"cancelled\"", "\"deferred\""));
      case UNKNOWN_FIELDS:
        return answer(200, "application/json", ok.replace("{", "{\"new_field\":{\"nested\":[1,2]},"));
      case MISSING_REQUIRED_FIELD:
        return answer(200, "application/json", missingRequired(endpoint));
      case BODY_50_MB:
        String pad = "x".repeat(50 * 1024 * 1024);
        return answer(200, contentType(endpoint),
            endpoint == Endpoint.DOWNLOAD ? pad : ok.replace("{", "{\"pad\":\"" + pad + "\","));
      default:
        throw new AssertionError(fault);
    }
  }

  private static String okBody(Endpoint endpoint) {
    switch (endpoint) {
      case SUBMIT:
        return TestServer.submissionJson();
      case STATUS:
        return TestServer.statusJson("completed");
      case RESULT:
        return TestServer.completedResultJson();
      case CANCEL:
        return "{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}";
      default:
        return "\u0000\u0000\u0000\u0018ftypmp42 a small fake video";
    }
  }

  private static String missingRequired(Endpoint endpoint) {
    switch (endpoint) {
      case SUBMIT:
        return "{\"status_url\":\"https://model-api.runcomfy.net/v1/requests/x/status\"}";
      case CANCEL:
        return "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\"}";
      default:
        return "{\"request_id\":\"" + ID + "\"}";
    }
  }

  private static String contentType(Endpoint endpoint) {
    return endpoint == Endpoint.DOWNLOAD ? "video/mp4" : "application/json";
  }

  private static MockResponse answer(int code, String contentType, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", contentType)
        .body(new Buffer().writeUtf8(body))
        .build();
  }

  private static MockResponse error(int code) {
    return new MockResponse(
        code,
        Headers.of("Content-Type", "application/json"),
        "{\"error_code\":" + code + "001,\"error_message\":\"scripted " + code + "\"}");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter text = new StringWriter();
    t.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  @AfterAll
  static void nothingLeftRunning() throws InterruptedException {
    assertEquals(0, SHARED.dispatcher().runningCallsCount(), "calls still running");
    assertEquals(0, SHARED.dispatcher().queuedCallsCount(), "calls still queued");
    assertEquals(
        SHARED.connectionPool().idleConnectionCount(),
        SHARED.connectionPool().connectionCount(),
        "a connection is still in use: a response was not closed");
    SHARED.dispatcher().executorService().shutdown();
    SHARED.connectionPool().evictAll();
    assertTrue(SHARED.dispatcher().executorService().awaitTermination(10, TimeUnit.SECONDS));
    List<String> leftover = List.of();
    for (int i = 0; i < 100; i++) {
      leftover = newThreads();
      if (leftover.isEmpty()) {
        break;
      }
      Thread.sleep(50); // waiting for threads to end, not for a backoff
    }
    assertEquals(List.of(), leftover, "threads left behind by the matrix");
    assertTrue(cellsRun > 0);
  }

  /** Threads started during the matrix and still alive, except the JVM-wide shared ones. */
  private static List<String> newThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !threadsBefore.contains(t.getId()))
        .map(Thread::getName)
        .filter(name -> !name.startsWith("OkHttp TaskRunner")) // OkHttp's JVM-wide runner; idles out
        // the same runner's thread, named after the connection pool's cleanup task while it runs it
        .filter(name -> !name.equals("OkHttp ConnectionPool connection closer"))
        .filter(name -> !name.equals("Okio Watchdog")) // Okio's JVM-wide timeout thread
        .filter(name -> !name.equals("dreamina-scheduler")) // the SDK's JVM-wide scheduler
        .filter(name -> !name.startsWith("ForkJoinPool.commonPool")) // the default callback executor
        .sorted()
        .collect(Collectors.toList());
  }

  private static Set<Long> liveThreadIds() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
  }
}
