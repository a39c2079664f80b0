package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dreamina generate --idempotency-key}, as real processes. */
class IdempotencyKeyCommandTest {
  private RunComfySandbox sandbox;
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

  private Process generate(Path video, Path log, String key, String prompt) throws Exception {
    return CliProcess.start(
        env(), log, "generate", "--prompt", prompt, "--image-url", "https://example.com/l.png", "-o", video.toString(),
        "--idempotency-key", key);
  }

  private static String run(Process process, Path log, int expectedExit) throws Exception {
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ended");
    String printed = Files.readString(log);
    assertEquals(expectedExit, process.exitValue(), printed);
    return printed;
  }

  @Test
  void generateRunTwiceWithAKeyPaysOnceAndDownloadsOnce() throws Exception {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(300)).start();
    Path video = dir.resolve("order-8812.mp4");
    String first = run(generate(video, dir.resolve("1.log"), "order-8812", "a lighthouse"), dir.resolve("1.log"), 0);
    String id = first.lines().filter(l -> l.startsWith("request_id: ")).findFirst().orElseThrow().substring(12);
    assertTrue(Files.size(video) > 10_000);

    String second = run(generate(video, dir.resolve("2.log"), "order-8812", "a lighthouse"), dir.resolve("2.log"), 0);
    assertTrue(second.contains("request_id: " + id), second);
    assertTrue(second.contains("already downloaded: " + video.toAbsolutePath()), second);
    assertEquals(1, sandbox.submitRequestCount(), "one paid job");
    assertEquals(1, sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), "fetched once");

    Files.delete(video);
    String third = run(generate(video, dir.resolve("3.log"), "order-8812", "a lighthouse"), dir.resolve("3.log"), 0);
    assertTrue(third.contains("request_id: " + id), third);
    assertTrue(Files.size(video) > 10_000, "the file gone: fetched again, from the same job");
    assertEquals(1, sandbox.submitRequestCount());

    String other = run(generate(dir.resolve("other.mp4"), dir.resolve("4.log"), "order-8812", "a castle"), dir.resolve("4.log"), DreaminaCli.VALIDATION);
    assertTrue(other.contains("Idempotency key \"order-8812\" was first used with another request (prompt differ"), other);
    assertEquals(1, sandbox.submitRequestCount(), "nothing sent");
  }

  /**
   * The key's first {@code generate} is SIGKILLed after its submit reached the API and before the
   * answer came back: its intent stays, and a second run with the key sends nothing and exits 8.
   */
  @Test
  void aKeyWhoseFirstRunWasKilledMidSubmitIsNeverSubmittedAgain() throws Exception {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(300)).start();
    sandbox.holdSubmitAnswers();
    Path video = dir.resolve("order-9.mp4");
    Process first = generate(video, dir.resolve("1.log"), "order-9", "a lighthouse");
    CliProcess.untilSubmitted(sandbox, 1, dir.resolve("1.log"));
    first.destroyForcibly(); // SIGKILL
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    sandbox.releaseSubmitAnswers();
    List<JournalEntry> entries = FileSubmissionJournal.open(dir.resolve("journal.json")).entries();
    assertEquals(State.INTENT, entries.get(0).state(), "its intent, with no answer recorded");

    String second = run(generate(video, dir.resolve("2.log"), "order-9", "a lighthouse"), dir.resolve("2.log"), DreaminaCli.SUBMISSION_UNKNOWN);
    assertTrue(second.contains("idempotency key \"order-9\""), second);
    assertTrue(second.contains("dismiss journal entry " + entries.get(0).localId()), second);
    assertEquals(1, sandbox.submitRequestCount(), "nothing sent again");
  }
}
