package dev.dreamina.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sandbox's HTTP side: records each request, applies faults, and routes it. Thread-safe. */
final class Routes implements HttpHandler {
  private static final Pattern REQUEST_PATH =
      Pattern.compile("/v1/requests/([^/]+)/(status|result|cancel)");
  private static final Pattern VIDEO_PATH = Pattern.compile("/files/([A-Za-z0-9_-]+)/output\\.mp4");
  private static final byte[] SAMPLE_MP4 = loadSample();

  /** What a sandbox was built with, copied, so that a builder changed later changes nothing. */
  record Settings(
      String apiToken,
      Duration queueTime,
      Duration runTime,
      Duration runTimeSpread,
      int initialQueuePosition,
      boolean answerVariety,
      ImageFetch images,
      java.util.concurrent.Executor background) {}

  private final Settings settings;
  private final Answers answers;
  private final Faults faults = new Faults();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger submits = new AtomicInteger();
  private final AtomicInteger submitRequests = new AtomicInteger();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Deque<String> jobFailures = new ArrayDeque<>();
  private volatile Duration delay = Duration.ZERO;

  Routes(Settings settings, Answers answers) {
    this.settings = settings;
    this.answers = answers;
  }

  Faults faults() {
    return faults;
  }

  Optional<Job> job(String requestId) {
    return Optional.ofNullable(jobs.get(requestId));
  }

  int jobCount() {
    return jobs.size();
  }

  void failNextJob(String error) {
    synchronized (jobFailures) {
      jobFailures.add(error);
    }
  }

  void slowDown(Duration perResponse) {
    delay = perResponse;
  }

  /** While set, each submit's answer waits for it to open, after its job was made. */
  private volatile java.util.concurrent.CountDownLatch submitAnswers;

  void holdSubmitAnswers() {
    submitAnswers = new java.util.concurrent.CountDownLatch(1);
  }

  void releaseSubmitAnswers() {
    java.util.concurrent.CountDownLatch held = submitAnswers;
    submitAnswers = null;
    if (held != null) {
      held.countDown();
    }
  }

  List<RecordedCall> requests() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  void clearRequests() {
    synchronized (calls) {
      calls.clear();
    }
  }

  int submitRequestCount() {
    return submitRequests.get();
  }

  int submitCount() {
    return submits.get();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
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
      Faults.Fault fault = faults.next(exchange.getRequestMethod());
      if (fault != null && fault.drops()) {
        exchange.close(); // no response headers were sent: the connection is simply closed
        return;
      }
      if (fault != null) {
        if (fault.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", String.valueOf(fault.retryAfter().toSeconds()));
        }
        sendJson(exchange, fault.status(), Answers.error(Answers.documentedCode(fault.status()), "Scripted failure"));
        return;
      }
      route(exchange, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } catch (RuntimeException e) {
      sendJson(exchange, 500, Answers.error(500001, "Sandbox failure: " + e));
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
      sendJson(exchange, 401, Answers.error(401001, "Unauthorized: invalid or missing API token"));
      return;
    }
    if (path.equals("/v1/models/" + Answers.MODEL_ID)) {
      switch (method) {
        case "POST" -> submit(exchange, body);
        case "GET" -> sendJson(exchange, 200, answers.price());
        default -> sendJson(exchange, 405, Answers.error(null, "Method not allowed"));
      }
      return;
    }
    if (path.startsWith("/v1/models/")) {
      sendJson(exchange, 400, Answers.error(400001, "Invalid model id: " + path.substring("/v1/models/".length())));
      return;
    }
    Matcher request = REQUEST_PATH.matcher(path);
    if (!request.matches()) {
      sendJson(exchange, 404, Answers.error(404001, "Not found: " + path));
      return;
    }
    String action = request.group(2);
    if (!method.equals(action.equals("cancel") ? "POST" : "GET")) {
      sendJson(exchange, 405, Answers.error(null, "Method not allowed"));
      return;
    }
    Job job = jobs.get(request.group(1));
    if (job == null) {
      sendJson(exchange, 404, Answers.error(404001, "Request not found: " + request.group(1)));
      return;
    }
    String query = exchange.getRequestURI().getRawQuery();
    boolean includeCost = query != null && List.of(query.split("&")).contains("include_cost=true");
    sendJson(
        exchange,
        200,
        switch (action) {
          case "status" -> answers.status(job);
          case "result" -> answers.result(job, includeCost);
          default -> answers.cancel(job);
        });
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    return header != null && header.equals("Bearer " + settings.apiToken());
  }

  private void submit(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode input;
    try {
      input = body.length == 0 ? null : Answers.MAPPER.readTree(body);
    } catch (IOException e) {
      input = null;
    }
    if (input == null || input.isMissingNode()) {
      sendJson(exchange, 422, Answers.validationError(List.of(InputSchema.detail(List.of("body"), "Invalid JSON", "json_invalid"))));
      return;
    }
    List<ObjectNode> problems = InputSchema.problems(input);
    if (!problems.isEmpty()) {
      sendJson(exchange, 422, Answers.validationError(problems));
      return;
    }
    String failure;
    synchronized (jobFailures) {
      failure = jobFailures.poll();
    }
    String id = UUID.randomUUID().toString();
    long spread = settings.runTimeSpread().toNanos();
    long run = settings.runTime().toNanos() + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(spread + 1));
    JsonNode frames = input.get("frames");
    int frameCount = frames != null && frames.isInt() ? frames.intValue() : 121;
    int number = submits.getAndIncrement();
    Job job =
        new Job(
            id, number, failure, frameCount, settings.queueTime(), run, settings.initialQueuePosition(),
            settings.answerVariety());
    if (settings.images() != null) {
      String imageUrl = input.get("image_urls").get(0).asText();
      job.fetchingImage();
      settings.background().execute(() -> job.imageChecked(settings.images().problem(imageUrl)));
    }
    jobs.put(id, job);
    java.util.concurrent.CountDownLatch held = submitAnswers;
    if (held != null) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the sandbox is closing: no answer
        return;
      }
    }
    sendJson(exchange, 200, answers.submitted(id));
  }

  private void serveVideo(HttpExchange exchange, String id) throws IOException {
    Job job = jobs.get(id);
    if (job == null || !job.state().status().equals("completed")) {
      sendJson(exchange, 404, Answers.error(404001, "No such file"));
      return;
    }
    String type = job.pick(Answers.VIDEO_TYPES);
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

  private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = Answers.MAPPER.writeValueAsBytes(body);
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
    RecordedCall call =
        new RecordedCall(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery(),
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
    try (InputStream in = Routes.class.getResourceAsStream("sample.mp4")) {
      if (in == null) {
        throw new IllegalStateException("sample.mp4 is missing from the sandbox's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
