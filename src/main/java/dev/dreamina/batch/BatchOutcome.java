package dev.dreamina.batch;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How one request of a batch ended.
 *
 * @param key the item's key
 * @param kind what happened
 * @param requestId RunComfy's id, when the request was submitted
 * @param file where the video was downloaded, for a completed item with a target
 * @param videoUrl the video's URL, for a completed item
 * @param cost what the job cost, when its result said
 * @param detail the server's error, the violations, or why the item was not finished
 */
public record BatchOutcome(
    String key,
    Kind kind,
    Optional<String> requestId,
    Optional<Path> file,
    Optional<URI> videoUrl,
    Optional<BigDecimal> cost,
    Optional<String> detail) {

  /**
   * Creates an outcome.
   *
   * @param key the key
   * @param kind the kind
   * @param requestId the request id
   * @param file the file
   * @param videoUrl the video URL
   * @param cost the cost
   * @param detail the detail
   */
  public BatchOutcome {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(videoUrl, "videoUrl == null");
    Objects.requireNonNull(cost, "cost == null");
    Objects.requireNonNull(detail, "detail == null");
  }

  /** What happened to a request. */
  public enum Kind {
    /** The job completed; its video is at {@link #file()} when the item had a target. */
    COMPLETED,
    /** The job failed; {@link #detail()} is the server's reason. */
    FAILED,
    /** The job was cancelled. */
    CANCELLED,
    /** Refused before it was paid: validation or the image preflight. Nothing was submitted. */
    INVALID,
    /** Refused by the client's spend limit. Nothing was submitted; the batch stopped submitting. */
    REFUSED_BY_SPEND_LIMIT,
    /**
     * The submit's outcome is unknown: a job may exist and be paid. Never submitted again; check
     * the RunComfy dashboard.
     */
    SUBMIT_UNKNOWN,
    /**
     * Submitted, but not finished here (the wait timed out, the network or the download failed):
     * {@link #requestId()} says which job to resume; or not submitted because the journal failed.
     */
    NOT_FINISHED,
    /** Never started: the batch was stopped first. Nothing was submitted. */
    NOT_STARTED,
    /**
     * Submitted in an earlier run, and another live instance holds its journal lease now (a
     * recovery pass, or another run of this batch): left to it, which downloads it to the same
     * target. {@link #detail()} says who and until when; a later resume reports how it ended.
     */
    HELD
  }
}
