package dev.dreamina.batch;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
   * if still queued). Waits for nothing: {@link #submitsSettled()} says when the submits in flight
   * are answered.
   */
  void stop();

  /**
   * Completes once this batch sends no more submits and every submit it started has its answer,
   * or its failure, recorded (in the journal too, when the client has one): after {@link #stop()},
   * as soon as the submits in flight are answered; without a stop, once every request was
   * submitted. What a process waits for, bounded, before it exits on Ctrl-C, so that no paid job
   * it started is left without its request id. It never completes exceptionally.
   *
   * @return the future, the same one each time
   */
  CompletableFuture<Void> submitsSettled();

  /**
   * The local id under which a batch with this id journals the request with this key: the same in
   * every run of the batch. For tools that read a batch's jobs from the journal ({@code
   * journal.entry(localId)}): what earlier runs made, where their videos went, what they cost.
   *
   * @param batchId the batch's id ({@link BatchOptions#batchId()})
   * @param key the request's key ({@link BatchItem#key()})
   * @return the journal's local id
   */
  static String journalLocalId(String batchId, String key) {
    return UUID.nameUUIDFromBytes(("dreamina-batch\n" + batchId + "\n" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
