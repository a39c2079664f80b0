package dev.dreamina.batch;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How a batch runs. Immutable; {@link #builder()} makes one.
 */
public final class BatchOptions {
  /** The default number of jobs in flight. */
  public static final int DEFAULT_CONCURRENCY = 4;

  private final int concurrency;
  private final @Nullable String batchId;
  private final boolean cancelQueuedOnStop;
  private final boolean resume;
  private final @Nullable Consumer<BatchProgress> onProgress;
  private final @Nullable Consumer<BatchOutcome> onOutcome;

  private BatchOptions(Builder b) {
    this.concurrency = b.concurrency;
    this.batchId = b.batchId;
    this.cancelQueuedOnStop = b.cancelQueuedOnStop;
    this.resume = b.resume;
    this.onProgress = b.onProgress;
    this.onOutcome = b.onOutcome;
  }

  /**
   * The defaults: {@value #DEFAULT_CONCURRENCY} jobs in flight, no batch id.
   *
   * @return the options
   */
  public static BatchOptions defaults() {
    return builder().build();
  }

  /**
   * A builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The most jobs in flight.
   *
   * @return at least 1
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * The batch's id, which makes it resumable with a journal.
   *
   * @return the id, if set
   */
  public Optional<String> batchId() {
    return Optional.ofNullable(batchId);
  }

  /**
   * Whether stopping also cancels the jobs in flight (those already running finish anyway).
   *
   * @return whether
   */
  public boolean cancelQueuedOnStop() {
    return cancelQueuedOnStop;
  }

  /**
   * Whether a batch id that ran before may continue.
   *
   * @return whether
   */
  public boolean resume() {
    return resume;
  }

  /**
   * The progress listener.
   *
   * @return it, if set
   */
  public Optional<Consumer<BatchProgress>> onProgress() {
    return Optional.ofNullable(onProgress);
  }

  /**
   * The outcome listener.
   *
   * @return it, if set
   */
  public Optional<Consumer<BatchOutcome>> onOutcome() {
    return Optional.ofNullable(onOutcome);
  }

  /** Builds {@link BatchOptions}. */
  public static final class Builder {
    private int concurrency = DEFAULT_CONCURRENCY;
    private @Nullable String batchId;
    private boolean cancelQueuedOnStop;
    private boolean resume;
    private @Nullable Consumer<BatchProgress> onProgress;
    private @Nullable Consumer<BatchOutcome> onOutcome;

    private Builder() {}

    /**
     * The most jobs in flight at once. After a rate limit the batch runs fewer for a while.
     *
     * @param concurrency 1 to 256
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("concurrency must be 1 to 256: " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Makes the batch resumable: with a journal on the client, each request's job is journaled
     * under this id and its key, and running the same batch again (same id, same keys) runs only
     * the requests that never reached a final state. Submitted but unfinished ones are awaited,
     * never submitted again; ones whose submit outcome is unknown are reported, never submitted
     * again.
     *
     * @param batchId any text, for example the input file's name
     * @return this builder
     */
    public Builder batchId(String batchId) {
      this.batchId = Objects.requireNonNull(batchId, "batchId == null");
      return this;
    }

    /**
     * Whether this run continues a batch that ran before under the same {@link #batchId}. When
     * {@code false} (the default) and the journal already holds jobs of this batch id, the batch
     * fails at once with an {@link IllegalStateException}, having submitted nothing: a batch is
     * never paid twice by mistake.
     *
     * @param resume whether
     * @return this builder
     */
    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    /**
     * Whether {@link Batch#stop()} also cancels the jobs in flight; RunComfy cancels those still
     * queued, the running ones finish. Default: {@code false}.
     *
     * @param cancel whether
     * @return this builder
     */
    public Builder cancelQueuedOnStop(boolean cancel) {
      this.cancelQueuedOnStop = cancel;
      return this;
    }

    /**
     * Told where the batch stands after every change, on an SDK thread: keep it quick. One that
     * throws is logged and ignored.
     *
     * @param onProgress the listener
     * @return this builder
     */
    public Builder onProgress(Consumer<BatchProgress> onProgress) {
      this.onProgress = Objects.requireNonNull(onProgress, "onProgress == null");
      return this;
    }

    /**
     * Told the outcome of each request this run starts, as it comes, on an SDK thread (those an
     * earlier run reached, and those a stop leaves unstarted, are in the report only). Every call
     * returns before {@link Batch#result()} completes, so that what it prints comes before a
     * summary printed then.
     *
     * @param onOutcome the listener
     * @return this builder
     */
    public Builder onOutcome(Consumer<BatchOutcome> onOutcome) {
      this.onOutcome = Objects.requireNonNull(onOutcome, "onOutcome == null");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public BatchOptions build() {
      return new BatchOptions(this);
    }
  }
}
