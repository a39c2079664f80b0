package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code dreamina} processes on clocks 300 s off (libfaketime), sharing one journal database
 * (H2 over TCP, its clock this JVM's): leases are judged on the database's clock, so a {@code
 * resume} running ahead leaves a live {@code generate}'s job to it, a {@code generate} running
 * behind keeps its own, and each video is fetched once. The issue that asked for this measured 21
 * of 21 runs fetching the video twice before.
 */
class ClockSkewCommandTest {
  private static final Duration SKEW = Duration.ofSeconds(300);
  private static final Pattern WARNING =
      Pattern.compile("The journal's clock reads (\\S+) and this instance's (\\S+): (\\d+) s apart");

  private RunComfySandbox sandbox;
  private Server database;
  private String url;
  @TempDir Path dir;

  @BeforeEach
  void start() throws SQLException {
    try {
      Faketime.library();
    } catch (Faketime.Unavailable e) {
      abort("skipped, since this machine cannot run a process on a skewed clock: " + e.getMessage());
    }
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofSeconds(8)).start();
    database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    // A database of its own: in-memory ones are this JVM's, whichever server serves them.
    url = "jdbc:h2:tcp://localhost:" + database.getPort() + "/mem:skew-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    JdbcSubmissionJournal.of(JdbcUrlDataSource.of(url, Map.of())).createTableIfMissing();
  }

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
    if (database != null) {
      database.stop();
    }
  }

  private Map<String, String> env(Duration clockOff) throws Faketime.Unavailable {
    Map<String, String> env = new HashMap<>();
    env.put("RUNCOMFY_API_TOKEN", sandbox.apiToken());
    env.put("RUNCOMFY_BASE_URL", sandbox.baseUrl().toString());
    env.put("DREAMINA_JOURNAL", url);
    if (!clockOff.isZero()) {
      env.putAll(Faketime.offBy(clockOff));
    }
    return env;
  }

  @Test
  void aResumeWhoseClockRunsAheadLeavesALiveGeneratesJobToIt() throws Exception {
    fetchedOnceThough(Duration.ZERO, SKEW);
  }

  @Test
  void aGenerateWhoseClockRunsBehindKeepsItsJob() throws Exception {
    fetchedOnceThough(SKEW.negated(), Duration.ZERO);
  }

  /**
   * A {@code generate --lease 30s} with its clock {@code generateOff}, and {@code resume}s with
   * theirs {@code resumeOff}, one after another for as long as it runs: each resume leaves the job
   * to it, and the video is fetched once.
   */
  private void fetchedOnceThough(Duration generateOff, Duration resumeOff) throws Exception {
    Path video = dir.resolve("lighthouse.mp4");
    Path generateLog = dir.resolve("generate.log");
    Process generate =
        CliProcess.start(
            env(generateOff), generateLog, "--lease", "30s", "generate", "--prompt", "a lighthouse",
            "--image-url", "https://example.com/l.png", "-o", video.toString());
    String id = submitted(generate, generateLog);

    List<Integer> codes = new ArrayList<>();
    List<String> resumeLogs = new ArrayList<>();
    while (generate.isAlive()) {
      Path log = dir.resolve("resume-" + codes.size() + ".log");
      Process resume = CliProcess.start(env(resumeOff), log, "resume", id);
      assertTrue(resume.waitFor(60, TimeUnit.SECONDS));
      codes.add(resume.exitValue());
      String printed = Files.readString(log);
      resumeLogs.add(printed);
      assertTrue(
          resume.exitValue() == DreaminaCli.HELD || resume.exitValue() == 0 && printed.contains("already downloaded: "),
          resume.exitValue() + ": " + printed);
    }
    assertEquals(0, generate.waitFor(), Files.readString(generateLog));
    assertTrue(codes.contains(DreaminaCli.HELD), "a resume ran while generate held the job: " + codes);
    assertTrue(Files.size(video) > 10_000);
    long fetches = sandbox.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith("/files/" + id)).count();
    assertEquals(1, fetches, "fetched once, by generate");
    assertEquals(1, sandbox.submitRequestCount());

    String skewed = generateOff.isZero() ? String.join("\n", resumeLogs) : Files.readString(generateLog);
    Matcher warning = WARNING.matcher(skewed);
    assertTrue(warning.find(), "the skewed instance warned, naming both clocks: " + skewed);
    assertTrue(Math.abs(Long.parseLong(warning.group(3)) - SKEW.toSeconds()) <= 2, warning.group());
    JournalEntry entry = JdbcSubmissionJournal.of(JdbcUrlDataSource.of(url, Map.of())).entries().get(0);
    assertEquals(State.DOWNLOADED, entry.state());
  }

  /** The request id, once the child has submitted. */
  private String submitted(Process child, Path log) throws Exception {
    JdbcSubmissionJournal journal = JdbcSubmissionJournal.of(JdbcUrlDataSource.of(url, Map.of()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      List<JournalEntry> entries = journal.entries();
      if (!entries.isEmpty() && entries.get(0).state() == State.SUBMITTED) {
        return entries.get(0).requestId().orElseThrow();
      }
      Thread.sleep(20); // polls another process's progress, not a backoff
    }
    throw new AssertionError("the child never submitted: " + Files.readString(log));
  }
}
