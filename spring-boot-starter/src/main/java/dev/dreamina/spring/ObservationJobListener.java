package dev.dreamina.spring;

import dev.dreamina.JobListener;
import dev.dreamina.Status;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One observation per job, {@code dreamina.job}, from its submit (or, for a job submitted
 * elsewhere and awaited here, its first status seen) to its end, so that traces show each job: the
 * low-cardinality key {@code outcome}, the high-cardinality {@code request.id} (on spans, never a
 * meter tag), and an event per status change.
 */
public class ObservationJobListener implements JobListener {
  private static final int MAX_OPEN = 10_000;

  private final ObservationRegistry registry;
  private final Map<String, Observation> open =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Observation> eldest) {
          return size() > MAX_OPEN; // jobs never waited for: dropped unstopped, oldest first
        }
      };

  /**
   * Observes into {@code registry}.
   *
   * @param registry the registry
   */
  public ObservationJobListener(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void submitted(String requestId) {
    started(requestId);
  }

  @Override
  public void statusChanged(String requestId, Status status, OptionalInt queuePosition) {
    started(requestId).event(Observation.Event.of("dreamina.job." + status.name().toLowerCase(Locale.ROOT)));
  }

  /** The job's observation, started now if it has none. */
  private Observation started(String requestId) {
    synchronized (open) {
      return open.computeIfAbsent(
          requestId,
          id ->
              Observation.createNotStarted("dreamina.job", registry)
                  .contextualName("dreamina job")
                  .highCardinalityKeyValue("request.id", id)
                  .start());
    }
  }

  @Override
  public void ended(JobEnd end) {
    Observation observation;
    synchronized (open) {
      observation = open.remove(end.requestId());
    }
    if (observation != null) {
      observation.lowCardinalityKeyValue("outcome", end.status().name().toLowerCase(Locale.ROOT));
      end.error().ifPresent(error -> observation.highCardinalityKeyValue("error", error));
      observation.stop();
    }
  }
}
