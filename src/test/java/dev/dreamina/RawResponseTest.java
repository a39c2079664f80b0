package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.NotFoundException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import mockwebserver3.MockResponse;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/**
 * {@link DreaminaClient#withRawResponse()}: each plain call's value with the HTTP status and
 * headers it came with, blocking and async; the same calls otherwise.
 */
class RawResponseTest extends ApiTest {
  private static MockResponse answer(int code, String body) {
    return new MockResponse(
        code,
        Headers.of("Content-Type", "application/json", "X-Request-Id", "rc-77", "X-RateLimit-Remaining", "41", "Via", "a", "Via", "b"),
        body);
  }

  @Test
  void aStatusCallGivesItsStatusCodeAndHeaders() {
    server.enqueue(answer(200, TestServer.queuedJson(3)));
    RawResponse<RequestStatus> raw = client.withRawResponse().status(ID);
    assertEquals(200, raw.statusCode());
    assertEquals(Optional.of("rc-77"), raw.header("x-request-id"));
    assertEquals(Optional.of("41"), raw.header("X-RATELIMIT-REMAINING"));
    assertEquals(List.of("a", "b"), raw.headers().get("via"));
    assertEquals(Optional.empty(), raw.header("X-Absent"));
    assertEquals(Status.IN_QUEUE, raw.value().status());
    assertEquals(3, raw.value().queuePosition().getAsInt());
  }

  @Test
  void theAsyncViewGivesTheSame() {
    server.enqueue(answer(200, TestServer.queuedJson(2)));
    RawResponse<RequestStatus> raw = client.async().withRawResponse().status(ID).join();
    assertEquals(200, raw.statusCode());
    assertEquals(Optional.of("rc-77"), raw.header("X-Request-Id"));
    assertEquals(2, raw.value().queuePosition().getAsInt());

    server.enqueue(answer(200, "{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}"));
    assertEquals(CancelOutcome.CANCELLED, client.async().withRawResponse().cancel(ID).join().value().outcome());
  }

  @Test
  void everyPlainCallHasItsRawTwin() throws Exception {
    server.enqueue(answer(202, TestServer.submissionJson()));
    RawResponse<Submission> submitted = client.withRawResponse().submit(TestServer.request());
    assertEquals(202, submitted.statusCode());
    assertEquals(ID, submitted.value().requestId());
    assertEquals("POST", take(server).getMethod());

    server.enqueue(answer(200, TestServer.completedResultJson()));
    assertTrue(client.withRawResponse().result(ID).value().videoUrl().isPresent());
    server.enqueue(answer(200, "{\"model_id\":\"" + DreaminaClient.MODEL_ID + "\",\"base_price_usd\":0.10,\"price_unit\":\"second\"}"));
    RawResponse<Price> price = client.async().withRawResponse().price().join();
    assertEquals(new BigDecimal("0.10"), price.value().basePriceUsd());
    assertEquals(Optional.of("rc-77"), price.header("X-Request-Id"));
    server.enqueue(answer(200, TestServer.submissionJson()));
    assertEquals(ID, client.async().withRawResponse().submit(TestServer.request()).join().value().requestId());
  }

  @Test
  void retriedCallsShowTheAnswerThatCameLastAndErrorsAreThrownAsByThePlainCall() {
    server.enqueue(answer(503, "{}"));
    server.enqueue(answer(200, TestServer.statusJson("in_progress")));
    assertEquals(200, client.withRawResponse().status(ID).statusCode());
    assertEquals(2, server.getRequestCount());

    server.enqueue(answer(404, "{\"error_code\":404001}"));
    assertThrows(NotFoundException.class, () -> client.withRawResponse().result(ID));
    server.enqueue(answer(404, "{\"error_code\":404001}"));
    CompletionException e = assertThrows(CompletionException.class, () -> client.async().withRawResponse().result(ID).join());
    assertInstanceOf(NotFoundException.class, e.getCause());
  }

  @Test
  void aViewWithOptionsGivesRawResponsesToo() throws Exception {
    server.enqueue(answer(200, TestServer.statusJson("in_progress")));
    RawResponse<RequestStatus> raw = client.withOptions(o -> o.header("X-Trace-Id", "t-9")).withRawResponse().status(ID);
    assertEquals(Optional.of("rc-77"), raw.header("X-Request-Id"));
    assertEquals("t-9", take(server).getHeaders().get("X-Trace-Id"));
    assertTrue(raw.toString().startsWith("RawResponse{statusCode=200"), raw.toString());
  }
}
