package dev.dreamina.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process fake of the RunComfy Model API for Dreamina 3.0 Pro image-to-video, on loopback,
 * so code can run and be tested without a token, a network or credits.
 *
 * <pre>{@code
 * try (RunComfySandbox sandbox = RunComfySandbox.start();
 *     DreaminaClient client =
 *         DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
 *   RequestResult done = client.generate(request);  // a real MP4 at done.videoUrl()
 * }
 * }</pre>
 *
 * <p>It is its own artifact and module ({@code dreamina-java-sandbox}, module {@code
 * dev.dreamina.sandbox}, which requires {@code jdk.httpserver}), so the SDK's jar carries no fake
 * server: add it with test scope, or runtime scope for an app that runs a local demo. It needs
 * nothing of the SDK, only Jackson and the JDK, so any HTTP client can use it.
 *
 * <p>It serves submit, status, result, cancel and price with the documented shapes, status codes
 * and {@code error_code} bodies: 401 for a wrong token, 422 with {@code detail} for a body that
 * breaks the page's input schema, 404 with {@code error_code} 404001 for an unknown request id.
 * A job is {@code in_queue} (with a shrinking {@code queue_position}), then {@code in_progress},
 * then {@code completed}, whose {@code output.video} is a real MP4 served by the sandbox. Cancel
 * answers {@code cancelled} while queued and {@code not_cancellable} once running.
 *
 * <p>Tests can script it: {@link #failNextJob}, {@link #respondWithStatus}, {@link
 * #dropConnections}, {@link #slowDown}, and read back {@link #requests()}. Thread-safe.
 *
 * <p>By default every answer has the documented, canonical shape. With {@link
 * Builder#answerVariety(boolean)} (or the system property {@value #ANSWER_VARIETY_PROPERTY}{@code
 * =true}) each job answers in one of the other shapes RunComfy's own clients accept, so code can be
 * tested against them: see {@link Builder#answerVariety(boolean)}.
 *
 * <p>Its URLs, the video's included, are plain {@code http://127.0.0.1:<port>}: an application that
 * allow-lists RunComfy's download hosts must let this loopback host through in its tests.
 */
public final class RunComfySandbox implements AutoCloseable {
  static {
    // The JDK server answers small responses ~40 ms late on loopback (Nagle + delayed ACK)
    // unless this is set before its first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The model the sandbox serves, as in RunComfy's paths: {@code /v1/models/<MODEL_ID>}. */
  public static final String MODEL_ID = "bytedance/dreamina-3-0/pro/image-to-video";

  /** The token a sandbox accepts unless the builder sets another. */
  public static final String DEFAULT_API_TOKEN = "sandbox-token";

  /**
   * The system property that, set to {@code true}, makes {@link Builder#answerVariety(boolean)}
   * default to on: a whole test suite can run against the varied shapes without a code change.
   */
  public static final String ANSWER_VARIETY_PROPERTY = "dreamina.sandbox.answerVariety";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String apiToken;
  private final URI baseUrl;
  private final Routes routes;

  private RunComfySandbox(Builder b) throws IOException {
    this.apiToken = b.apiToken;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "runcomfy-sandbox-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    this.routes =
        new Routes(
            new Routes.Settings(
                b.apiToken, b.queueTime, b.runTime, b.runTimeSpread, b.initialQueuePosition, b.answerVariety,
                b.fetchImages ? new ImageFetch(b.imageTrust) : null, executor),
            new Answers(baseUrl, b.basePrice, b.priceUnit, b.answerVariety));
    server.setExecutor(executor);
    server.createContext("/", routes);
    server.start();
  }

  /**
   * Starts a sandbox with the defaults: 1 s in the queue (from position 3), 2 s running, token
   * {@value #DEFAULT_API_TOKEN}.
   *
   * @return the running sandbox; close it when done
   */
  public static RunComfySandbox start() {
    return builder().start();
  }

  /**
   * Configures a sandbox.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where the sandbox listens, such as {@code http://127.0.0.1:41234}.
   *
   * @return the base URL to give a client
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The token the sandbox accepts; any other gets 401.
   *
   * @return the token
   */
  public String apiToken() {
    return apiToken;
  }

  /**
   * How long a job takes from its submit to its end: the queue time plus its run time.
   *
   * @param requestId a job's id
   * @return the duration, or empty for an unknown id
   */
  public Optional<Duration> jobDuration(String requestId) {
    return routes.job(requestId).map(Job::duration);
  }

  /**
   * Makes the next submitted job end {@code failed} with this {@code error} instead of completing.
   * Calls queue up: each failure applies to one later job.
   *
   * @param error the error text the result will carry
   */
  public void failNextJob(String error) {
    routes.failNextJob(Objects.requireNonNull(error, "error == null"));
  }

  /**
   * Answers the next {@code times} requests, whatever they are, with this status code and an error
   * body. The body carries the {@code error_code} RunComfy documents for that status (401 →
   * 401001, 402 → 400002, 403 → 403003, 404 → 404001, 422 → 422001, 500 → 500001), and none for a
   * status without a documented code (429, 502, 503, ...).
   *
   * @param status an HTTP status code, 400 to 599
   * @param times how many requests
   */
  public void respondWithStatus(int status, int times) {
    respondWithStatus(status, times, null);
  }

  /**
   * Answers the next {@code times} requests with this status code and a {@code Retry-After}
   * header of whole seconds.
   *
   * @param status an HTTP status code, 400 to 599
   * @param times how many requests
   * @param retryAfter the {@code Retry-After} to send, or {@code null} for none
   */
  public void respondWithStatus(int status, int times, Duration retryAfter) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 400 to 599: " + status);
    }
    routes.faults().add(new Faults.Fault(status, retryAfter), times);
  }

  /**
   * Closes the connection of the next {@code times} requests without answering, after reading
   * them: to the client that is a reset once the request was sent.
   *
   * @param times how many requests
   */
  public void dropConnections(int times) {
    routes.faults().add(new Faults.Fault(0, null), times);
  }

  /**
   * Delays every answer by this much, until set back to {@link Duration#ZERO}.
   *
   * @param perResponse the delay before each answer
   */
  public void slowDown(Duration perResponse) {
    Objects.requireNonNull(perResponse, "perResponse == null");
    if (perResponse.isNegative()) {
      throw new IllegalArgumentException("perResponse < 0: " + perResponse);
    }
    routes.slowDown(perResponse);
  }

  /**
   * From now on, each submit makes its job (it exists, and counts in {@link #submitCount()}) but its
   * answer waits until {@link #releaseSubmitAnswers()}: the moment a client is in while a paid
   * submit's answer is on its way, for tests of what a stop, a crash or Ctrl-C then does.
   */
  public void holdSubmitAnswers() {
    routes.holdSubmitAnswers();
  }

  /** Sends every held submit answer, and holds no more. */
  public void releaseSubmitAnswers() {
    routes.releaseSubmitAnswers();
  }

  /**
   * Every request received so far, in order, faulted ones included.
   *
   * @return a snapshot
   */
  public List<RecordedCall> requests() {
    return routes.requests();
  }

  /** Forgets the requests recorded so far. */
  public void clearRequests() {
    routes.clearRequests();
  }

  /**
   * From now on, answers a random share of all requests with {@code status} (and an error body),
   * and drops the connection, unanswered, on a random share of GET requests: a flaky network and
   * an overloaded server for load tests. Scripted faults ({@link #respondWithStatus}, {@link
   * #dropConnections}) come first. Pass zero rates to stop.
   *
   * @param statusRate the share of requests answered with {@code status}, from 0 to 1
   * @param status the HTTP status for them, for example 503
   * @param readDropRate the share of GET requests whose connection is closed without an answer
   * @param seed the random seed, so a run can be repeated
   */
  public void randomFaults(double statusRate, int status, double readDropRate, long seed) {
    routes.faults().random(statusRate, status, readDropRate, seed, false);
  }

  /**
   * {@link #randomFaults}, on GET requests only (status, result, price, video): a flaky network
   * and server for reads, while every submit is answered. For tests that count submits exactly:
   * a 5xx answer to a submit leaves its outcome unknown, so nothing may send it again.
   *
   * @param statusRate the share of GET requests answered with {@code status}, from 0 to 1
   * @param status the HTTP status for them, for example 503
   * @param readDropRate the share of GET requests whose connection is closed without an answer
   * @param seed the random seed
   */
  public void randomReadFaults(double statusRate, int status, double readDropRate, long seed) {
    routes.faults().random(statusRate, status, readDropRate, seed, true);
  }

  /**
   * How many submit requests reached the sandbox, answered or not: with {@link #submitCount()} it
   * tells whether any submit was sent twice.
   *
   * @return the count
   */
  public int submitRequestCount() {
    return routes.submitRequestCount();
  }

  /**
   * How many jobs were created: submits that were accepted, not ones answered with an error.
   *
   * @return the count
   */
  public int submitCount() {
    return routes.submitCount();
  }

  /** Stops the server at once and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "RunComfySandbox{baseUrl=" + baseUrl + ", jobs=" + routes.jobCount() + "}";
  }

  /** Configures a {@link RunComfySandbox}. */
  public static final class Builder {
    private String apiToken = DEFAULT_API_TOKEN;
    private Duration queueTime = Duration.ofSeconds(1);
    private Duration runTime = Duration.ofSeconds(2);
    private Duration runTimeSpread = Duration.ZERO;
    private int initialQueuePosition = 3;
    private BigDecimal basePrice = new BigDecimal("0.10");
    private String priceUnit = "second";
    private boolean answerVariety = Boolean.getBoolean(ANSWER_VARIETY_PROPERTY);
    private boolean fetchImages;
    private javax.net.ssl.SSLSocketFactory imageTrust;

    private Builder() {}

    /**
     * Makes each job fetch its image when it is submitted, as RunComfy does server-side, and fail
     * (its result {@code failed}, its {@code error} saying why) when the image cannot be fetched
     * (not https, an HTTP error, unreachable), is not a JPEG or PNG (by its first bytes), is 4.7 MB
     * or more, has a side of 320 pixels or less or over 4096, or is wider or taller than 3:1. A
     * job does not end before its image is checked. Then an app's tests see the failures that a
     * link that expired, a signature that broke or a PDF in its place give in production.
     *
     * <p>Off by default: with it, every image URL a test uses must be served for real over https
     * (with {@link #trustImageCertificates} for a test certificate), and most tests use made-up
     * URLs such as {@code https://example.com/a.png}, with no network.
     *
     * @param fetchImages whether jobs fetch and check their images
     * @return this builder
     */
    public Builder fetchImages(boolean fetchImages) {
      this.fetchImages = fetchImages;
      return this;
    }

    /**
     * The certificates that image fetches ({@link #fetchImages}) trust, instead of the JDK's: a
     * test server's own certificate, say. Image URLs stay https-only.
     *
     * @param certificates the certificates to trust
     * @return this builder
     * @throws IllegalArgumentException when none is given, or they cannot make a trust store
     */
    public Builder trustImageCertificates(java.security.cert.X509Certificate... certificates) {
      Objects.requireNonNull(certificates, "certificates == null");
      if (certificates.length == 0) {
        throw new IllegalArgumentException("no certificate to trust");
      }
      try {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trusted.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
          trusted.setCertificateEntry("trusted-" + i, Objects.requireNonNull(certificates[i], "certificate == null"));
        }
        javax.net.ssl.TrustManagerFactory trust =
            javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        this.imageTrust = tls.getSocketFactory();
      } catch (java.security.GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("Cannot trust these certificates: " + e.getMessage(), e);
      }
      return this;
    }

    /**
     * Makes the sandbox answer in the other shapes RunComfy's own clients (its CLI and ComfyUI
     * partner nodes) accept, job by job in turn, instead of only the canonical one: the spellings
     * {@code pending} / {@code waiting}, {@code processing} / {@code starting}, {@code succeeded}
     * and {@code canceled}; a {@code queue_position} of {@code 2.0}; answers without {@code
     * request_id}; unknown fields; {@code output.videos} instead of {@code output.video}, next to
     * {@code images} and {@code image} fields of unexpected shapes; an {@code output} of {@code []}
     * or {@code ""} while unfinished; a video URL with a {@code |} and a space in its query; cancel
     * answers without {@code outcome}; and the video served as {@code binary/octet-stream}, {@code
     * application/octet-stream} or with no {@code Content-Type}. Every answer still means the same
     * thing. Default: the system property {@value RunComfySandbox#ANSWER_VARIETY_PROPERTY}, else
     * off.
     *
     * @param answerVariety whether to vary the shapes
     * @return this builder
     */
    public Builder answerVariety(boolean answerVariety) {
      this.answerVariety = answerVariety;
      return this;
    }

    /**
     * Sets the token the sandbox accepts. Default {@value RunComfySandbox#DEFAULT_API_TOKEN}.
     *
     * @param apiToken the token
     * @return this builder
     */
    public Builder apiToken(String apiToken) {
      this.apiToken = Objects.requireNonNull(apiToken, "apiToken == null");
      return this;
    }

    /**
     * Sets how long each job stays {@code in_queue}. Default 1 s; zero skips the queue.
     *
     * @param queueTime zero or more
     * @return this builder
     */
    public Builder queueTime(Duration queueTime) {
      this.queueTime = nonNegative(queueTime, "queueTime");
      return this;
    }

    /**
     * Sets how long each job stays {@code in_progress}. Default 2 s.
     *
     * @param runTime zero or more
     * @return this builder
     */
    public Builder runTime(Duration runTime) {
      this.runTime = nonNegative(runTime, "runTime");
      return this;
    }

    /**
     * Makes each job run for a random extra time, uniformly between zero and {@code spread}, on
     * top of {@link #runTime}, so that many jobs finish at different moments. Default zero.
     *
     * @param spread zero or more
     * @return this builder
     */
    public Builder runTimeSpread(Duration spread) {
      this.runTimeSpread = nonNegative(spread, "runTimeSpread");
      return this;
    }

    /**
     * Sets the {@code queue_position} a new job starts at; it shrinks to 1. Default 3.
     *
     * @param position 1 or more
     * @return this builder
     */
    public Builder initialQueuePosition(int position) {
      if (position < 1) {
        throw new IllegalArgumentException("position must be at least 1: " + position);
      }
      this.initialQueuePosition = position;
      return this;
    }

    /**
     * Sets what the price endpoint answers, and so the {@code cost} of completed results asked for
     * with {@code include_cost=true}: the base price times 5 or 10 seconds (121 or 241 frames) for
     * the unit {@code second}, else the base price. Default 0.10 USD per {@code second}.
     *
     * @param basePriceUsd the {@code base_price_usd}
     * @param priceUnit the {@code price_unit}
     * @return this builder
     */
    public Builder price(BigDecimal basePriceUsd, String priceUnit) {
      this.basePrice = Objects.requireNonNull(basePriceUsd, "basePriceUsd == null");
      this.priceUnit = Objects.requireNonNull(priceUnit, "priceUnit == null");
      return this;
    }

    /**
     * Starts the sandbox on a free port of 127.0.0.1.
     *
     * @return the running sandbox
     * @throws UncheckedIOException when no port can be bound
     */
    public RunComfySandbox start() {
      try {
        return new RunComfySandbox(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the RunComfy sandbox", e);
      }
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " < 0: " + d);
      }
      return d;
    }
  }
}
