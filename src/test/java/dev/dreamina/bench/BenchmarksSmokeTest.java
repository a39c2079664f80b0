package dev.dreamina.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark harness once at toy sizes, so it keeps compiling and working. It checks
 * what the harness counts, never how fast anything was.
 */
class BenchmarksSmokeTest {
  @Test
  void theHarnessRunsEveryBenchmarkAtTinyScale() throws Exception {
    Benchmarks run = new Benchmarks(Benchmarks.Scale.TINY);
    run.all();
    Map<String, String> figures = run.figures();

    assertEquals(String.valueOf(Benchmarks.Scale.TINY.jobs()), figures.get("b2.completed"));
    assertEquals(String.valueOf(Benchmarks.Scale.TINY.jobs()), figures.get("b2.submits"));
    assertEquals("40", figures.get("b7.completed"));
    for (String ratio : new String[] {"b1.submit.ratio", "b1.status.ratio", "b3.ratio", "b4.ratio", "b6.file.ratio", "b6.postgres.ratio", "b7.ratio", "b8.ratio.10000", "b8.pending.ratio", "b9.ratio.0", "b9.ratio.10000", "b9.flat"}) {
      assertTrue(Double.parseDouble(figures.get(ratio)) > 0, ratio + " was measured");
    }
  }
}
