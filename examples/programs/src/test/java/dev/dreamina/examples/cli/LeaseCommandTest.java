package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal leases across real {@code dreamina} processes: a {@code generate} that waits longer than
 * its lease keeps its job from a {@code resume} in another process, and a killed one's job is
 * taken at once by a {@code resume} on the same machine, its lease still running.
 */
class LeaseCommandTest {
  private RunComfySandbox sandbox;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "RUNCOMFY_API_TOKEN", sandbox.apiToken(),
        "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString(),
        "DREAMINA_JOURNAL", dir.resolve("journal.json").toString());
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return DreaminaCli.run(args, env(), new PrintWriter(out, true), new PrintWriter(err, true), false);
  }

  /** {@code dreamina --lease 1s generate …} as a real process, its output to {@code log}. */
  private Process generate(Path video, Path log) throws Exception {
    return generate(video, log, "1s");
  }

  private Process generate(Path video, Path log, String lease) throws Exception {
    return CliProcess.start(
        env(), log, "--lease", lease, "generate", "--prompt", "a lighthouse", "--image-url", "https://example.com/l.png", "-o", video.toString());
  }

  /** The one journal entry, once the child has submitted and holds its lease. */
  private JournalEntry submitted(Process child, Path log) throws Exception {
    Path journal = dir.resolve("journal.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      List<JournalEntry> entries = Files.exists(journal) ? FileSubmissionJournal.open(journal).entries() : List.of();
      if (!entries.isEmpty() && entries.get(0).state() == State.SUBMITTED) {
        return entries.get(0);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the child never submitted: " + Files.readString(log));
  }

  private long fetches(String requestId) {
    return sandbox.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/files/" + requestId))
        .map(RecordedCall::path)
        .count();
  }

  @Test
  void aGenerateWaitingLongerThanItsLeaseKeepsItsJobFromAResumeElsewhere() throws Exception {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofSeconds(4)).start();
    Path video = dir.resolve("lighthouse.mp4");
    Path log = dir.resolve("generate.log");
    Process child = generate(video, log);
    JournalEntry entry = submitted(child, log);
    String id = entry.requestId().orElseThrow();

    List<Integer> codes = new ArrayList<>();
    while (child.isAlive()) {
      int code = run("resume", id);
      codes.add(code);
      assertFalse(out.toString().contains("saved"), out.toString());
      // Once generate has downloaded (even while this resume read the entry or waited), a resume
      // finds the job done, says so and fetches nothing.
      assertTrue(code == DreaminaCli.HELD || code == 0 && out.toString().contains("already downloaded: "), code + ": " + out + err);
      Thread.sleep(200); // paces the resumes over the four-second job, not a backoff
    }
    assertEquals(0, child.waitFor(), Files.readString(log));
    long held = codes.stream().filter(c -> c == DreaminaCli.HELD).count();
    assertTrue(held >= 10, "resumes ran all through the wait, past several one-second leases, each leaving the job to generate: " + codes);
    assertTrue(Files.size(video) > 10_000);
    assertEquals(1, fetches(id), "the video was fetched once, by generate");

    assertEquals(0, run("pending"), err.toString());
    assertTrue(out.toString().contains("nothing pending"), out.toString());
    assertEquals(1, sandbox.submitRequestCount());
  }

  @Test
  void aKilledGeneratesJobIsResumedAtOnceOnTheSameMachine() throws Exception {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofSeconds(1)).start();
    Path video = dir.resolve("lighthouse.mp4");
    Path log = dir.resolve("generate.log");
    Process child = generate(video, log, "10m");
    JournalEntry entry = submitted(child, log);
    String id = entry.requestId().orElseThrow();
    child.destroyForcibly(); // SIGKILL: no lease given up, no download
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    Path journal = dir.resolve("journal.json");
    JournalLease lease = FileSubmissionJournal.open(journal).lease(entry.localId()).orElseThrow();
    assertTrue(lease.owner().startsWith(lease.owner().split("/")[0] + "/" + child.pid() + "/"), "the owner names the process: " + lease.owner());

    assertEquals(0, run("pending"), err.toString());
    assertTrue(lease.until().isAfter(Instant.now().plusSeconds(60)), "its lease runs for minutes yet: " + lease);
    assertTrue(
        out.toString().contains("  held by process " + child.pid() + " on this machine (" + lease.owner() + "), which no longer runs"),
        "pending says the holder is gone: " + out);

    // Its lease has not run out, but its process no longer runs: taken at once, and said so.
    assertEquals(0, run("resume", id), err.toString());
    assertTrue(Files.size(video) > 10_000);
    assertEquals(1, fetches(id));
    assertEquals(Optional.empty(), FileSubmissionJournal.open(journal).lease(entry.localId()), "given up when done");
    assertEquals(State.DOWNLOADED, FileSubmissionJournal.open(journal).entries().get(0).state());
    assertEquals(1, sandbox.submitRequestCount());
  }
}
