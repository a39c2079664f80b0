package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real processes, eight threads each, on one file journal: an idempotency key makes one job
 * between them, and a daily budget of 10 USD at 0.50 a job lets exactly 20 through. Each run twice
 * ({@code -DstressRounds=12} runs the key's race more: it found a stale read, fixed, under load).
 */
class FileJournalProcessesTest {
  @TempDir Path dir;

  /** The ids each process printed, after starting three with the same arguments and letting them go at once. */
  private List<String> race(RunComfySandbox sandbox, String mode, int calls, int round) throws Exception {
    Path journal = dir.resolve(mode + "-" + round + ".json");
    Path go = dir.resolve(mode + "-" + round + ".go");
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path log = dir.resolve(mode + "-" + round + "-" + i + ".log");
      logs.add(log);
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dsun.net.httpserver.nodelay=true",
                  "-cp", System.getProperty("java.class.path"), FileJournalRacer.class.getName(),
                  mode, journal.toString(), sandbox.baseUrl().toString(), sandbox.apiToken(), String.valueOf(calls), go.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ready(go) < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10); // until the three JVMs have their clients, not a backoff
    }
    Files.createFile(go);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertTrue(processes.get(i).waitFor(120, TimeUnit.SECONDS), "process " + i + " ended");
      String printed = Files.readString(logs.get(i));
      assertEquals(0, processes.get(i).exitValue(), printed);
      printed.lines().filter(l -> l.startsWith("id ")).map(l -> l.substring(3)).forEach(ids::add);
    }
    return ids;
  }

  private long ready(Path go) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(go.getFileName() + ".ready.")).count();
    }
  }

  @Test
  void threeProcessesOnOneKeyMakeOneJob() throws Exception {
    for (int round = 0; round < Integer.getInteger("stressRounds", 2); round++) {
      try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(100)).start()) {
        List<String> ids = race(sandbox, "key", 10, round);
        assertEquals(30, ids.size(), "every call answered: " + ids);
        assertEquals(1, ids.stream().distinct().count(), "one request id for all: " + ids);
        assertEquals(1, sandbox.submitRequestCount(), "one submit reached the API");
      }
    }
  }

  @Test
  void threeProcessesNeverPassADailyBudgetTogether() throws Exception {
    for (int round = 0; round < 2; round++) {
      try (RunComfySandbox sandbox =
          RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ZERO).runTime(Duration.ofMillis(50)).start()) {
        List<String> ids = race(sandbox, "budget", 0, round);
        assertEquals(20, ids.size(), "10.00 USD at 0.50 a job: " + ids.size());
        assertEquals(20, sandbox.submitRequestCount(), "what reached the API");
      }
    }
  }
}
