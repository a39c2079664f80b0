package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.AuthenticationException;
import dev.dreamina.errors.ServerException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What leaves the machine: each API request reaches the server exactly as often as the SDK's retry
 * policy decides, never again behind its back by OkHttp's own follow-ups (an immediate resend on
 * {@code 503} with {@code Retry-After: 0}, on 408 or 421, a redirect, an authenticator answering
 * 401) or by an interceptor on the user's client; and the wire log has one record per request the
 * server saw. The server is a plain socket that counts ({@link CountingServer}), and this class
 * loads no MockWebServer class: the test command runs it on OkHttp 5.x and again on OkHttp 4.12.
 */
class ResendTest {
  private static final String TOKEN = "rc-resend-TOKEN-4b2e9d";
  private static final String ID = "req_resend-1";

  /** Every path of this test's calls starts so: its wire log records are told from other tests'. */
  private final String prefix = "resend-" + Long.toHexString(System.nanoTime());

  private final FakeTime time = new FakeTime();
  private LogRecords wire;
  private CountingServer server;

  /** In the okhttp-4.12 execution, that the swap of class paths took: OkHttp 4.12 is what runs. */
  @BeforeAll
  static void theOkHttpExpected() throws ReflectiveOperationException {
    String expected = System.getProperty("dreamina.test.okhttp");
    if (expected != null) {
      assertEquals(expected, Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = new CountingServer();
    wire = LogRecords.on(WireLog.LOGGER);
  }

  @AfterEach
  void stop() throws IOException {
    wire.close();
    server.close();
  }

  private DreaminaClientBuilder builder() {
    return DreaminaClient.builder()
        .apiToken(TOKEN)
        .baseUrl(server.url() + prefix + "/")
        .timeSource(time)
        .jitter(() -> 0.0)
        .wireLog(WireLog.INFO);
  }

  private static ImageToVideoRequest request() {
    return ImageToVideoRequest.builder()
        .prompt("A slow tracking shot down a sunlit street")
        .imageUrl("https://example.com/street.jpg")
        .frames(121)
        .seed(7)
        .build();
  }

  private static String status(String word) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"" + word + "\"}";
  }

  /** The wire log's records of exchanges with this test's server: one per request it saw. */
  private int wireRecords() {
    return (int) wire.messages().stream().filter(line -> line.lines().findFirst().orElse("").contains("/" + prefix + "/")).count();
  }

  /** Every way the server can answer that makes OkHttp, left to itself, send the request again. */
  enum FollowUp {
    UNAVAILABLE_RETRY_NOW(503, "Retry-After", "0"),
    TIMEOUT(408),
    MISDIRECTED(421),
    TEMPORARY_REDIRECT(307, "Location", "/elsewhere"),
    PERMANENT_REDIRECT(308, "Location", "/elsewhere");

    final int status;
    final String[] headers;

    FollowUp(int status, String... headers) {
      this.status = status;
      this.headers = headers;
    }
  }

  @ParameterizedTest
  @EnumSource(FollowUp.class)
  void aSubmitIsSentOnceWhateverTheAnswer(FollowUp answer) {
    for (int i = 0; i < 3; i++) {
      server.answer(answer.status, "{}", answer.headers); // as many as OkHttp could want
    }
    try (DreaminaClient client = builder().build()) {
      DreaminaClient view = client.withOptions(o -> o.maxRetries(5));
      ApiException failure =
          answer.status >= 500 || answer.status == 408
              ? assertInstanceOf(ApiException.class, assertThrows(SubmissionUnknownException.class, () -> view.submit(request())).getCause())
              : assertThrows(ApiException.class, () -> view.submit(request()));
      assertEquals(answer.status, failure.statusCode());
    }
    assertEquals(1, server.count(), "requests that reached the server");
    assertEquals("POST", server.received().get(0).method());
    assertEquals(1, wireRecords(), "wire log records");
  }

  @ParameterizedTest
  @EnumSource(FollowUp.class)
  void anAsyncSubmitIsSentOnceWhateverTheAnswer(FollowUp answer) throws Exception {
    for (int i = 0; i < 3; i++) {
      server.answer(answer.status, "{}", answer.headers);
    }
    try (DreaminaClient client = builder().build()) {
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> client.async().submit(request()).get(10, TimeUnit.SECONDS));
      Throwable cause = failure.getCause() instanceof SubmissionUnknownException unknown ? unknown.getCause() : failure.getCause();
      assertEquals(answer.status, assertInstanceOf(ApiException.class, cause).statusCode());
    }
    assertEquals(1, server.count());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 5})
  void aStatusCallAnsweredRetryNowIsSentMaxRetriesPlusOneTimes(int maxRetries) {
    for (int i = 0; i < 10; i++) {
      server.answer(503, "{}", "Retry-After", "0");
    }
    try (DreaminaClient client = builder().maxRetryAfter(Duration.ofSeconds(1)).build()) {
      ServerException failure =
          assertThrows(ServerException.class, () -> client.withOptions(o -> o.maxRetries(maxRetries)).status(ID));
      assertEquals(Optional.of(Duration.ZERO), failure.retryAfter(), "the header OkHttp never saw is the SDK's");
    }
    assertEquals(maxRetries + 1, server.count());
    assertTrue(server.received().stream().allMatch(r -> r.path().equals("/" + prefix + "/v1/requests/" + ID + "/status") && r.method().equals("GET")));
    assertEquals(maxRetries + 1, wireRecords());
  }

  @Test
  void aStatusCallAnsweredRetryNowThenReadyReadsTheSecondAnswer() {
    server.answer(503, "{}", "Retry-After", "0").answer(200, status("in_queue"));
    try (DreaminaClient client = builder().build()) {
      RawResponse<RequestStatus> raw = client.withRawResponse().status(ID);
      assertEquals(200, raw.statusCode());
      assertEquals(Status.IN_QUEUE, raw.value().status());
    }
    assertEquals(2, server.count());
    assertEquals(List.of(Duration.ZERO), time.sleeps(), "the SDK's own retry, after the Retry-After it asked for");
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 421})
  void aStatusCallIsSentAsTheRetryPolicySays(int status) {
    for (int i = 0; i < 10; i++) {
      server.answer(status, "{}");
    }
    try (DreaminaClient client = builder().build()) {
      ApiException failure = assertThrows(ApiException.class, () -> client.status(ID));
      assertEquals(status, failure.statusCode());
    }
    assertEquals(status == 408 ? 3 : 1, server.count(), "408 is retried twice by the SDK; 421 is not retried");
  }

  @Test
  void anAuthenticatorOnTheUsersClientNeverAnswersA401() {
    AtomicInteger asked = new AtomicInteger();
    OkHttpClient users =
        new OkHttpClient.Builder()
            .authenticator(
                (route, response) -> {
                  asked.incrementAndGet();
                  return response.request().newBuilder().header("Authorization", "Bearer other").build();
                })
            .build();
    server.answer(401, "{}").answer(401, "{}").answer(200, "{}");
    try (DreaminaClient client = builder().httpClient(users).build()) {
      assertThrows(AuthenticationException.class, () -> client.submit(request()));
      assertThrows(AuthenticationException.class, () -> client.status(ID));
    }
    assertEquals(2, server.count());
    assertEquals(0, asked.get());
    assertTrue(server.received().stream().allMatch(r -> r.headers().get("authorization").equals("Bearer " + TOKEN)));
  }

  @Test
  void anInterceptorOnTheUsersClientThatRetriesIsRefused() {
    OkHttpClient users =
        new OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  okhttp3.Response first = chain.proceed(chain.request());
                  if (first.code() < 500) {
                    return first;
                  }
                  first.close();
                  return chain.proceed(chain.request()); // a common "retry on 5xx" interceptor
                })
            .build();
    server.answer(502, "{}").answer(200, "{}");
    try (DreaminaClient client = builder().httpClient(users).build()) {
      SubmissionUnknownException failure = assertThrows(SubmissionUnknownException.class, () -> client.submit(request()));
      assertTrue(failure.getMessage().contains("again by itself after HTTP 502"), failure.getMessage());
    }
    assertEquals(1, server.count());
    assertEquals(1, wireRecords());
  }
}
