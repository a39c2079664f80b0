package dev.dreamina.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dreamina.DreaminaClient;
import dev.dreamina.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of the RunComfy Model API for Dreamina 3.0 Pro image-to-video, on loopback,
 * so code can run and be tested without a token, a network or credits.
 *
 * <pre>{@code
 * try (RunComfySandbox sandbox = RunComfySandbox.start();
 *     DreaminaClient client = sandbox.clientBuilder().build()) {
 *   RequestResult done = client.generate(request);  // a real MP4 at done.videoUrl()
 * }
 * }</pre>
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

  /** The token a sandbox accepts unless the builder sets another. */
  public static final String DEFAULT_API_TOKEN = "sandbox-token";

  /**
   * The system property that, set to {@code true}, makes {@link Builder#answerVariety(boolean)}
   * default to on: a whole test suite can run against the varied shapes without a code change.
   */
  public static final String ANSWER_VARIETY_PROPERTY = "dreamina.sandbox.answerVariety";

  /** Each state's spellings: the documented one first, then those RunComfy's clients accept. */
  private static final Map<String, List<String>> SPELLINGS =
      Map.of(
          "in_queue", List.of("in_queue", "pending", "waiting"),
          "in_progress", List.of("in_progress", "processing", "starting"),
          "completed", List.of("completed", "succeeded"),
          "cancelled", List.of("cancelled", "canceled"),
          "failed", List.of("failed"));

  /** The video's content types; empty for none at all. */
  private static final List<String> VIDEO_TYPES =
      List.of("video/mp4", "binary/octet-stream", "application/octet-stream", "");

  /** Sent or left out, in turn. */
  private static final List<Boolean> SENT_OR_NOT = List.of(true, false);

  private static final String MODEL_ID = DreaminaClient.MODEL_ID;
  private static final Pattern REQUEST_PATH =
      Pattern.compile("/v1/requests/([^/]+)/(status|result|cancel)");
  private static final Pattern VIDEO_PATH = Pattern.compile("/files/([A-Za-z0-9_-]+)/output\\.mp4");
  private static final byte[] SAMPLE_MP4 = loadSample();

  private final ObjectMapper mapper = Json.mapper();
  private final HttpServer server;
  private final ExecutorService executor;
  private final String apiToken;
  private final Duration queueTime;
  private final Duration runTime;
  private final Duration runTimeSpread;
  private final int initialQueuePosition;
  private final BigDecimal basePrice;
  private final String priceUnit;
  private final boolean answerVariety;
  private final URI baseUrl;

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger submits = new AtomicInteger();
  private final AtomicInteger submitRequests = new AtomicInteger();
  private volatile RandomFaults randomFaults = RandomFaults.NONE;
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Deque<String> jobFailures = new ArrayDeque<>();
  private volatile Duration delay = Duration.ZERO;

  private RunComfySandbox(Builder b) throws IOException {
    this.apiToken = b.apiToken;
    this.queueTime = b.queueTime;
    this.runTime = b.runTime;
    this.runTimeSpread = b.runTimeSpread;
    this.initialQueuePosition = b.initialQueuePosition;
    this.basePrice = b.basePrice;
    this.priceUnit = b.priceUnit;
    this.answerVariety = b.answerVariety;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "runcomfy-sandbox-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.baseUrl =
        URI.create("http://127.0.0.1:" + server.getAddress().getPort());
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
   * A client builder already pointed at this sandbox with its token; set more options and build.
   *
   * @return a new builder
   */
  public DreaminaClient.Builder clientBuilder() {
    return DreaminaClient.builder().apiToken(apiToken).baseUrl(baseUrl);
  }

  /**
   * How long a job takes from its submit to its end: the queue time plus its run time.
   *
   * @param requestId a job's id
   * @return the duration, or empty for an unknown id
   */
  public Optional<Duration> jobDuration(String requestId) {
    Job job = jobs.get(requestId);
    return job == null ? Optional.empty() : Optional.of(job.duration());
  }

  /**
   * Makes the next submitted job end {@code failed} with this {@code error} instead of completing.
   * Calls queue up: each failure applies to one later job.
   *
   * @param error the error text the result will carry
   */
  public void failNextJob(String error) {
    Objects.requireNonNull(error, "error == null");
    synchronized (jobFailures) {
      jobFailures.add(error);
    }
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
    addFaults(new Fault(status, retryAfter), times);
  }

  /**
   * Closes the connection of the next {@code times} requests without answering, after reading
   * them: to the client that is a reset once the request was sent.
   *
   * @param times how many requests
   */
  public void dropConnections(int times) {
    addFaults(new Fault(0, null), times);
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
    this.delay = perResponse;
  }

  /**
   * Every request received so far, in order, faulted ones included.
   *
   * @return a snapshot
   */
  public List<RecordedCall> requests() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Forgets the requests recorded so far. */
  public void clearRequests() {
    synchronized (calls) {
      calls.clear();
    }
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
    if (!(statusRate >= 0 && statusRate <= 1 && readDropRate >= 0 && readDropRate <= 1)) {
      throw new IllegalArgumentException("rates must be between 0 and 1");
    }
    randomFaults = new RandomFaults(statusRate, status, readDropRate, new Random(seed));
  }

  /**
   * How many submit requests reached the sandbox, answered or not: with {@link #submitCount()} it
   * tells whether any submit was sent twice.
   *
   * @return the count
   */
  public int submitRequestCount() {
    return submitRequests.get();
  }

  /**
   * How many jobs were created: submits that were accepted, not ones answered with an error.
   *
   * @return the count
   */
  public int submitCount() {
    return submits.get();
  }

  /** Stops the server at once and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "RunComfySandbox{baseUrl=" + baseUrl + ", jobs=" + jobs.size() + "}";
  }

  /** Seeded random faults; the random source is shared by the handler threads, hence the lock. */
  private static final class RandomFaults {
    static final RandomFaults NONE = new RandomFaults(0, 0, 0, new Random(0));

    final double statusRate;
    final int status;
    final double readDropRate;
    final Random random;

    RandomFaults(double statusRate, int status, double readDropRate, Random random) {
      this.statusRate = statusRate;
      this.status = status;
      this.readDropRate = readDropRate;
      this.random = random;
    }

    Fault next(String method) {
      if (statusRate == 0 && readDropRate == 0) {
        return null;
      }
      double roll;
      synchronized (random) {
        roll = random.nextDouble();
      }
      if (roll < statusRate) {
        return new Fault(status, null);
      }
      if (method.equals("GET") && roll < statusRate + readDropRate) {
        return new Fault(0, null);
      }
      return null;
    }
  }

  private void addFaults(Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
    synchronized (faults) {
      for (int i = 0; i < times; i++) {
        faults.add(fault);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = readAll(exchange.getRequestBody());
      record(exchange, body);
      Duration pause = delay;
      if (!pause.isZero()) {
        Thread.sleep(pause.toMillis());
      }
      if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().startsWith("/v1/models/")) {
        submitRequests.incrementAndGet();
      }
      Fault fault;
      synchronized (faults) {
        fault = faults.poll();
      }
      if (fault == null) {
        fault = randomFaults.next(exchange.getRequestMethod());
      }
      if (fault != null && fault.status == 0) {
        exchange.close(); // no response headers were sent: the connection is simply closed
        return;
      }
      if (fault != null) {
        if (fault.retryAfter != null) {
          exchange.getResponseHeaders().set("Retry-After", String.valueOf(fault.retryAfter.toSeconds()));
        }
        sendError(exchange, fault.status, documentedCode(fault.status), "Scripted failure");
        return;
      }
      route(exchange, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } catch (RuntimeException e) {
      sendError(exchange, 500, 500001, "Sandbox failure: " + e);
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Matcher video = VIDEO_PATH.matcher(path);
    if (video.matches()) {
      serveVideo(exchange, video.group(1));
      return;
    }
    if (!authorized(exchange)) {
      sendError(exchange, 401, 401001, "Unauthorized: invalid or missing API token");
      return;
    }
    if (path.equals("/v1/models/" + MODEL_ID)) {
      if (method.equals("POST")) {
        submit(exchange, body);
      } else if (method.equals("GET")) {
        price(exchange);
      } else {
        sendError(exchange, 405, null, "Method not allowed");
      }
      return;
    }
    if (path.startsWith("/v1/models/")) {
      sendError(exchange, 400, 400001, "Invalid model id: " + path.substring("/v1/models/".length()));
      return;
    }
    Matcher request = REQUEST_PATH.matcher(path);
    if (!request.matches()) {
      sendError(exchange, 404, 404001, "Not found: " + path);
      return;
    }
    String action = request.group(2);
    if (!method.equals(action.equals("cancel") ? "POST" : "GET")) {
      sendError(exchange, 405, null, "Method not allowed");
      return;
    }
    Job job = jobs.get(request.group(1));
    if (job == null) {
      sendError(exchange, 404, 404001, "Request not found: " + request.group(1));
      return;
    }
    switch (action) {
      case "status":
        sendJson(exchange, 200, statusJson(job));
        break;
      case "result":
        String query = exchange.getRequestURI().getRawQuery();
        boolean includeCost = query != null && List.of(query.split("&")).contains("include_cost=true");
        sendJson(exchange, 200, resultJson(job, includeCost));
        break;
      default:
        sendJson(exchange, 200, cancel(job));
        break;
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    return header != null && header.equals("Bearer " + apiToken);
  }

  private void submit(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode input;
    try {
      input = Json.parse(body);
    } catch (IOException e) {
      sendValidationError(exchange, List.of(detail(List.of("body"), "Invalid JSON", "json_invalid")));
      return;
    }
    List<ObjectNode> problems = validate(input);
    if (!problems.isEmpty()) {
      sendValidationError(exchange, problems);
      return;
    }
    String failure;
    synchronized (jobFailures) {
      failure = jobFailures.poll();
    }
    String id = UUID.randomUUID().toString();
    long spread = runTimeSpread.toNanos();
    long run = runTime.toNanos() + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(spread + 1));
    JsonNode frames = input.get("frames");
    int frameCount = frames != null && frames.isInt() ? frames.intValue() : 121;
    int number = submits.getAndIncrement();
    jobs.put(id, new Job(id, number, System.nanoTime(), Instant.now(), failure, run, frameCount));
    ObjectNode answer = mapper.createObjectNode();
    answer.put("request_id", id);
    answer.put("status_url", requestUrl(id, "status"));
    answer.put("result_url", requestUrl(id, "result"));
    answer.put("cancel_url", requestUrl(id, "cancel"));
    sendJson(exchange, 200, answer);
  }

  /** The page's input schema, as a JSON Schema validator would apply it. */
  private List<ObjectNode> validate(JsonNode input) {
    List<ObjectNode> problems = new ArrayList<>();
    if (!input.isObject()) {
      problems.add(detail(List.of("body"), "Input should be an object", "model_type"));
      return problems;
    }
    JsonNode prompt = input.get("prompt");
    if (prompt == null) {
      problems.add(detail(List.of("body", "prompt"), "Field required", "missing"));
    } else if (!prompt.isTextual()) {
      problems.add(detail(List.of("body", "prompt"), "Input should be a valid string", "string_type"));
    } else {
      String text = prompt.textValue();
      if (text.codePointCount(0, text.length()) > 800) {
        problems.add(
            detail(List.of("body", "prompt"), "String should have at most 800 characters", "string_too_long"));
      }
    }
    JsonNode images = input.get("image_urls");
    if (images == null) {
      problems.add(detail(List.of("body", "image_urls"), "Field required", "missing"));
    } else if (!images.isArray()) {
      problems.add(detail(List.of("body", "image_urls"), "Input should be a valid list", "list_type"));
    } else if (images.size() != 1) {
      problems.add(
          detail(List.of("body", "image_urls"), "List should have exactly 1 item", "list_length"));
    } else if (!images.get(0).isTextual() || !isImageUri(images.get(0).textValue())) {
      problems.add(
          detail(List.of("body", "image_urls", "0"), "Input should be a valid image URL", "url_parsing"));
    }
    JsonNode seed = input.get("seed");
    if (seed != null && !(seed.isIntegralNumber() && seed.canConvertToInt())) {
      problems.add(detail(List.of("body", "seed"), "Input should be a valid integer", "int_type"));
    }
    JsonNode frames = input.get("frames");
    if (frames != null
        && !(frames.isIntegralNumber() && (frames.intValue() == 121 || frames.intValue() == 241))) {
      problems.add(detail(List.of("body", "frames"), "Input should be 121 or 241", "enum"));
    }
    return problems;
  }

  private static boolean isImageUri(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private ObjectNode detail(List<String> loc, String msg, String type) {
    ObjectNode node = mapper.createObjectNode();
    ArrayNode locNode = node.putArray("loc");
    loc.forEach(locNode::add);
    node.put("msg", msg);
    node.put("type", type);
    return node;
  }

  private void sendValidationError(HttpExchange exchange, List<ObjectNode> problems)
      throws IOException {
    ObjectNode body = mapper.createObjectNode();
    body.put("error_code", 422001);
    body.put("error_message", "Validation Error");
    body.putArray("detail").addAll(problems);
    sendJson(exchange, 422, body);
  }

  private void price(HttpExchange exchange) throws IOException {
    ObjectNode body = mapper.createObjectNode();
    body.put("model_id", MODEL_ID);
    body.put("base_price_usd", basePrice);
    body.put("price_unit", priceUnit);
    body.put("pricing_note", "Sandbox price: nothing is charged.");
    sendJson(exchange, 200, body);
  }

  /** A new answer about a job: its {@code request_id} (left out in turn when varied) and status. */
  private ObjectNode answer(Job job, String status) {
    ObjectNode body = mapper.createObjectNode();
    if (job.pick(SENT_OR_NOT)) {
      body.put("request_id", job.id);
    }
    body.put("status", job.pick(SPELLINGS.get(status)));
    return body;
  }

  private ObjectNode statusJson(Job job) {
    State state = job.state(System.nanoTime());
    ObjectNode body = answer(job, state.status);
    if (state.queuePosition > 0) {
      if (job.pick(SENT_OR_NOT)) {
        body.put("queue_position", state.queuePosition);
      } else {
        body.put("queue_position", (double) state.queuePosition); // 2.0
      }
    }
    body.put("status_url", requestUrl(job.id, "status"));
    body.put("result_url", requestUrl(job.id, "result"));
    if (answerVariety) {
      body.put("instance_id", "sandbox-" + job.number);
    }
    return body;
  }

  private ObjectNode resultJson(Job job, boolean includeCost) {
    State state = job.state(System.nanoTime());
    ObjectNode body = answer(job, state.status);
    body.put("model_id", MODEL_ID);
    body.put("created_at", job.createdAt.toString());
    if (state.status.equals("completed")) {
      output(job, body.putObject("output"));
    } else if (answerVariety) {
      body.set("output", job.pick(List.of(mapper.createArrayNode(), mapper.getNodeFactory().textNode(""))));
    }
    if (answerVariety) {
      body.putObject("metadata").put("sandbox", true).put("variant", job.number);
    }
    if (state.status.equals("failed")) {
      body.put("error", job.failure);
    }
    if (state.status.equals("completed") || state.status.equals("failed")) {
      body.put("finished_at", job.createdAt.plus(job.duration()).toString());
    }
    if (includeCost && state.status.equals("completed")) {
      body.put("cost", cost(job));
    }
    return body;
  }

  /**
   * A completed job's outputs: {@code output.video}, or when varied in turn {@code output.videos}
   * with one URL next to an {@code images} list of objects, or {@code output.video} next to an
   * {@code image} that is not a URL; the URL itself carries, in turn, a pre-signed-looking query
   * with a {@code |} and a space that {@link URI} does not accept as they are.
   */
  private void output(Job job, ObjectNode output) {
    String url =
        baseUrl + "/files/" + job.id + "/output.mp4"
            + job.pick(List.of("", "?X-Amz-Signature=sandbox|" + job.number + "&X-Note=a b"));
    switch (job.pick(List.of(0, 1, 2))) {
      case 1 -> {
        output.putArray("videos").add(url);
        output.putArray("images").addObject().put("url", baseUrl + "/files/" + job.id + "/thumb.png");
      }
      case 2 -> {
        output.put("video", url);
        output.put("image", 0);
        output.putObject("thumbnail").put("width", 640);
      }
      default -> output.put("video", url);
    }
  }

  /** The configured price times the video's seconds when priced per second, else the price. */
  private BigDecimal cost(Job job) {
    if (!priceUnit.equals("second")) {
      return basePrice;
    }
    return basePrice.multiply(BigDecimal.valueOf(job.frames == 241 ? 10 : 5));
  }

  private ObjectNode cancel(Job job) {
    State state = job.state(System.nanoTime());
    String outcome;
    if (state.status.equals("in_queue")) {
      job.cancelled = true;
      outcome = "cancelled";
    } else {
      outcome = "not_cancellable";
    }
    ObjectNode body = answer(job, job.state(System.nanoTime()).status);
    if (job.pick(SENT_OR_NOT)) {
      body.put("outcome", outcome); // else the status says it, as RunComfy's clients infer
    }
    return body;
  }

  private void serveVideo(HttpExchange exchange, String id) throws IOException {
    Job job = jobs.get(id);
    if (job == null || !job.state(System.nanoTime()).status.equals("completed")) {
      sendError(exchange, 404, 404001, "No such file");
      return;
    }
    String type = job.pick(VIDEO_TYPES);
    if (!type.isEmpty()) {
      exchange.getResponseHeaders().set("Content-Type", type);
    }
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(200, head ? -1 : SAMPLE_MP4.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(SAMPLE_MP4);
      }
    }
  }

  private String requestUrl(String id, String action) {
    return baseUrl + "/v1/requests/" + id + "/" + action;
  }

  /** The {@code error_code} RunComfy documents for an HTTP status, or {@code null} for none. */
  private static Integer documentedCode(int status) {
    return switch (status) {
      case 401 -> 401001;
      case 402 -> 400002;
      case 403 -> 403003;
      case 404 -> 404001;
      case 422 -> 422001;
      case 500 -> 500001;
      default -> null;
    };
  }

  /** An error body; {@code errorCode} is one of RunComfy's documented codes, or {@code null}. */
  private void sendError(HttpExchange exchange, int status, Integer errorCode, String message)
      throws IOException {
    ObjectNode body = mapper.createObjectNode();
    if (errorCode != null) {
      body.put("error_code", errorCode);
    }
    body.put("error_message", message);
    sendJson(exchange, status, body);
  }

  private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void record(HttpExchange exchange, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    URI uri = exchange.getRequestURI();
    RecordedCall call =
        new RecordedCall(
            exchange.getRequestMethod(),
            uri.getPath(),
            uri.getRawQuery() == null ? "" : uri.getRawQuery(),
            headers,
            new String(body, StandardCharsets.UTF_8));
    synchronized (calls) {
      calls.add(call);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static byte[] loadSample() {
    try (InputStream in = RunComfySandbox.class.getResourceAsStream("sample.mp4")) {
      if (in == null) {
        throw new IllegalStateException("sample.mp4 is missing from the sandbox's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A scripted answer: an error status, or 0 to drop the connection. */
  private static final class Fault {
    final int status;
    final Duration retryAfter;

    Fault(int status, Duration retryAfter) {
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  private static final class State {
    final String status;
    final int queuePosition;

    State(String status, int queuePosition) {
      this.status = status;
      this.queuePosition = queuePosition;
    }
  }

  private final class Job {
    final String id;
    final int number;
    final long createdNanos;
    final Instant createdAt;
    final String failure;
    final long runNanos;
    final int frames;
    volatile boolean cancelled;

    Job(
        String id,
        int number,
        long createdNanos,
        Instant createdAt,
        String failure,
        long runNanos,
        int frames) {
      this.id = id;
      this.number = number;
      this.createdNanos = createdNanos;
      this.createdAt = createdAt;
      this.failure = failure;
      this.runNanos = runNanos;
      this.frames = frames;
    }

    Duration duration() {
      return queueTime.plusNanos(runNanos);
    }

    /**
     * The canonical shape (the first), or with answer variety the one this job's number picks, so
     * that consecutive jobs go through every shape, and the very first job already answers in no
     * canonical shape at all.
     */
    <T> T pick(List<T> shapes) {
      return shapes.get(answerVariety ? (number + 1) % shapes.size() : 0);
    }

    State state(long nowNanos) {
      if (cancelled) {
        return new State("cancelled", 0);
      }
      long elapsed = nowNanos - createdNanos;
      long queue = queueTime.toNanos();
      if (elapsed < queue) {
        int position = (int) Math.min(initialQueuePosition, 1 + (queue - elapsed) * initialQueuePosition / queue);
        return new State("in_queue", position);
      }
      if (elapsed < queue + runNanos) {
        return new State("in_progress", 0);
      }
      return new State(failure == null ? "completed" : "failed", 0);
    }
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

    private Builder() {}

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
