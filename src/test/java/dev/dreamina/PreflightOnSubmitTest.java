package dev.dreamina;

import static dev.dreamina.TestImages.image;
import static dev.dreamina.TestImages.serve;
import static dev.dreamina.TestServer.TOKEN;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.submissionJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.preflight.PreflightReport;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's opt-in preflight: a bad image means no submit; the image host never sees the token. */
class PreflightOnSubmitTest {
  private MockWebServer api;
  private MockWebServer images;
  private DreaminaClient client;

  @BeforeEach
  void start() throws IOException {
    api = new MockWebServer();
    api.start();
    images = new MockWebServer();
    TestTls.useHttps(images); // requests accept only https image URLs
    images.start();
    client =
        TestServer.clientFor(api, new FakeTime())
            .httpClient(TestTls.trustingClient())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
    images.close();
  }

  private ImageToVideoRequest requestFor(String path) {
    return TestServer.request().toBuilder().imageUrl(images.url(path).toString()).build();
  }

  @Test
  void aFailingImageThrowsThePagesMessagesAndSubmitsNothing() throws InterruptedException {
    images.enqueue(serve(image("png", 4097, 2000), "image/png"));

    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () -> client.withPreflight(true).submit(requestFor("/wide.png")));

    assertEquals(1, e.violations().size());
    InvalidRequestException.Violation violation = e.violations().get(0);
    assertEquals("image_urls", violation.field());
    assertTrue(violation.message().startsWith("Maximum resolution is 4096x4096. ("), violation.message());
    assertTrue(violation.message().contains("4097x2000"), violation.message());
    assertEquals(0, api.getRequestCount(), "no submit may be sent");
    assertEquals(1, images.getRequestCount());
  }

  @Test
  void everyFailedRuleBecomesAViolation() {
    images.enqueue(serve(image("jpeg", 5000, 300), "image/jpeg"));

    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () -> client.withPreflight(true).generate(requestFor("/bad.jpg")));

    assertEquals(3, e.violations().size(), e::getMessage);
    assertEquals(0, api.getRequestCount());
  }

  @Test
  void anUnreachableImageIsAnInvalidRequestToo() {
    images.enqueue(TestServer.json(403, "{}"));

    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () -> client.withPreflight(true).submit(requestFor("/private.png")));

    assertTrue(e.violations().get(0).message().contains("HTTP 403"), e::getMessage);
    assertEquals(0, api.getRequestCount());
  }

  @Test
  void aPassingImageIsSubmittedAndItsHostNeverSeesTheToken() throws InterruptedException {
    images.enqueue(serve(image("png", 1280, 720), "image/png"));
    api.enqueue(json(submissionJson()));
    DreaminaClient preflighting =
        TestServer.clientFor(api, new FakeTime())
            .httpClient(TestTls.trustingClient())
            .preflightImages(true)
            .build();

    Submission submission = preflighting.submit(requestFor("/ok.png"));

    assertEquals(TestServer.ID, submission.requestId());
    RecordedRequest fetch = images.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("GET", fetch.getMethod());
    assertNull(fetch.getHeaders().get("Authorization"));
    assertFalse(fetch.getHeaders().toString().contains(TOKEN));
    RecordedRequest submit = api.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("POST", submit.getMethod());
    assertEquals("Bearer " + TOKEN, submit.getHeaders().get("Authorization"));
    preflighting.close();
  }

  @Test
  void theAsyncViewPreflightsOnTheBlockingExecutorNeverOnTheCommonPool() throws Exception {
    images.enqueue(serve(image("png", 1280, 720), "image/png"));
    images.enqueue(serve(image("png", 100, 100), "image/png"));
    api.enqueue(json(submissionJson()));
    List<String> ranOn = new CopyOnWriteArrayList<>();
    Executor recording =
        task -> new Thread(() -> {
          ranOn.add("blocking");
          task.run();
        }).start();
    try (DreaminaClient preflighting =
        TestServer.clientFor(api, new FakeTime())
            .httpClient(TestTls.trustingClient())
            .preflightImages(true)
            .blockingExecutor(recording)
            .build()) {
      Submission submission = Mode.join(preflighting.async().submit(requestFor("/ok.png")));
      assertEquals(TestServer.ID, submission.requestId());
      assertEquals(List.of("blocking"), ranOn, "the fetch ran on the blocking executor");

      InvalidRequestException e =
          assertThrows(InvalidRequestException.class, () -> Mode.join(preflighting.async().submit(requestFor("/small.png"))));
      assertEquals("image_urls", e.violations().get(0).field());
      assertEquals(2, ranOn.size());
      assertEquals(1, api.getRequestCount(), "the failing image was never submitted");
    }
  }

  @Test
  void preflightIsOffByDefaultAndCanBeTurnedOffPerCall() throws InterruptedException {
    api.enqueue(json(submissionJson()));
    api.enqueue(json(submissionJson()));
    DreaminaClient preflighting =
        TestServer.clientFor(api, new FakeTime())
            .httpClient(TestTls.trustingClient())
            .preflightImages(true)
            .build();

    client.submit(requestFor("/never-fetched.png"));
    preflighting.withPreflight(false).submit(requestFor("/never-fetched.png"));

    assertEquals(0, images.getRequestCount());
    assertEquals(2, api.getRequestCount());
    assertFalse(client.preflightsImages());
    assertTrue(preflighting.preflightsImages());
    assertSame(client, client.withPreflight(false));
    preflighting.close();
  }

  @Test
  void theClientsPreflightSharesItsConnectionsAndSendsNoToken() throws InterruptedException {
    images.enqueue(serve(image("jpeg", 640, 640), "image/jpeg"));

    PreflightReport report = client.imagePreflight().check(images.url("/a.jpg").uri());

    assertTrue(report.passes(), report::toString);
    assertNull(images.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
  }
}
