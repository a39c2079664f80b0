package dev.dreamina.examples.cli;

import dev.dreamina.CancelResult;
import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.examples.ExampleBackend;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Run by the shutdown hook when Ctrl-C arrives during a wait: one cancel attempt, no retries,
 * bounded by {@link #BOUND}; its real outcome; and the request id to resume with.
 */
final class CancelOnInterrupt {
  /** One attempt, at most this long: the user asked to stop, not to wait. */
  static final Duration BOUND = Duration.ofSeconds(5);

  private final ExampleBackend backend;
  private final String requestId;
  private final PrintWriter err;

  CancelOnInterrupt(ExampleBackend backend, String requestId, PrintWriter err) {
    this.backend = backend;
    this.requestId = requestId;
    this.err = err;
  }

  void run() {
    err.println();
    err.println("Interrupted. Trying once to cancel request " + requestId + "...");
    try (DreaminaClient once =
        backend.newClientBuilder().maxRetries(0).connectTimeout(BOUND).requestTimeout(BOUND).build()) {
      CancelResult result = once.cancel(requestId);
      switch (result.outcome()) {
        case CANCELLED -> {
          err.println("Cancelled: request " + requestId + " will not run.");
          return;
        }
        case CANCELLATION_REQUESTED ->
            err.println("Cancellation requested but not confirmed: the job may still run and be charged.");
        default ->
            err.println("Not cancelled (" + JobCommands.describe(result) + "): the job keeps running and is charged.");
      }
    } catch (DreaminaException e) {
      err.println("The cancel failed (" + e.getMessage() + "); the job may still be running.");
    }
    err.println("Resume with: dreamina await " + requestId);
    err.flush();
  }
}
