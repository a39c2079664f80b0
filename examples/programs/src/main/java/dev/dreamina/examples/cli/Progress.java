package dev.dreamina.examples.cli;

import dev.dreamina.RequestStatus;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a wait's progress: on a terminal one line rewritten every second (status, queue position,
 * elapsed time); otherwise a plain line per status change, fit for logs and pipes.
 */
final class Progress {
  private final PrintWriter out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private volatile String current = "submitted";

  Progress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    if (terminal) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "dreamina-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
    } else {
      ticker = null;
    }
  }

  void update(RequestStatus status) {
    current = status.describe();
    if (terminal) {
      redraw();
    } else {
      out.println("status: " + current + " after " + elapsed());
    }
  }

  void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      redraw();
      out.println();
    }
  }

  private synchronized void redraw() {
    out.print("\r\u001B[2K" + current + "  " + elapsed());
    out.flush();
  }

  private String elapsed() {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    return String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
