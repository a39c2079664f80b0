package dev.dreamina.spring;

import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.journal.RecoveryReport;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link DreaminaClient#recover()} when the context has started and then every {@code
 * interval}, on one daemon thread, until the context stops. Each pass that found something is
 * logged at INFO; each job that needs a person at WARN, with what to do. The first pass, and then
 * one an hour, also deletes finished journal entries older than {@code retention} ({@link
 * DreaminaClient#deleteFinishedJournalEntries}), unless it is zero.
 */
public class DreaminaRecovery implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(DreaminaRecovery.class);

  private static final Duration RETENTION_EVERY = Duration.ofHours(1);

  private final DreaminaClient client;
  private final Duration interval;
  private final Duration retention;
  private ScheduledExecutorService scheduler;
  private long nextRetentionNanos = System.nanoTime(); // used by the scheduler's one thread

  DreaminaRecovery(DreaminaClient client, Duration interval, Duration retention) {
    this.client = client;
    this.interval = interval;
    this.retention = retention;
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "dreamina-recovery");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(this::pass, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One pass; a failure is logged, and the next pass tries again. */
  void pass() {
    try {
      RecoveryReport report = client.recover();
      if (!report.items().isEmpty()) {
        LOG.info("Dreamina recovery pass: {}", report);
      }
      report.items(RecoveryReport.Outcome.NEEDS_A_PERSON)
          .forEach(item -> LOG.warn("Dreamina job needs a person: {}", item.detail().orElse("")));
      report.items(RecoveryReport.Outcome.TARGET_MISSING)
          .forEach(item -> LOG.warn("Dreamina job left for another instance: {}", item.detail().orElse("")));
    } catch (CallInterruptedException stopping) {
      LOG.debug("Dreamina recovery pass stopped with the context");
    } catch (RuntimeException e) {
      LOG.warn("Dreamina recovery pass failed; the next one tries again", e);
    }
    retain();
  }

  /** Deletes finished entries older than the retention: on the first pass, then once an hour. */
  void retain() {
    long now = System.nanoTime();
    if (retention.isZero() || retention.isNegative() || now - nextRetentionNanos < 0) {
      return;
    }
    nextRetentionNanos = now + RETENTION_EVERY.toNanos();
    try {
      int deleted = client.deleteFinishedJournalEntries(retention);
      if (deleted > 0) {
        LOG.info("Dreamina journal: deleted {} finished entries older than {}", deleted, retention);
      }
    } catch (RuntimeException e) {
      LOG.warn("Dreamina journal retention failed; it runs again in an hour", e);
    }
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
