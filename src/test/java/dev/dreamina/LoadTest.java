package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 1,000 jobs generated at once against the sandbox while it answers 10% of all calls with 503 and
 * drops 2% of reads unanswered. Every job must end completed or with the right typed exception,
 * and no job may be lost or paid twice.
 */
class LoadTest {
  static final int JOBS = 1000;

  @Test
  void aThousandJobsUnderFaultsAreNeitherLostNorDuplicated() throws Exception {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder()
                .queueTime(Duration.ofMillis(200))
                .runTime(Duration.ofMillis(200))
                .runTimeSpread(Duration.ofMillis(600))
                .start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).build()) {
      sandbox.randomFaults(0.10, 503, 0.02, 20261124L);
      AwaitOptions options =
          AwaitOptions.builder()
              .pollInterval(Duration.ofMillis(100))
              .maxPollInterval(Duration.ofMillis(300))
              .timeout(Duration.ofMinutes(2))
              .build();
      List<CompletableFuture<RequestResult>> jobs = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        jobs.add(client.async().generate(TestServer.request(), options));
      }

      Map<String, Integer> outcomes = new TreeMap<>();
      for (CompletableFuture<RequestResult> job : jobs) {
        String outcome;
        try {
          job.get(3, TimeUnit.MINUTES);
          outcome = "completed";
        } catch (java.util.concurrent.ExecutionException e) {
          outcome = e.getCause().getClass().getSimpleName();
          assertTrue(!(e.getCause() instanceof CompletionException), "unwrapped cause");
        }
        outcomes.merge(outcome, 1, Integer::sum);
      }
      int completed = outcomes.getOrDefault("completed", 0);
      int unknown = outcomes.getOrDefault("SubmissionUnknownException", 0);

      // A submit answered 503 may have created a job as far as the client can tell: it is never
      // retried and is reported as SubmissionUnknownException. Reads are retried or re-polled.
      assertEquals(JOBS, completed + unknown, "every job completes or is an unknown submit: " + outcomes);
      assertEquals(JOBS, sandbox.submitRequestCount(), "each job's submit was sent exactly once");
      assertEquals(sandbox.submitCount(), completed, "every job the sandbox created completed");
      assertTrue(unknown > 0 && unknown < JOBS / 5, "about 10% of submits met a 503: " + outcomes);
      System.out.println("LoadTest outcomes: " + outcomes + ", submits sent " + sandbox.submitRequestCount()
          + ", jobs created " + sandbox.submitCount() + ", requests " + sandbox.requests().size());
    }
  }
}
