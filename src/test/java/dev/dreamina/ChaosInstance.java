package dev.dreamina;

import dev.dreamina.batch.BatchItem;
import dev.dreamina.batch.BatchOptions;
import dev.dreamina.batch.BatchOutcome;
import dev.dreamina.batch.BatchReport;
import dev.dreamina.journal.JdbcSubmissionJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a fleet, as {@link ChaosTest} starts it in its own JVM: it runs its share of one
 * set of jobs as a resumable batch, and a recovery pass every 300 ms, on one PostgreSQL journal,
 * until every job of the account with a request id is finished. Then it prints {@code DONE} and
 * exits 0. Killed at any moment, it is started again under a new instance id.
 *
 * <p>Arguments: JDBC URL, API base URL, token, instance id, batch id, this instance's index,
 * instances, jobs, output folder, lease in milliseconds.
 */
public final class ChaosInstance {
  private ChaosInstance() {}

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    int index = Integer.parseInt(args[5]);
    int instances = Integer.parseInt(args[6]);
    int jobs = Integer.parseInt(args[7]);
    Path out = Path.of(args[8]);
    AwaitOptions quick =
        AwaitOptions.builder().pollInterval(Duration.ofMillis(50)).maxPollInterval(Duration.ofMillis(200)).timeout(Duration.ofSeconds(20)).build();
    try (DreaminaClient client =
        DreaminaClient.builder()
            .apiToken(args[2])
            .baseUrl(args[1])
            .journal(JdbcSubmissionJournal.of(TestPostgres.pooled(jdbcUrl)))
            .instanceId(args[3])
            .journalLease(Duration.ofMillis(Long.parseLong(args[9])))
            .awaitOptions(quick)
            .maxRetries(4)
            .jobListener(new JobListener() {
              @Override
              public void downloaded(String requestId, long bytes, Duration duration) {
                System.out.println(java.time.Instant.now() + " downloaded " + requestId + " on " + Thread.currentThread().getName());
              }
            })
            .build()) {
      Thread recovery = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            client.recover();
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            System.out.println("recovery pass failed: " + e); // a cut connection: the next pass tries again
          }
        }
      }, "chaos-recovery");
      recovery.setDaemon(true);
      recovery.start();

      List<BatchItem> mine = new ArrayList<>();
      for (int k = index; k < jobs; k += instances) {
        mine.add(BatchItem.of("job-" + k, ChaosTest.request(k), out.resolve("job-" + k + ".mp4")));
      }
      BatchOptions options = BatchOptions.builder().batchId(args[4]).resume(true).concurrency(4).build();
      // Again while an item was not submitted because the journal could not record it (a cut
      // connection): sending it is safe, since it never left. Resuming never sends anything twice.
      boolean again = true;
      while (again) {
        try {
          BatchReport report = client.async().batch(mine, options).result().get(60, TimeUnit.SECONDS);
          System.out.println("batch: " + report.counts());
          again = report.outcomes().stream().anyMatch(o -> o.kind() == BatchOutcome.Kind.NOT_FINISHED && o.requestId().isEmpty());
        } catch (Exception e) {
          System.out.println("batch failed, resuming it: " + e); // the journal was unreachable while it planned
        }
        if (again) {
          Thread.sleep(200);
        }
      }
      // Until no job of the account with a request id is left unfinished, by anyone.
      while (anyLeft(client)) {
        Thread.sleep(100);
      }
      recovery.interrupt();
      System.out.println("DONE");
    }
    System.exit(0);
  }

  /** Whether a job with a request id is unfinished; a journal that cannot be read counts as yes. */
  private static boolean anyLeft(DreaminaClient client) {
    try {
      return client.pending().stream().anyMatch(e -> e.requestId().isPresent());
    } catch (RuntimeException e) {
      return true;
    }
  }
}
