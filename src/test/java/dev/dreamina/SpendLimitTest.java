package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client's spend limit, against the sandbox at 0.10 USD per second: 241 frames cost 1.00. */
class SpendLimitTest {
  private static final ImageToVideoRequest TEN_SECONDS =
      ImageToVideoRequest.builder().prompt("a fox in snow").imageUrl("https://example.com/fox.jpg").frames(241).build();
  private static final AwaitOptions QUICK = AwaitOptions.builder().pollInterval(Duration.ofMillis(10)).build();

  private static RunComfySandbox sandbox() {
    return RunComfySandbox.builder()
        .price(new BigDecimal("0.10"), "second")
        .queueTime(Duration.ofMillis(20))
        .runTime(Duration.ofMillis(20))
        .start();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sevenJobsFitInSevenFiftyAndTheEighthIsRefusedWithNothingSent(Mode mode) {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).spendLimit(new BigDecimal("7.50")).build()) {
      for (int i = 0; i < 7; i++) {
        mode.of(client).submit(TEN_SECONDS);
      }
      assertEquals(0, new BigDecimal("7.00").compareTo(client.spendCommitted()), client.spendCommitted().toString());

      SpendLimitException refused = assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS));
      assertEquals(new BigDecimal("7.50"), refused.limit());
      assertEquals(0, new BigDecimal("7.00").compareTo(refused.committed()));
      assertEquals(0, new BigDecimal("1.00").compareTo(refused.estimate().orElseThrow()));
      assertTrue(refused.getMessage().startsWith("Not submitted: this job (estimated 1.0"), refused.getMessage());
      assertEquals(7, sandbox.submitRequestCount(), "nothing sent for the eighth");
      assertEquals(1, sandbox.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith("/v1/models/")).count(),
          "the price was fetched once");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFailedJobGivesItsAmountBackSoAnEighthRuns(Mode mode) {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).spendLimit(new BigDecimal("7.50")).build()) {
      List<String> ids = new ArrayList<>();
      sandbox.failNextJob("out of GPUs");
      for (int i = 0; i < 7; i++) {
        ids.add(mode.of(client).submit(TEN_SECONDS).requestId());
      }
      assertThrows(GenerationFailedException.class, () -> mode.of(client).awaitResult(ids.get(0), QUICK));
      assertEquals(0, new BigDecimal("6.00").compareTo(client.spendCommitted()), client.spendCommitted().toString());

      mode.of(client).submit(TEN_SECONDS);
      assertEquals(8, sandbox.submitRequestCount());
      assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS));
      assertEquals(8, sandbox.submitRequestCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aLimitThatIsAnExactMultipleOfTheEstimateAcceptsTheLastJobThatFits(Mode mode) {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).spendLimit(new BigDecimal("3.00")).build()) {
      for (int i = 0; i < 3; i++) {
        mode.of(client).submit(TEN_SECONDS); // 1.00 each: the third brings it to exactly 3.00
      }
      assertEquals(0, new BigDecimal("3.00").compareTo(client.spendCommitted()));
      assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS));
      assertEquals(3, sandbox.submitRequestCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCancelledJobGivesItsAmountBackAsAFailedOneDoes(Mode mode) {
    try (RunComfySandbox queued = RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ofMinutes(5)).start();
        DreaminaClient client = SandboxClients.builderFor(queued).spendLimit(new BigDecimal("2.00")).build()) {
      String first = mode.of(client).submit(TEN_SECONDS).requestId();
      mode.of(client).submit(TEN_SECONDS);
      assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS), "2.00 of 2.00 committed");

      mode.of(client).cancel(first);
      GenerationFailedException cancelled = assertThrows(GenerationFailedException.class, () -> mode.of(client).awaitResult(first, QUICK));
      assertEquals(Status.CANCELLED, cancelled.status());
      assertEquals(0, new BigDecimal("1.00").compareTo(client.spendCommitted()), client.spendCommitted().toString());

      mode.of(client).submit(TEN_SECONDS);
      assertEquals(3, queued.submitRequestCount(), "the cancelled job's amount paid for another");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCompletedJobCountsAtItsRealCost(Mode mode) {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).spendLimit(new BigDecimal("5")).build()) {
      String id = mode.of(client).submit(TEN_SECONDS).requestId();
      RequestResult done = mode.of(client).awaitResult(id, QUICK);
      assertEquals(0, done.cost().orElseThrow().compareTo(client.spendCommitted()), "committed = the result's cost " + done.cost());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPriceThatCannotBeReadRefusesTheSubmitRatherThanGuess(Mode mode) {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).maxRetries(0).spendLimit(new BigDecimal("100")).build()) {
      sandbox.respondWithStatus(503, 1);
      SpendLimitException refused = assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS));
      assertEquals(Optional.empty(), refused.estimate());
      assertTrue(refused.getMessage().contains("the price cannot be read"), refused.getMessage());
      assertEquals(0, sandbox.submitRequestCount());
      assertEquals(0, BigDecimal.ZERO.compareTo(client.spendCommitted()));
    }
    try (RunComfySandbox sandbox = RunComfySandbox.builder().price(new BigDecimal("2"), "image").start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).spendLimit(new BigDecimal("100")).build()) {
      SpendLimitException refused = assertThrows(SpendLimitException.class, () -> mode.of(client).submit(TEN_SECONDS));
      assertTrue(refused.getMessage().contains("gives no estimate"), refused.getMessage());
      assertEquals(0, sandbox.submitRequestCount());
    }
  }
}
