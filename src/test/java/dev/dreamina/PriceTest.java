package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.TOKEN;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The price endpoint, the estimate, and the cost of a result. */
class PriceTest extends ApiTest {
  private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

  private static String priceJson(String price, String unit) {
    return "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":" + price + ",\"price_unit\":\"" + unit
        + "\",\"pricing_note\":\"per second of video\",\"currency_hint\":\"USD\"}";
  }

  @Test
  void priceReadsTheModelsPriceExactly() throws InterruptedException {
    server.enqueue(json(priceJson("0.1", "second")));

    Price price = client.price();

    RecordedRequest request = take(server);
    assertEquals("GET", request.getMethod());
    assertEquals("/v1/models/" + MODEL, request.getUrl().encodedPath());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    assertEquals(MODEL, price.modelId());
    assertEquals(new BigDecimal("0.1"), price.basePriceUsd());
    assertEquals("second", price.priceUnit());
    assertEquals(Optional.of("per second of video"), price.note());
    assertEquals(Map.of("currency_hint", "USD"), price.additionalProperties());
  }

  @Test
  void priceAsyncGivesTheSame() {
    server.enqueue(json(priceJson("0.25", "second")));

    assertEquals(new BigDecimal("0.25"), Mode.join(client.async().price()).basePriceUsd());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"model_id\":\"bytedance/other-model\",\"base_price_usd\":0.1,\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":null,\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":-0.1,\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":\"0.1\",\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":\"cheap\",\"price_unit\":\"second\"}",
        "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":0.1}",
        "{\"base_price_usd\":0.1,\"price_unit\":\"second\"}",
        "[0.1]"
      })
  void aBadPriceAnswerIsAnInvalidResponse(String body) {
    server.enqueue(json(body));

    InvalidResponseException e = assertThrows(InvalidResponseException.class, client::price);
    assertTrue(e.getMessage().startsWith("Unreadable answer from RunComfy") || e.getMessage().contains("JSON object"), e.getMessage());
  }

  @Test
  void theEstimateCountsSecondsFromFrames() {
    Price perSecond = new Price(MODEL, new BigDecimal("0.10"), "second", Optional.empty(), Map.of());
    ImageToVideoRequest base = TestServer.request();

    assertEquals(Optional.of(new BigDecimal("0.50")), perSecond.estimate(base.toBuilder().frames(121).build()));
    assertEquals(Optional.of(new BigDecimal("1.00")), perSecond.estimate(base.toBuilder().frames(241).build()));
    ImageToVideoRequest unset = ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build();
    assertEquals(Optional.of(new BigDecimal("0.50")), perSecond.estimate(unset), "unset frames count as 121");
  }

  @ParameterizedTest
  @ValueSource(strings = {"video", "request", "minute", "1k_tokens"})
  void anotherUnitHasNoEstimate(String unit) {
    Price price = new Price(MODEL, new BigDecimal("0.10"), unit, Optional.empty(), Map.of());

    assertEquals(Optional.empty(), price.estimate(TestServer.request()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void resultsAskForTheirCostAndCarryIt(Mode mode) throws InterruptedException {
    server.enqueue(json(TestServer.completedResultJson().replace("{", "{\"cost\":1.05,")));

    RequestResult result = mode.of(client).result(ID);

    assertEquals(Optional.of(new BigDecimal("1.05")), result.cost());
    assertEquals("include_cost=true", take(server).getUrl().query());
    assertTrue(result.additionalProperties().isEmpty(), result.additionalProperties().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1.05\"", "-1", "null", "{}"})
  void aBrokenCostIsLeftOutAndTheResultStillReads(String cost) {
    server.enqueue(json(TestServer.completedResultJson().replace("{", "{\"cost\":" + cost + ",")));

    RequestResult result = client.result(ID);

    assertEquals(Optional.empty(), result.cost());
    assertTrue(result.videoUrl().isPresent());
  }

  @Test
  void theSandboxServesPriceAndCostAsConfigured() {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder()
                .queueTime(java.time.Duration.ZERO)
                .runTime(java.time.Duration.ZERO)
                .price(new BigDecimal("0.08"), "second")
                .start();
        DreaminaClient real = SandboxClients.builderFor(sandbox).build()) {
      Price price = real.price();
      ImageToVideoRequest tenSeconds = TestServer.request().toBuilder().frames(241).build();

      RequestResult done = real.generate(tenSeconds);

      assertEquals(new BigDecimal("0.08"), price.basePriceUsd());
      assertEquals(Optional.of(new BigDecimal("0.80")), price.estimate(tenSeconds));
      assertEquals(0, price.estimate(tenSeconds).orElseThrow().compareTo(done.cost().orElseThrow()));
    }
  }
}
