package dev.dreamina.examples.cli;

import dev.dreamina.DreaminaClient;
import dev.dreamina.batch.Batch;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a batch: no new submits at once; the submits in flight get up
 * to {@link #GRACE} to be answered and journaled (their jobs exist and are paid, so their request
 * ids must not be lost); the client is closed, which stops the downloads under way (nothing of
 * them is kept: a video is whole at its target or absent) and gives up the leases of the jobs it
 * was waiting for, so that the printed resume takes them at once; then the process exits 130 (143
 * for SIGTERM). A second signal exits at once, saying what may be left unknown.
 *
 * <p>The JVM's own handling (shutdown hooks) cannot do this: once it starts, a second Ctrl-C does
 * nothing, and the process ends when the hooks return, whatever is in flight.
 */
final class CleanStop implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(30);

  private final Batch batch;
  private final DreaminaClient client;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Supplier<String> afterwards;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final SignalHandler previousInt;
  private final SignalHandler previousTerm;

  /**
   * @param afterwards what to print once stopped: how to continue
   */
  CleanStop(Batch batch, DreaminaClient client, PrintWriter out, PrintWriter err, Supplier<String> afterwards) {
    this.batch = batch;
    this.client = client;
    this.out = out;
    this.err = err;
    this.afterwards = afterwards;
    this.previousInt = Signal.handle(new Signal("INT"), signal -> signalled(130));
    this.previousTerm = Signal.handle(new Signal("TERM"), signal -> signalled(143));
  }

  private void signalled(int code) {
    if (stopping.compareAndSet(false, true)) {
      // The handler's own thread must return: the stop waits on a thread of its own.
      Thread stop = new Thread(() -> stopCleanly(code), "dreamina-clean-stop");
      stop.start();
      return;
    }
    err.println();
    err.println("exiting now: submits still in flight may have made jobs whose request ids are lost;"
        + " `dreamina pending` lists them (state INTENT), and the RunComfy dashboard has them.");
    err.flush();
    Runtime.getRuntime().halt(code);
  }

  private void stopCleanly(int code) {
    batch.stop();
    out.flush();
    err.println();
    err.println("stopping: no new submits. Waiting up to " + GRACE.toSeconds() + " s for the submits in flight to be"
        + " answered and journaled (Ctrl-C again to exit at once).");
    err.flush();
    try {
      batch.submitsSettled().get(GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      err.println("some submits were not answered within " + GRACE.toSeconds() + " s: their jobs may exist;"
          + " `dreamina pending` lists them.");
    } catch (InterruptedException | ExecutionException e) {
      // settling never fails; an interrupt means the JVM is going down anyway
    }
    client.close(); // gives up the leases of the jobs this run was waiting for
    err.println(afterwards.get());
    err.flush();
    out.flush();
    System.exit(code);
  }

  /** Gives the signals back to the JVM's own handling. */
  @Override
  public void close() {
    Signal.handle(new Signal("INT"), previousInt);
    Signal.handle(new Signal("TERM"), previousTerm);
  }
}
