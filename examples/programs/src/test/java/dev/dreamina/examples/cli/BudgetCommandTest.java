package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dreamina --budget …} and {@code dreamina budget}. The sandbox charges 0.10 USD a second: 0.50 a 121-frame job. */
class BudgetCommandTest {
  private RunComfySandbox sandbox;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  @BeforeEach
  void start() {
    sandbox = RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ZERO).runTime(Duration.ofMillis(20)).start();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private int run(Map<String, String> extra, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    Map<String, String> env = new HashMap<>(Map.of(
        "RUNCOMFY_API_TOKEN", sandbox.apiToken(),
        "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString(),
        "DREAMINA_JOURNAL", dir.resolve("journal.json").toString()));
    env.putAll(extra);
    return DreaminaCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false);
  }

  private int generate(Map<String, String> env, String name) {
    return run(env, "generate", "--prompt", "a " + name, "--image-url", "https://example.com/" + name + ".png", "-o",
        dir.resolve(name + ".mp4").toString());
  }

  @Test
  void aBudgetRefusesTheSubmitThatWouldPassItAndBudgetPrintsWhatIsLeft() throws Exception {
    Map<String, String> oneDollarADay = Map.of("DREAMINA_BUDGET", "1/day, 100/month");
    assertEquals(0, generate(oneDollarADay, "fox"), err.toString());
    assertEquals(0, generate(oneDollarADay, "cat"), err.toString());
    assertEquals(DreaminaCli.OVER_BUDGET, generate(oneDollarADay, "owl"), out + "" + err);
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertTrue(err.toString().contains("would pass the budget of 1 USD per day (UTC): 1 USD is committed in day:" + today + "@UTC"), err.toString());
    assertEquals(2, sandbox.submitRequestCount(), "nothing sent for the owl");

    assertEquals(0, run(Map.of(), "--budget", "1/day", "--budget", "100/month", "budget", "--json"), err.toString());
    JsonNode windows = new ObjectMapper().readTree(out.toString());
    assertEquals(2, windows.size(), out.toString());
    assertEquals("day:" + today + "@UTC", windows.get(0).get("window").asText());
    assertEquals("day", windows.get(0).get("period").asText());
    assertEquals(0, new BigDecimal("1.00").compareTo(windows.get(0).get("committed").decimalValue()));
    assertEquals(0, BigDecimal.ZERO.compareTo(windows.get(0).get("remaining").decimalValue()));
    assertEquals("month:" + today.substring(0, 7) + "@UTC", windows.get(1).get("window").asText());
    assertEquals(0, new BigDecimal("99").compareTo(windows.get(1).get("remaining").decimalValue()));

    assertEquals(0, run(oneDollarADay, "budget"), err.toString());
    assertTrue(out.toString().startsWith("day:" + today + "@UTC  committed 1 USD of 1, 0 USD left  (1 USD per day (UTC))"), out.toString());
  }

  @Test
  void budgetWithoutABudgetOrWithABadOneIsAUsageError() {
    assertEquals(DreaminaCli.USAGE, run(Map.of(), "budget"));
    assertTrue(err.toString().contains("no budget: pass --budget 50/day"), err.toString());
    assertEquals(DreaminaCli.USAGE, run(Map.of(), "--budget", "50/week", "budget"));
    assertTrue(err.toString().contains("'50/week' is not a budget: write it as 50/day, 500/month or 1000/total"), err.toString());
    assertEquals(0, sandbox.submitRequestCount());
  }
}
