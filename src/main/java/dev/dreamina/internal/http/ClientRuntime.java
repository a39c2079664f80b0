package dev.dreamina.internal.http;

import dev.dreamina.CallOptions;
import dev.dreamina.CancelResult;
import dev.dreamina.JobListener;
import dev.dreamina.Price;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.WireLog;
import dev.dreamina.internal.Events;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.preflight.ImagePreflight;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What a client's calls run on, built once per client and closed once: the OkHttp client (the
 * SDK's own or one derived from the user's), the API with its retries, polling, downloads, the
 * image preflight, the events told to the job listener, and the threads of async calls. It knows
 * nothing of jobs: the job flow ({@code internal.flow.JobFlow}) runs on it.
 */
public final class ClientRuntime {
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  /** How many async HTTP exchanges a client of the SDK's own runs at once (and so its threads). */
  public static final int MAX_ASYNC_REQUESTS = 10;

  /**
   * The settings of the runtime. {@link #toString()} leaves the token out.
   *
   * @param httpClient the user's client to derive from, or {@code null} for one of the SDK's own
   * @param blockingExecutor where async calls run blocking steps (image preflight, downloads,
   *     journal writes), or {@code null} for the SDK's own daemon threads
   * @param closeGrace how long {@link #close()} lets downloads under way finish
   * @param jobListener told each job's events, or {@code null}
   * @param wireLog how much of each exchange to log
   */
  public record Config(
      HttpUrl baseUrl,
      String apiToken,
      OkHttpClient httpClient,
      int maxRetries,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration maxRetryAfter,
      long maxDownloadBytes,
      Duration closeGrace,
      Executor callbackExecutor,
      Executor blockingExecutor,
      JobListener jobListener,
      TimeSource time,
      DoubleSupplier jitter,
      WireLog wireLog) {
    @Override
    public String toString() {
      return "Config{baseUrl=" + baseUrl + ", maxRetries=" + maxRetries + ", wireLog=" + wireLog + "}";
    }
  }

  private final Config config;
  /** The runtime a view was made from, or this one: views are always made from it. */
  private final ClientRuntime root;
  private final CallOptions options;
  private final int maxRetries;
  private final OkHttpClient http;
  private final boolean ownsHttpClient;
  private final RunComfyApi api;
  private final Poller poller;
  private final Downloader downloader;
  private final ImagePreflight imagePreflight;
  private final Events events;
  private final TimeSource time;
  private final Executor callbackExecutor;
  private final Executor blockingExecutor;
  private final ExecutorService ownBlockingExecutor;
  private final Duration closeGrace;

  public ClientRuntime(Config c) {
    OkHttpVersion.check();
    this.config = c;
    this.root = this;
    this.options = null;
    this.maxRetries = c.maxRetries();
    this.ownsHttpClient = c.httpClient() == null;
    OkHttpClient base = ownsHttpClient ? ownHttpClient() : c.httpClient();
    this.http = Transport.prepare(base, c.connectTimeout(), c.requestTimeout());
    RetryPolicy retryPolicy = retryPolicy(c, c.maxRetries());
    this.time = c.time();
    this.events = new Events(c.jobListener(), time);
    this.api = new RunComfyApi(new Transport(http, c.baseUrl(), c.apiToken(), Map.of(), retryPolicy, time, events, c.wireLog()));
    this.poller = new Poller(api, time, events);
    this.downloader = new Downloader(http, retryPolicy, time, c.maxDownloadBytes(), events);
    this.imagePreflight =
        ImagePreflight.builder()
            .httpClient(http)
            .connectTimeout(c.connectTimeout())
            .timeout(c.requestTimeout())
            .build();
    this.closeGrace = c.closeGrace();
    this.callbackExecutor = c.callbackExecutor();
    this.ownBlockingExecutor = c.blockingExecutor() == null ? ownBlockingExecutor() : null;
    this.blockingExecutor = c.blockingExecutor() == null ? ownBlockingExecutor : c.blockingExecutor();
  }

  /**
   * A view of the root runtime whose API calls (and the polls of its waits) take the options: its
   * own timeouts on an OkHttp client derived from the root's (same connection pool and
   * dispatcher), its own retry count, its headers. Everything else is the root's: downloads, the
   * image preflight, events, threads. Closing it does nothing.
   */
  private ClientRuntime(ClientRuntime root, CallOptions options) {
    Config c = root.config;
    this.config = c;
    this.root = root;
    this.options = options;
    this.maxRetries = options.maxRetries().orElse(c.maxRetries());
    this.ownsHttpClient = false;
    this.http =
        options.requestTimeout().isPresent()
            ? Transport.prepare(root.http, c.connectTimeout(), options.requestTimeout().get())
            : root.http;
    this.time = root.time;
    this.events = root.events;
    this.api =
        new RunComfyApi(
            new Transport(http, c.baseUrl(), c.apiToken(), options.headers(), retryPolicy(c, maxRetries), time, events, c.wireLog()));
    this.poller = new Poller(api, time, events);
    this.downloader = root.downloader;
    this.imagePreflight = root.imagePreflight;
    this.closeGrace = root.closeGrace;
    this.callbackExecutor = root.callbackExecutor;
    this.ownBlockingExecutor = null;
    this.blockingExecutor = root.blockingExecutor;
  }

  /** A view whose calls take these options (made from the root, whatever this runtime is). */
  public ClientRuntime withOptions(CallOptions options) {
    return new ClientRuntime(root, options);
  }

  private static RetryPolicy retryPolicy(Config c, int maxRetries) {
    return new RetryPolicy(maxRetries, INITIAL_BACKOFF, MAX_BACKOFF, c.maxRetryAfter(), c.jitter());
  }

  /**
   * OkHttp's default dispatcher runs up to 64 async calls at once, 5 per host, on a pool that can
   * briefly hold more threads than that. The SDK talks to one host: it runs {@value
   * #MAX_ASYNC_REQUESTS} calls at once on exactly that many threads at most (idle ones end after a
   * minute), enough for thousands of polling jobs.
   */
  private static OkHttpClient ownHttpClient() {
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            MAX_ASYNC_REQUESTS,
            MAX_ASYNC_REQUESTS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("dreamina-http-"));
    threads.allowCoreThreadTimeOut(true);
    Dispatcher dispatcher = new Dispatcher(threads);
    dispatcher.setMaxRequests(MAX_ASYNC_REQUESTS);
    dispatcher.setMaxRequestsPerHost(MAX_ASYNC_REQUESTS);
    return OkHttpVersion.withoutFastFallback(new OkHttpClient.Builder().dispatcher(dispatcher)).build();
  }

  /** Threads made on demand for blocking steps of async calls; idle ones end after a minute. */
  private static ExecutorService ownBlockingExecutor() {
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("dreamina-blocking-"));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  // ---- the pieces ---------------------------------------------------------------------------------

  public RunComfyApi api() {
    return api;
  }

  public Poller poller() {
    return poller;
  }

  public Downloader downloader() {
    return downloader;
  }

  /** Uploads to an image host, on the root's connections; never with the token. */
  public HostUploads imageUploads() {
    return new HostUploads(root.http);
  }

  public ImagePreflight imagePreflight() {
    return imagePreflight;
  }

  public Events events() {
    return events;
  }

  public TimeSource time() {
    return time;
  }

  // ---- plain calls -------------------------------------------------------------------------------

  public Price price() {
    return api.price();
  }

  public RequestStatus status(String requestId) {
    return api.status(requestId, ApiCall.NO_DEADLINE);
  }

  public RequestResult result(String requestId) {
    return api.result(requestId, ApiCall.NO_DEADLINE);
  }

  public CancelResult cancel(String requestId) {
    return api.cancel(requestId, true);
  }

  // ---- running async steps -----------------------------------------------------------------------

  /** A blocking step of an async call, on the blocking executor. */
  public <T> CompletableFuture<T> blocking(Supplier<T> step) {
    return CompletableFuture.supplyAsync(step, blockingExecutor);
  }

  /** The executor for blocking steps of async calls. */
  public Executor blockingExecutor() {
    return blockingExecutor;
  }

  /**
   * Starts an async call and relays it to the callback executor; a bad argument found while
   * starting (a malformed request id) fails the future rather than throwing.
   */
  public <T> CompletableFuture<T> relay(Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> started;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return Futures.relay(started, callbackExecutor);
  }

  /** Like {@link #relay}, but cancelling the result leaves the source running: for a paid submit. */
  public <T> CompletableFuture<T> detachedRelay(CompletableFuture<T> source) {
    return Futures.detachedRelay(source, callbackExecutor);
  }

  /**
   * Refuses new downloads and lets those under way finish for up to the close grace,
   * then stops the rest (nothing of them is kept, and no target is touched); then releases what
   * the runtime created: its connection pool and threads.
   */
  public void close() {
    if (root != this) {
      return; // a view: its owner closes what it shares
    }
    downloader.close(closeGrace);
    if (ownsHttpClient) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    if (ownBlockingExecutor != null) {
      ownBlockingExecutor.shutdown();
    }
  }

  public String describe() {
    return "baseUrl=" + config.baseUrl() + ", maxRetries=" + maxRetries
        + (options == null ? "" : ", options=" + options);
  }
}
