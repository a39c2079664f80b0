package dev.dreamina.batch;

import java.util.concurrent.CompletableFuture;

/** A running batch: its result to come, where it stands, and a way to stop it. */
public interface Batch {
  /**
   * The report, once every request has an outcome. It never completes exceptionally for one
   * request: each outcome is in the report.
   *
   * @return the report to come
   */
  CompletableFuture<BatchReport> result();

  /**
   * Where the batch stands now.
   *
   * @return the progress
   */
  BatchProgress progress();

  /**
   * Stops new submits at once: requests not started yet end {@link BatchOutcome.Kind#NOT_STARTED};
   * jobs in flight are waited for (and, with {@link BatchOptions#cancelQueuedOnStop()}, cancelled
   * if still queued). Waits for nothing.
   */
  void stop();
}
