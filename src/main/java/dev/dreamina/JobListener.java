package dev.dreamina;

import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Told what happens to each job, for metrics, traces or logs: give one to {@link
 * DreaminaClientBuilder#jobListener}. Every method has a no-op default, so implement only what
 * you need. The same events come from blocking and async calls alike.
 *
 * <ul>
 *   <li>Methods run on the thread that saw the event (the caller's, or an SDK thread for async
 *       calls): keep them quick and never block.
 *   <li>A listener that throws is logged at WARNING and ignored: it never breaks a job.
 *   <li>No event carries the API token; none carries the prompt either.
 * </ul>
 *
 * <p>In order, for a job the client submits and waits for: {@link #submitted}, {@link
 * #statusChanged} for each change seen while polling, {@link #ended}, then {@link #downloaded}
 * when its video is downloaded. {@link #retried} comes whenever a call is retried, {@link
 * #submitOutcomeUnknown} instead of {@code submitted} when the submit's outcome is unknown.
 */
public interface JobListener {
  /**
   * A submit was answered: the job exists.
   *
   * @param requestId its id
   */
  default void submitted(String requestId) {}

  /**
   * A submit may or may not have created a job ({@link SubmissionUnknownException}).
   *
   * @param failure the exception the caller gets
   */
  default void submitOutcomeUnknown(SubmissionUnknownException failure) {}

  /**
   * While waiting, the job's status or queue position changed.
   *
   * @param requestId the job
   * @param status its status now
   * @param queuePosition its place in the queue, when sent
   */
  default void statusChanged(String requestId, Status status, OptionalInt queuePosition) {}

  /**
   * A call failed and is about to be made again.
   *
   * @param call {@code submit}, {@code status}, {@code result}, {@code cancel}, {@code price} or
   *     {@code download}
   * @param requestId the job it concerns, when there is one
   * @param attempt the attempt that failed, from 1
   * @param cause why it failed
   */
  default void retried(String call, Optional<String> requestId, int attempt, DreaminaException cause) {}

  /**
   * A wait for a job ended with the job completed, failed or cancelled.
   *
   * @param end what the client saw
   */
  default void ended(JobEnd end) {}

  /**
   * A video was downloaded: a job's, or one downloaded by its URL ({@link
   * DreaminaClient#download(java.net.URI, java.nio.file.Path)}).
   *
   * @param requestId the job, or {@code null} for a video downloaded by its URL
   * @param bytes the file's size
   * @param duration how long the download took, retries included
   */
  default void downloaded(@Nullable String requestId, long bytes, Duration duration) {}

  /**
   * How a job ended, as the client saw it. Times are measured by the client from its own
   * observations (polls), so they are as fine as the poll interval.
   *
   * @param requestId the job
   * @param status {@link Status#COMPLETED}, {@link Status#FAILED} or {@link Status#CANCELLED}
   * @param queueTime from the submit (or, for a job submitted elsewhere, from the start of the
   *     wait) until it was first seen running, or until its end if it never was
   * @param runTime from when it was first seen running until its end; zero if it never was
   * @param cost what it cost in US dollars, when the result said
   * @param error the server's reason, for a failed job
   */
  record JobEnd(
      String requestId,
      Status status,
      Duration queueTime,
      Duration runTime,
      Optional<java.math.BigDecimal> cost,
      Optional<String> error) {}
}
