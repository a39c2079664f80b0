package dev.dreamina.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One sandbox job: its timeline, its fate, and which of the accepted answer shapes it uses. */
final class Job {
  /** A job's state at a moment: its status word (canonical) and its queue position, if queued. */
  record State(String status, int queuePosition) {}

  final String id;
  final int number;
  final Instant createdAt;
  final String failure;
  final int frames;
  private final long createdNanos;
  private final long queueNanos;
  private final long runNanos;
  private final int initialQueuePosition;
  private final boolean answerVariety;
  private volatile boolean cancelled;
  /** Whether its image was fetched and checked (always, when the sandbox does not fetch images). */
  private volatile boolean imageChecked = true;
  /** Why its image fails the page's rules, once checked; {@code null} when it passes. */
  private volatile String imageProblem;

  Job(
      String id,
      int number,
      String failure,
      int frames,
      Duration queueTime,
      long runNanos,
      int initialQueuePosition,
      boolean answerVariety) {
    this.id = id;
    this.number = number;
    this.createdNanos = System.nanoTime();
    this.createdAt = Instant.now();
    this.failure = failure;
    this.frames = frames;
    this.queueNanos = queueTime.toNanos();
    this.runNanos = runNanos;
    this.initialQueuePosition = initialQueuePosition;
    this.answerVariety = answerVariety;
  }

  Duration duration() {
    return Duration.ofNanos(queueNanos + runNanos);
  }

  State state() {
    if (cancelled) {
      return new State("cancelled", 0);
    }
    long elapsed = System.nanoTime() - createdNanos;
    if (elapsed < queueNanos) {
      int position =
          (int) Math.min(initialQueuePosition, 1 + (queueNanos - elapsed) * initialQueuePosition / queueNanos);
      return new State("in_queue", position);
    }
    if (elapsed < queueNanos + runNanos || !imageChecked) {
      return new State("in_progress", 0);
    }
    return new State(failure() == null ? "completed" : "failed", 0);
  }

  /** Why it fails: as scripted ({@code failNextJob}), or its image's problem; {@code null} when it completes. */
  String failure() {
    return failure != null ? failure : imageProblem;
  }

  /** Its image is being fetched: it does not end before {@link #imageChecked(String)}. */
  void fetchingImage() {
    imageChecked = false;
  }

  /** Its image was fetched and checked: {@code problem} is why it fails the rules, or {@code null}. */
  void imageChecked(String problem) {
    imageProblem = problem;
    imageChecked = true;
  }

  /** Cancels the job if it is still queued; tells whether it was. */
  boolean cancelIfQueued() {
    if (state().status().equals("in_queue")) {
      cancelled = true;
      return true;
    }
    return false;
  }

  /**
   * The canonical shape (the first), or with answer variety the one this job's number picks, so
   * that consecutive jobs go through every shape, and the very first job already answers in no
   * canonical shape at all.
   */
  <T> T pick(List<T> shapes) {
    return shapes.get(answerVariety ? (number + 1) % shapes.size() : 0);
  }
}
