package dev.dreamina.spring;

import dev.dreamina.JobListener;
import dev.dreamina.Status;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several {@link JobListener} beans as one: each is told, and one that throws stops no other. */
final class JobListeners implements JobListener {
  private static final Logger LOG = LoggerFactory.getLogger(JobListeners.class);

  private final List<JobListener> listeners;

  JobListeners(List<JobListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(Consumer<JobListener> event) {
    for (JobListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("JobListener {} threw; the job goes on", listener, e);
      }
    }
  }

  @Override
  public void submitted(String requestId) {
    each(l -> l.submitted(requestId));
  }

  @Override
  public void submitOutcomeUnknown(SubmissionUnknownException failure) {
    each(l -> l.submitOutcomeUnknown(failure));
  }

  @Override
  public void statusChanged(String requestId, Status status, OptionalInt queuePosition) {
    each(l -> l.statusChanged(requestId, status, queuePosition));
  }

  @Override
  public void retried(String call, Optional<String> requestId, int attempt, DreaminaException cause) {
    each(l -> l.retried(call, requestId, attempt, cause));
  }

  @Override
  public void ended(JobEnd end) {
    each(l -> l.ended(end));
  }

  @Override
  public void downloaded(String requestId, long bytes, Duration duration) {
    each(l -> l.downloaded(requestId, bytes, duration));
  }
}
