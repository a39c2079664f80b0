package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet under chaos: three instances, each a real JVM ({@link ChaosInstance}) running its share
 * of one set of jobs as a resumable batch plus recovery passes, on the real PostgreSQL journal and
 * one sandbox. Instances are SIGKILLed and started again at random, and the database cuts every
 * connection twice. In the end every job is paid at most once, every job with a request id is
 * downloaded to the end once (a video is fetched again only after a kill mid-download),
 * and no finished row keeps a lease.
 */
class ChaosTest {
  private static final int JOBS = 30;
  private static final int INSTANCES = 3;
  private static final long LEASE_MS = 2000;
  private static final Pattern PROMPT = Pattern.compile("\"prompt\":\"chaos job (\\d+)\"");

  @TempDir Path dir;

  static ImageToVideoRequest request(int k) {
    return ImageToVideoRequest.builder().prompt("chaos job " + k).imageUrl("https://example.com/" + k + ".png").frames(121).seed(k).build();
  }

  @Test
  void aFleetKilledAndCutAtRandomPaysEachJobOnceAndFetchesEachVideoOnce() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String url = TestPostgres.get().newDatabase();
    JdbcSubmissionJournal.of(TestPostgres.dataSource(url)).createTableIfMissing();
    Path videos = Files.createDirectories(dir.resolve("videos"));
    try (RunComfySandbox sandbox =
        RunComfySandbox.builder()
            .queueTime(Duration.ofMillis(100))
            .runTime(Duration.ofMillis(300))
            .runTimeSpread(Duration.ofMillis(700))
            .start()) {
      Process[] instances = new Process[INSTANCES];
      int[] generation = new int[INSTANCES];
      for (int i = 0; i < INSTANCES; i++) {
        instances[i] = start(sandbox, url, i, 0, videos);
      }
      int kills = 0;
      int cuts = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
      while (!allDone(instances)) {
        assertTrue(System.nanoTime() < deadline, "the fleet never finished (seed " + seed + "): " + logs());
        Thread.sleep(150 + random.nextInt(600)); // paces the chaos; nothing waits for a backoff
        for (int i = 0; i < INSTANCES; i++) {
          if (!instances[i].isAlive() && instances[i].exitValue() != 0) {
            fail("instance " + i + " failed (seed " + seed + "): " + Files.readString(log(i, generation[i])));
          }
        }
        int victim = random.nextInt(INSTANCES);
        if (kills < 8 && instances[victim].isAlive() && random.nextBoolean()) {
          instances[victim].destroyForcibly(); // SIGKILL: mid-submit, mid-wait or mid-download
          instances[victim].waitFor();
          kills++;
          instances[victim] = start(sandbox, url, victim, ++generation[victim], videos);
        } else if (cuts < 2 && random.nextInt(4) == 0) {
          cutEveryConnection(url);
          cuts++;
        }
      }
      String context = "seed " + seed + ", " + kills + " kills, " + cuts + " cuts";

      Map<Integer, Long> submitsPerJob =
          sandbox.requests().stream()
              .filter(r -> r.method().equals("POST") && r.path().startsWith("/v1/models/"))
              .map(r -> PROMPT.matcher(r.body()))
              .filter(Matcher::find)
              .collect(Collectors.groupingBy(m -> Integer.parseInt(m.group(1)), Collectors.counting()));
      assertTrue(submitsPerJob.values().stream().allMatch(n -> n == 1), "each job paid once at most (" + context + "): " + submitsPerJob);

      List<JournalEntry> entries = JdbcSubmissionJournal.of(TestPostgres.dataSource(url)).entries(); // the pool's connections were cut
      assertEquals(JOBS, entries.size(), context);
      List<JournalEntry> unknown = new ArrayList<>();
      String logs = logs();
      long refetched = 0;
      Map<String, Long> fetches =
          sandbox.requests().stream()
              .filter(r -> r.method().equals("GET") && r.path().startsWith("/files/"))
              .collect(Collectors.groupingBy(RecordedCall::path, Collectors.counting()));
      for (JournalEntry e : entries) {
        if (e.requestId().isEmpty()) {
          // Killed between sending a submit and journaling its answer: never sent again, left for a person.
          assertTrue(e.state() == State.INTENT || e.state() == State.UNKNOWN, e + " (" + context + ")");
          unknown.add(e);
          continue;
        }
        assertEquals(State.DOWNLOADED, e.state(), e + " (" + context + ")");
        assertTrue(Files.size(e.target().orElseThrow()) > 10_000, e.toString());
        String id = e.requestId().get();
        long downloads = logs.lines().filter(l -> l.contains(" downloaded " + id + " on ")).count();
        // At most once: a process killed between recording DOWNLOADED and telling its listener tells nothing.
        assertTrue(downloads <= 1, () -> "downloaded to the end once at most: " + e + " (" + context + ")\n"
            + about(logs, id, e.localId())
            + "\n" + downloads + " times");
        refetched += fetches.get("/files/" + id + "/output.mp4") - 1;
      }
      assertEquals(JOBS - unknown.size(), fetches.size(), "no other video fetched (" + context + ")");
      // A process killed mid-download (its fetch begun, its DOWNLOADED not yet written) is the only
      // way a video is fetched again: the next holder cannot know the bytes arrived.
      assertTrue(refetched <= kills, refetched + " fetches again for " + kills + " kills (" + context + ")");
      // A kill cuts off at most the submits in flight: four per instance (its batch's concurrency).
      assertTrue(unknown.size() <= 4 * kills, "only a kill mid-submit leaves a job without a request id: " + unknown);
      assertEquals(0, leasesOnFinishedRows(url), "no lease left on a finished row (" + context + ")");
      // The count above reads the instances' logs: they must show the downloads (less those a kill cut off).
      long seen = logs.lines().filter(l -> l.contains(" downloaded ") && l.contains(" on ")).count();
      assertTrue(seen > 0 && seen >= JOBS - unknown.size() - kills, seen + " downloads in the logs (" + context + ")");
      System.out.println("ChaosTest: " + context + ", " + unknown.size() + " submit(s) cut off by a kill, "
          + refetched + " download(s) cut off by a kill and fetched again");
    }
  }

  private Process start(RunComfySandbox sandbox, String url, int index, int generation, Path videos) throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dsun.net.httpserver.nodelay=true",
            "-cp", System.getProperty("java.class.path"),
            ChaosInstance.class.getName(),
            url, sandbox.baseUrl().toString(), sandbox.apiToken(), "instance-" + index + "-gen-" + generation, "chaos",
            String.valueOf(index), String.valueOf(INSTANCES), String.valueOf(JOBS), videos.toString(), String.valueOf(LEASE_MS))
        .redirectErrorStream(true)
        .redirectOutput(log(index, generation).toFile())
        .start();
  }

  private Path log(int index, int generation) {
    return dir.resolve("instance-" + index + "-gen-" + generation + ".log");
  }

  private String logs() throws Exception {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        all.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
      }
    }
    return all.toString();
  }

  /** The whole log of each instance that names the job. */
  private static String about(String logs, String requestId, String localId) {
    StringBuilder out = new StringBuilder();
    for (String log : logs.split("\n--- ")) {
      if (log.contains(requestId) || log.contains(localId)) {
        out.append("\n--- ").append(log);
      }
    }
    return out.toString();
  }

  private static boolean allDone(Process[] instances) {
    for (Process p : instances) {
      if (p.isAlive() || p.exitValue() != 0) {
        return false;
      }
    }
    return true;
  }

  /** The server ends every other connection to the database, as a failover would. */
  private static void cutEveryConnection(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }

  private static int leasesOnFinishedRows(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT COUNT(*) FROM dreamina_journal WHERE lease_owner IS NOT NULL"
                    + " AND (state IN ('NOT_SUBMITTED', 'FAILED', 'CANCELLED', 'DOWNLOADED', 'DISMISSED')"
                    + " OR (state = 'COMPLETED' AND target IS NULL))")) {
      r.next();
      return r.getInt(1);
    }
  }
}
