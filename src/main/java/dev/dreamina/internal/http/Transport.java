package dev.dreamina.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.WireLog;
import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Events;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.wire.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;

/**
 * Sends API calls with OkHttp: adds the headers, caps response bodies, maps answers to exceptions,
 * and retries under the {@link RetryPolicy}.
 *
 * <p>The paid submit is retried only when no job can exist: the connection was never established
 * (the network interceptor never ran, so no byte of the request was written), or the server
 * answered 429. Any other open outcome becomes a {@link SubmissionUnknownException}.
 *
 * <p>Each attempt reaches the network once: OkHttp's own follow-ups are turned off or refused
 * (see {@link #prepare} and {@link SendMarker}), so the retry policy alone decides what is sent
 * again, and the wire log sees every request the server saw.
 */
public final class Transport {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");
  private static final MediaType JSON = MediaType.get("application/json");

  /** API answers are small JSON; a bigger body is a broken answer, not something to buffer. */
  static final long MAX_RESPONSE_BYTES = 1024 * 1024;

  private final OkHttpClient http;
  private final HttpUrl baseUrl;

  /** The URLs of calls about no one job (submit, price), made once: there are two of them. */
  private final Map<String, HttpUrl> modelUrls = new ConcurrentHashMap<>();
  private final String authorization;
  private final Map<String, String> headers;
  private final RetryPolicy retryPolicy;
  private final Events events;
  private final TimeSource time;
  private final WireLogger wire;

  /**
   * @param http a client prepared by {@link #prepare}
   * @param headers sent with every call besides the SDK's own, already checked ({@code CallOptions})
   */
  public Transport(
      OkHttpClient http,
      HttpUrl baseUrl,
      String apiToken,
      Map<String, String> headers,
      RetryPolicy retryPolicy,
      TimeSource time,
      Events events,
      WireLog wireLog) {
    this.events = events;
    this.http = http;
    this.baseUrl = baseUrl;
    this.authorization = "Bearer " + apiToken;
    this.headers = headers;
    this.retryPolicy = retryPolicy;
    this.time = time;
    this.wire = new WireLogger(wireLog, apiToken);
  }

  /**
   * A client for API calls derived from {@code base}, on which OkHttp sends nothing by itself
   * (RetryAndFollowUpInterceptor, in OkHttp 4.12 and 5.x): no redirects (the token must not follow
   * one to another host); no replay of a request whose connection dropped, nor of one answered 408
   * ({@code retryOnConnectionFailure(false)}); no authenticator answering a 401 (the user's
   * client may carry one for another API); the given timeouts; and {@link SendMarker}, which
   * tells whether a request was ever written, hides a {@code 503} with {@code Retry-After: 0}
   * from OkHttp's immediate resend, and refuses any other second send of one request.
   */
  public static OkHttpClient prepare(
      OkHttpClient base, Duration connectTimeout, Duration requestTimeout) {
    OkHttpClient.Builder builder =
        base.newBuilder()
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .authenticator(Authenticator.NONE)
            .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .writeTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .callTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!builder.networkInterceptors().contains(SendMarker.INTERCEPTOR)) {
      builder.addNetworkInterceptor(SendMarker.INTERCEPTOR); // once, even on a prepared client
    }
    return builder.build();
  }

  /**
   * Makes the call, retrying as the policy allows.
   *
   * @return the answer's JSON, never an error body, with its status and headers
   */
  public Answered<JsonNode> execute(ApiCall call) {
    return RetryPolicy.retrying(
        attempt -> attempt(call, attempt),
        (attempt, failure) -> {
          Duration delay = retryDelay(call, attempt, failure);
          if (delay != null) {
            retrying(call, attempt, delay, failure);
          }
          return delay;
        },
        time,
        e -> interrupted(call, e));
  }

  /** The wait before the next attempt, or null when the failure is final. */
  private Duration retryDelay(ApiCall call, int attempt, DreaminaException failure) {
    if (!call.retries() || attempt > retryPolicy.maxRetries()) {
      return null;
    }
    // A submit that reaches here as a NetworkException was never written (see attempt()).
    boolean retryable =
        call.submit()
            ? failure instanceof NetworkException || failure instanceof RateLimitException
            : RetryPolicy.isTransient(failure);
    if (!retryable) {
      return null;
    }
    Optional<Duration> retryAfter =
        failure instanceof ApiException answered ? answered.retryAfter() : Optional.empty();
    Duration delay = retryPolicy.delayBefore(attempt, retryAfter).orElse(null);
    boolean pastDeadline =
        delay != null
            && call.deadlineNanos() != ApiCall.NO_DEADLINE
            && time.nanoTime() + delay.toNanos() - call.deadlineNanos() > 0;
    return pastDeadline ? null : delay;
  }

  private Answered<JsonNode> attempt(ApiCall call, int attempt) {
    Request request = request(call);
    SendMarker marker = request.tag(SendMarker.class);
    long start = time.nanoTime();
    try (Response response = http.newCall(request).execute()) {
      return answer(call, request, attempt, start, marker.restore(response));
    } catch (IOException e) {
      failed(call, request, attempt, start, e);
      if (Thread.currentThread().isInterrupted()) {
        DreaminaException interrupted = interrupted(call, e);
        throw call.submit() && marker.sent ? new SubmissionUnknownException(interrupted) : interrupted;
      }
      throw ioFailure(call, marker.sent, e);
    }
  }

  private Answered<JsonNode> answer(ApiCall call, Request request, int attempt, long start, Response response)
      throws IOException {
    CappedBody body = readCapped(response.body());
    log(call, attempt, start, String.valueOf(response.code()));
    wire.answered(request, call.body(), attempt, time.nanoTime() - start, response.code(), response.headers(), body.bytes, body.truncated);
    return new Answered<>(interpret(call, response, body), response.code(), response.headers());
  }

  private void failed(ApiCall call, Request request, int attempt, long start, IOException e) {
    log(call, attempt, start, e.getClass().getSimpleName());
    wire.failed(request, call.body(), attempt, time.nanoTime() - start, e);
  }

  private static DreaminaException ioFailure(ApiCall call, boolean sent, IOException e) {
    NetworkException failure =
        new NetworkException(
            call.method() + " /" + call.path() + " failed: " + describe(e), call.requestId(), e);
    return call.submit() && sent ? new SubmissionUnknownException(failure) : failure;
  }

  /**
   * Makes the call with OkHttp's asynchronous API, retrying as {@link #execute} does; no thread
   * waits, since retry delays are scheduled on {@link TimeSource#schedule}. The future completes
   * on an OkHttp or scheduler thread.
   *
   * <p>Cancelling the future cancels a pending retry and the exchange in flight, except for a
   * submit: once a submit may have been sent, aborting it could lose a paid job, so its exchange
   * runs to the end and the caller decides what to do with the answer.
   */
  public CompletableFuture<Answered<JsonNode>> executeAsync(ApiCall call) {
    AsyncExchange exchange = new AsyncExchange(call);
    exchange.next();
    return exchange.future;
  }

  private final class AsyncExchange implements Callback {
    final ApiCall call;
    final CompletableFuture<Answered<JsonNode>> future = new CompletableFuture<>();
    int attempt;
    long start;
    Request request;
    SendMarker marker;
    volatile Call inFlight;
    volatile Future<?> pending;

    AsyncExchange(ApiCall call) {
      this.call = call;
      future.whenComplete(
          (json, failure) -> {
            if (future.isCancelled()) {
              Future<?> retry = pending;
              Call current = inFlight;
              if (retry != null) {
                retry.cancel(false);
              }
              if (current != null && !call.submit()) {
                current.cancel();
              }
            }
          });
    }

    /** Starts the next attempt. Attempts are sequential, so the fields need no locking. */
    void next() {
      if (future.isDone()) {
        return;
      }
      attempt++;
      request = request(call);
      marker = request.tag(SendMarker.class);
      start = time.nanoTime();
      Call okCall = http.newCall(request);
      inFlight = okCall;
      if (future.isDone()) {
        return; // cancelled meanwhile; the cancel handler may not have seen this call
      }
      okCall.enqueue(this);
    }

    @Override
    public void onResponse(Call okCall, Response response) {
      try (response) {
        future.complete(answer(call, request, attempt, start, marker.restore(response)));
      } catch (IOException e) {
        onFailure(okCall, e);
      } catch (DreaminaException failure) {
        retryOrFail(failure);
      } catch (RuntimeException unexpected) {
        future.completeExceptionally(unexpected);
      }
    }

    @Override
    public void onFailure(Call okCall, IOException e) {
      failed(call, request, attempt, start, e);
      retryOrFail(ioFailure(call, marker.sent, e));
    }

    private void retryOrFail(DreaminaException failure) {
      Duration delay = future.isDone() ? null : retryDelay(call, attempt, failure);
      if (delay == null) {
        future.completeExceptionally(failure);
        return;
      }
      retrying(call, attempt, delay, failure);
      pending = time.schedule(delay, this::next);
    }
  }

  private JsonNode interpret(ApiCall call, Response response, CappedBody body) {
    int status = response.code();
    JsonNode json = null;
    IOException parseFailure = null;
    if (!body.truncated) {
      try {
        json = Json.parse(body.bytes);
      } catch (IOException e) {
        parseFailure = e;
      }
    }
    if (response.isSuccessful() && !ApiErrors.isErrorBody(json)) {
      if (json != null) {
        return json;
      }
      InvalidResponseException unreadable =
          new InvalidResponseException(
              body.truncated
                  ? "RunComfy's answer is over " + MAX_RESPONSE_BYTES + " bytes"
                  : "RunComfy's answer (HTTP " + status + ") is not JSON: "
                      + parseFailure.getMessage() + "; body: " + preview(body),
              call.requestId(),
              parseFailure);
      throw call.submit() ? new SubmissionUnknownException(unreadable) : unreadable;
    }
    Optional<Duration> retryAfter =
        RetryPolicy.parseRetryAfter(response.header("Retry-After"), time.now());
    ApiException error =
        ApiErrors.map(status, json, body.text(), call.requestId(), retryAfter.orElse(null));
    if (call.submit() && outcomeOpen(error)) {
      throw new SubmissionUnknownException(error);
    }
    throw error;
  }

  /** After a submit, a timeout or server failure does not prove that no job was created. */
  private static boolean outcomeOpen(ApiException error) {
    return error.statusCode() == 408
        || error.statusCode() >= 500
        || error.errorCode().orElse(0) == 500001;
  }

  private Request request(ApiCall call) {
    HttpUrl url =
        call.requestId() == null && call.query() == null
            ? modelUrls.computeIfAbsent(call.path(), this::url)
            : url(call);
    RequestBody body = call.body() == null ? null : new OneShotBody(call.body());
    Request.Builder request =
        new Request.Builder()
            .url(url)
            .method(call.method(), body)
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .header("User-Agent", SdkVersion.USER_AGENT)
            .tag(SendMarker.class, new SendMarker());
    if (!headers.isEmpty()) {
      headers.forEach(request::header);
    }
    if (call.method().equals("GET")) {
      // Status, result and price must be fresh: no proxy, nor a user's OkHttp cache, may answer.
      request.header("Cache-Control", "no-cache").header("Pragma", "no-cache");
    }
    return request.build();
  }

  private HttpUrl url(String path) {
    return baseUrl.newBuilder().addPathSegments(path).build();
  }

  private HttpUrl url(ApiCall call) {
    HttpUrl.Builder url = baseUrl.newBuilder().addPathSegments(call.path());
    if (call.query() != null) {
      url.encodedQuery(call.query());
    }
    return url.build();
  }

  private static CappedBody readCapped(ResponseBody body) throws IOException {
    Buffer buffer = new Buffer();
    BufferedSource source = body.source();
    long limit = MAX_RESPONSE_BYTES + 1;
    while (buffer.size() < limit && source.read(buffer, limit - buffer.size()) != -1) {
      // keep reading until the end or just past the cap
    }
    boolean truncated = buffer.size() > MAX_RESPONSE_BYTES;
    return new CappedBody(buffer.readByteArray(Math.min(buffer.size(), MAX_RESPONSE_BYTES)), truncated);
  }

  /** Logs a retry about to happen, and tells the job listener. */
  private void retrying(ApiCall call, int attempt, Duration delay, DreaminaException failure) {
    events.retried(call.name(), call.requestId(), attempt, failure);
    LOG.log(
        Level.DEBUG,
        () ->
            String.format(
                "retrying %s /%s in %d ms after: %s",
                call.method(), call.path(), delay.toMillis(), failure.getMessage()));
  }

  private void log(ApiCall call, int attempt, long startNanos, String outcome) {
    LOG.log(
        Level.DEBUG,
        () ->
            String.format(
                "%s /%s -> %s (attempt %d, %d ms)",
                call.method(),
                call.path(),
                outcome,
                attempt,
                TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - startNanos)));
  }

  private static CallInterruptedException interrupted(ApiCall call, Exception cause) {
    return new CallInterruptedException(
        "Interrupted during " + call.method() + " /" + call.path()
            + (call.submit() ? "" : "; the job itself is unaffected"),
        call.requestId(),
        cause);
  }

  private static String describe(IOException e) {
    if (e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
      return "the call timed out";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String preview(CappedBody body) {
    String text = body.text();
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  private static final class CappedBody {
    final byte[] bytes;
    final boolean truncated;

    CappedBody(byte[] bytes, boolean truncated) {
      this.bytes = bytes;
      this.truncated = truncated;
    }

    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * A JSON body OkHttp may write once only: {@code isOneShot()} keeps OkHttp from sending it again
   * on any follow-up (RetryAndFollowUpInterceptor returns the answer instead).
   */
  private static final class OneShotBody extends RequestBody {
    private final byte[] bytes;

    OneShotBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes);
    }
  }

  /** OkHttp was about to send a request a second time by itself; refused, so it never left. */
  static final class ResendRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    ResendRefusedException(Request request, int firstStatus) {
      super(
          "OkHttp (or an interceptor on the OkHttpClient given to the SDK) was about to send "
              + request.method() + " " + request.url().encodedPath() + " again by itself"
              + (firstStatus > 0 ? " after HTTP " + firstStatus : "")
              + "; the SDK sends each request once and retries by its own policy");
    }
  }

  /**
   * One attempt's marker, set by a network interceptor, which runs only once a connection exists
   * and so tells whether the request was ever written. It lets the request reach the network once:
   *
   * <ul>
   *   <li>a {@code 503} with {@code Retry-After: 0} (digits only, as OkHttp reads it) makes OkHttp
   *       resend the request at once, whatever {@code retryOnConnectionFailure} says: the header
   *       is taken off the answer before OkHttp sees it, and put back by {@link #restore} for
   *       the SDK, its wire log and raw responses;
   *   <li>any other second pass (a 421 on a coalesced HTTP/2 connection, an interceptor on the
   *       user's client that calls {@code proceed} again) fails with {@link
   *       ResendRefusedException} before a byte of it is written.
   * </ul>
   */
  static final class SendMarker {
    static final Interceptor INTERCEPTOR =
        chain -> {
          SendMarker marker = chain.request().tag(SendMarker.class);
          if (marker == null) {
            return chain.proceed(chain.request());
          }
          if (marker.sent) {
            throw new ResendRefusedException(chain.request(), marker.status);
          }
          marker.sent = true;
          Response response = chain.proceed(chain.request());
          marker.status = response.code();
          return marker.hideImmediateRetry(response);
        };

    volatile boolean sent;
    private volatile int status;
    private volatile List<String> hiddenRetryAfter;

    private Response hideImmediateRetry(Response response) {
      String retryAfter = response.header("Retry-After");
      boolean immediate = retryAfter != null && !retryAfter.isEmpty() && retryAfter.chars().allMatch(c -> c == '0');
      if (response.code() != 503 || !immediate) {
        return response;
      }
      hiddenRetryAfter = response.headers("Retry-After");
      return response.newBuilder().removeHeader("Retry-After").build();
    }

    /** The answer as the server sent it, with a {@code Retry-After} hidden from OkHttp put back. */
    Response restore(Response response) {
      List<String> hidden = hiddenRetryAfter;
      if (hidden == null) {
        return response;
      }
      Response.Builder restored = response.newBuilder();
      hidden.forEach(value -> restored.addHeader("Retry-After", value));
      return restored.build();
    }
  }
}
