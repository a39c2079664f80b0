package dev.dreamina.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** Small pieces for the async API: cancellation that reaches upstream, and unwrapped causes. */
public final class Futures {
  private Futures() {}

  /** Like {@code source.thenApply(fn)}, but cancelling the result cancels {@code source} too. */
  public static <T, R> CompletableFuture<R> map(CompletableFuture<T> source, Function<T, R> fn) {
    CompletableFuture<R> mapped = source.thenApply(fn);
    cancelTogether(mapped, source);
    return mapped;
  }

  /** When {@code downstream} is cancelled, cancels {@code upstream}. */
  public static void cancelTogether(CompletableFuture<?> downstream, CompletableFuture<?> upstream) {
    downstream.whenComplete(
        (value, failure) -> {
          if (downstream.isCancelled()) {
            upstream.cancel(true);
          }
        });
  }

  /**
   * A future that completes like {@code source}, on {@code executor}, so that the caller's
   * dependent stages never run on an OkHttp or scheduler thread. Cancelling it cancels {@code
   * source}. The failure is the original exception, never a {@link CompletionException} wrapper.
   */
  public static <T> CompletableFuture<T> relay(CompletableFuture<T> source, Executor executor) {
    CompletableFuture<T> relayed = detachedRelay(source, executor);
    cancelTogether(relayed, source);
    return relayed;
  }

  /**
   * Like {@link #relay}, but cancelling the result leaves {@code source} running: for a paid
   * submit, whose exchange must reach its answer whatever the caller does.
   */
  public static <T> CompletableFuture<T> detachedRelay(CompletableFuture<T> source, Executor executor) {
    CompletableFuture<T> relayed = new CompletableFuture<>();
    source.whenComplete(
        (value, failure) -> {
          if (relayed.isDone()) {
            return;
          }
          try {
            executor.execute(
                () -> {
                  if (failure != null) {
                    relayed.completeExceptionally(unwrap(failure));
                  } else {
                    relayed.complete(value);
                  }
                });
          } catch (RuntimeException rejected) {
            // A shut-down executor must not leave the caller waiting forever.
            relayed.completeExceptionally(failure != null ? unwrap(failure) : rejected);
          }
        });
    return relayed;
  }

  /** The real cause under {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
