package dev.dreamina.spring;

import dev.dreamina.JobListener;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.SubmissionUnknownException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The client's job events as Micrometer meters. No meter is tagged with a request id (unbounded
 * cardinality); the tags are {@code outcome} ({@code completed}, {@code failed}, {@code
 * cancelled}), {@code call} and {@code cause} (an exception's simple class name).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>dreamina.jobs.submitted</td><td>counter</td><td></td></tr>
 *   <tr><td>dreamina.jobs.submit.unknown</td><td>counter</td><td></td></tr>
 *   <tr><td>dreamina.jobs.ended</td><td>counter</td><td>outcome</td></tr>
 *   <tr><td>dreamina.jobs.queue.time</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>dreamina.jobs.run.time</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>dreamina.jobs.cost</td><td>summary, base unit usd</td><td>outcome</td></tr>
 *   <tr><td>dreamina.calls.retries</td><td>counter</td><td>call, cause</td></tr>
 *   <tr><td>dreamina.downloads</td><td>timer</td><td></td></tr>
 *   <tr><td>dreamina.downloads.size</td><td>summary, base unit bytes</td><td></td></tr>
 * </table>
 */
public class MicrometerJobListener implements JobListener {
  private final MeterRegistry registry;

  /**
   * Records into {@code registry}.
   *
   * @param registry the registry
   */
  public MicrometerJobListener(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void submitted(String requestId) {
    Counter.builder("dreamina.jobs.submitted").description("Jobs submitted (each one paid)").register(registry).increment();
  }

  @Override
  public void submitOutcomeUnknown(SubmissionUnknownException failure) {
    Counter.builder("dreamina.jobs.submit.unknown")
        .description("Submits that may or may not have created a job")
        .register(registry)
        .increment();
  }

  @Override
  public void retried(String call, Optional<String> requestId, int attempt, DreaminaException cause) {
    Counter.builder("dreamina.calls.retries")
        .description("Calls retried, by call and cause")
        .tag("call", call)
        .tag("cause", cause.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  @Override
  public void ended(JobEnd end) {
    String outcome = end.status().name().toLowerCase(Locale.ROOT);
    Counter.builder("dreamina.jobs.ended").description("Jobs seen to end, by outcome").tag("outcome", outcome)
        .register(registry).increment();
    Timer.builder("dreamina.jobs.queue.time").description("Time from submit until first seen running")
        .tag("outcome", outcome).register(registry).record(end.queueTime());
    Timer.builder("dreamina.jobs.run.time").description("Time from first seen running until the end")
        .tag("outcome", outcome).register(registry).record(end.runTime());
    end.cost()
        .ifPresent(
            cost ->
                DistributionSummary.builder("dreamina.jobs.cost").description("What jobs cost, as their results said")
                    .baseUnit("usd").tag("outcome", outcome).register(registry).record(cost.doubleValue()));
  }

  @Override
  public void downloaded(String requestId, long bytes, Duration duration) {
    Timer.builder("dreamina.downloads").description("Videos downloaded").register(registry).record(duration);
    DistributionSummary.builder("dreamina.downloads.size").baseUnit("bytes").description("Size of the videos downloaded")
        .register(registry).record(bytes);
  }
}
