package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DreaminaClientBuilder#reuseIdentical}: a request identical to a completed one, its seed fixed, is that job. */
class ReuseIdenticalTest {
  private static final ImageToVideoRequest FIXED =
      ImageToVideoRequest.builder().prompt("a lighthouse").imageUrl("https://example.com/l.png").frames(121).seed(7).build();

  @TempDir Path dir;

  private DreaminaClient client(RunComfySandbox sandbox, boolean reuse) {
    return SandboxClients.builderFor(sandbox).journal(FileSubmissionJournal.open(dir.resolve("journal.json"))).reuseIdentical(reuse).build();
  }

  private static RunComfySandbox sandbox() {
    return RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(50)).start();
  }

  @Test
  void anIdenticalRequestWithAFixedSeedIsTheCompletedJobAcrossClients() {
    try (RunComfySandbox sandbox = sandbox()) {
      String first;
      try (DreaminaClient client = client(sandbox, true)) {
        first = client.generate(FIXED).requestId();
        assertEquals(first, client.generate(FIXED).requestId(), "the same job, not paid again");
        assertEquals(first, client.submit(FIXED).requestId());
      }
      try (DreaminaClient nextRun = client(sandbox, true)) {
        assertEquals(first, nextRun.generate(FIXED).requestId(), "in a later run too");
        assertNotEquals(first, nextRun.generate(FIXED.toBuilder().seed(8).build()).requestId(), "another seed: another video");
        String random1 = nextRun.submit(FIXED.toBuilder().seed(-1).build()).requestId();
        String random2 = nextRun.submit(FIXED.toBuilder().seed(-1).build()).requestId();
        assertNotEquals(random1, random2, "a random seed makes a new video each time");
        nextRun.submit(ImageToVideoRequest.builder().prompt("a lighthouse").imageUrl("https://example.com/l.png").build());
        assertEquals(5, sandbox.submitRequestCount(), "the first, seed 8, two random, one unset");
        assertTrue(nextRun.journalEntry(first).orElseThrow().idempotencyKey().orElseThrow().matches("identical:[0-9a-f]{64}#0"));
      }
    }
  }

  @Test
  void aFailedIdenticalJobIsNotReusedTheNextAttemptIs() {
    try (RunComfySandbox sandbox = sandbox(); DreaminaClient client = client(sandbox, true)) {
      sandbox.failNextJob("the model refused the image");
      assertThrows(GenerationFailedException.class, () -> client.generate(FIXED));
      String second = client.generate(FIXED).requestId();
      assertEquals(2, sandbox.submitRequestCount(), "the failure was not reused");
      assertEquals(second, client.generate(FIXED).requestId(), "the completed second attempt is");
      assertEquals(2, sandbox.submitRequestCount());
      assertTrue(client.journalEntry(second).orElseThrow().idempotencyKey().orElseThrow().endsWith("#1"));
    }
  }

  @Test
  void identicalRequestsAtOnceShareOneJob() throws Exception {
    try (RunComfySandbox sandbox = sandbox(); DreaminaClient client = client(sandbox, true)) {
      List<CompletableFuture<RequestResult>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(client.async().generate(FIXED));
      }
      Set<String> ids = new java.util.HashSet<>();
      for (CompletableFuture<RequestResult> f : all) {
        ids.add(f.get(30, TimeUnit.SECONDS).requestId());
      }
      assertEquals(1, ids.size(), ids.toString());
      assertEquals(1, sandbox.submitRequestCount());
    }
  }

  @Test
  void offByDefaultAndItNeedsAJournal() {
    try (RunComfySandbox sandbox = sandbox(); DreaminaClient client = client(sandbox, false)) {
      Set<String> ids = List.of(client.submit(FIXED), client.submit(FIXED)).stream().map(Submission::requestId).collect(Collectors.toSet());
      assertEquals(2, ids.size(), "each identical submit is a job of its own");
    }
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DreaminaClient.builder().apiToken("t").reuseIdentical(true).build());
    assertTrue(e.getMessage().contains("journal"), e.getMessage());
  }
}
