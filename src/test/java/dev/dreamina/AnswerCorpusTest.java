package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.SubmissionUnknownException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answer corpus: the answer shapes RunComfy's own clients are written to accept (and the few
 * they refuse), each with the outcome the SDK must give, blocking and async, through the real
 * client against a loopback server.
 *
 * <p>Sources, named in each case: "PN" is RunComfy's ComfyUI partner nodes
 * (runcomfy-com/comfyui-runcomfy-partner-nodes: runcomfy/execution.py {@code output_video} and
 * {@code async_run_generation}, runcomfy/client.py, tests/test_execution.py,
 * tests/test_client.py); "CLI" is RunComfy's CLI (runcomfy-com/runcomfy-cli: src/poll.rs {@code
 * status_of} and {@code describe_inference}, src/cmd/run.rs {@code StatusResponse} / {@code
 * ResultResponse}, src/cmd/cancel.rs {@code CancelResponse}); "docs" is ../shared/runcomfy-api.md.
 */
class AnswerCorpusTest extends ApiTest {
  private static final String MODEL = DreaminaClient.MODEL_ID;
  private static final String V = "https://storage.runcomfy.net/x.mp4";
  private static final String V2 = "https://storage.runcomfy.net/y.mp4";

  @TempDir Path dir;

  @Override
  DreaminaClientBuilder configure(DreaminaClientBuilder builder) {
    return builder.maxRetries(0);
  }

  // ---- result ----------------------------------------------------------------------------------

  /**
   * One result answer and what it must read as: its status, video URL (and the string it came
   * from), cost; or the exception it must throw.
   */
  record ResultCase(
      String name,
      String body,
      Status status,
      String video,
      String rawVideo,
      String cost,
      Class<? extends DreaminaException> fails) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ResultCase result(String name, String body, Status status, String video, String cost) {
    return new ResultCase(name, body, status, video, video, cost, null);
  }

  private static ResultCase encoded(String name, String sentUrl, String readUrl) {
    return new ResultCase(
        name,
        "{\"status\":\"completed\",\"output\":{\"video\":\"" + sentUrl + "\"}}",
        Status.COMPLETED, readUrl, sentUrl, null, null);
  }

  private static ResultCase resultFails(String name, String body, Class<? extends DreaminaException> type) {
    return new ResultCase(name, body, null, null, null, null, type);
  }

  private static String completedWith(String output) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"completed\",\"output\":" + output + "}";
  }

  static List<ResultCase> resultCorpus() {
    return List.of(
        result("docs: the canonical answer",
            "{\"request_id\":\"" + ID + "\",\"status\":\"completed\",\"model_id\":\"" + MODEL + "\","
                + "\"output\":{\"video\":\"" + V + "\"},\"created_at\":\"2026-11-25T10:00:00Z\","
                + "\"finished_at\":\"2026-11-25T10:01:00Z\",\"cost\":3.15}",
            Status.COMPLETED, V, "3.15"),
        result("PN tests/test_execution.py: no request_id",
            "{\"status\":\"completed\",\"output\":{\"video\":\"" + V + "\"},\"cost\":3.15}",
            Status.COMPLETED, V, "3.15"),
        result("PN tests/test_client.py: no output at all",
            "{\"status\":\"completed\",\"cost\":2.85}", Status.COMPLETED, null, "2.85"),
        result("PN/CLI: succeeded spelling", completedWith("{\"video\":\"" + V + "\"}").replace("completed", "succeeded"),
            Status.COMPLETED, V, null),
        result("PN output_video: videos with one string", completedWith("{\"videos\":[\"" + V + "\"]}"),
            Status.COMPLETED, V, null),
        result("PN output_video: video wins over videos", completedWith("{\"video\":\"" + V + "\",\"videos\":[\"" + V2 + "\"]}"),
            Status.COMPLETED, V, null),
        result("PN output_video: empty video, videos with one string",
            completedWith("{\"video\":\"\",\"videos\":[\"" + V2 + "\"]}"), Status.COMPLETED, V2, null),
        result("PN output_video: two videos are no single video",
            completedWith("{\"videos\":[\"" + V + "\",\"" + V2 + "\"]}"), Status.COMPLETED, null, null),
        result("PN output_video: videos of objects are no video",
            completedWith("{\"videos\":[{\"url\":\"" + V + "\"}]}"), Status.COMPLETED, null, null),
        result("PN output_video ignores other fields: images of objects",
            completedWith("{\"video\":\"" + V + "\",\"images\":[{\"url\":\"https://storage.runcomfy.net/t.png\"}]}"),
            Status.COMPLETED, V, null),
        result("PN output_video ignores other fields: image is a number",
            completedWith("{\"video\":\"" + V + "\",\"image\":0}"), Status.COMPLETED, V, null),
        result("PN output_video ignores other fields: unknown ones",
            completedWith("{\"video\":\"" + V + "\",\"thumbnail\":{\"w\":640},\"seed\":42}"),
            Status.COMPLETED, V, null),
        result("PN output_video: a video that is not a string",
            completedWith("{\"video\":{\"url\":\"" + V + "\"}}"), Status.COMPLETED, null, null),
        result("CLI ResultResponse: output null while running",
            "{\"request_id\":\"" + ID + "\",\"status\":\"in_progress\",\"output\":null}",
            Status.IN_PROGRESS, null, null),
        result("PN `or {}`: output [] while queued",
            "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"output\":[]}", Status.IN_QUEUE, null, null),
        result("PN `or {}`: output \"\" while queued",
            "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"output\":\"\"}", Status.IN_QUEUE, null, null),
        result("PN isinstance(output, dict): output a string when completed",
            completedWith("\"" + V + "\""), Status.COMPLETED, null, null),
        encoded("PN (requests quotes a space): a space in the path",
            "https://storage.runcomfy.net/out/my video.mp4", "https://storage.runcomfy.net/out/my%20video.mp4"),
        encoded("a | in a pre-signed query",
            "https://storage.runcomfy.net/v.mp4?X-Amz-Signature=ab|cd&X-Amz-Date=20261125T000000Z",
            "https://storage.runcomfy.net/v.mp4?X-Amz-Signature=ab%7Ccd&X-Amz-Date=20261125T000000Z"),
        encoded("escapes already there are kept",
            "https://storage.runcomfy.net/a%2Fb c.mp4?sig=x%3D y", "https://storage.runcomfy.net/a%2Fb%20c.mp4?sig=x%3D%20y"),
        encoded("a second # and a stray % are encoded",
            "https://storage.runcomfy.net/v.mp4?p=100%#a#b", "https://storage.runcomfy.net/v.mp4?p=100%25#a%23b"),
        encoded("spaces around the URL are trimmed", " " + V + " ", V),
        result("non-ASCII stays as URI takes it", completedWith("{\"video\":\"https://storage.runcomfy.net/vidéo.mp4\"}"),
            Status.COMPLETED, "https://storage.runcomfy.net/vidéo.mp4", null),
        result("a video that is no absolute URL is no video", completedWith("{\"video\":\"not a url\"}"),
            Status.COMPLETED, null, null),
        result("a host that no encoding mends is no video", completedWith("{\"video\":\"https://bad host/v.mp4\"}"),
            Status.COMPLETED, null, null),
        result("PN cost_from_result: a string cost is left out",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"cost\":\"3.15\"}"), Status.COMPLETED, V, null),
        result("PN cost_from_result: a negative cost is left out",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"cost\":-1}"), Status.COMPLETED, V, null),
        result("a whole-dollar cost", completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"cost\":3}"),
            Status.COMPLETED, V, "3"),
        result("unreadable timestamps are left out",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"created_at\":\"yesterday\",\"finished_at\":[1]}"),
            Status.COMPLETED, V, null),
        result("a created_at of 1e999999999 seconds is unreadable, quickly",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"created_at\":1e999999999,\"finished_at\":-1e-999999999}"),
            Status.COMPLETED, V, null),
        result("PN: an empty model_id is not another model",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"model_id\":\"\"}"), Status.COMPLETED, V, null),
        result("PN/CLI: failed with an error object",
            "{\"status\":\"failed\",\"error\":{\"message\":\"nsfw\",\"code\":7}}", Status.FAILED, null, null),
        result("PN/CLI: canceled spelling", "{\"status\":\"canceled\"}", Status.CANCELLED, null, null),
        result("PN: processing is running", "{\"status\":\"processing\"}", Status.IN_PROGRESS, null, null),
        result("CLI: an unknown word is unknown, not fatal", "{\"status\":\"warming_up\"}", Status.UNKNOWN, null, null),
        resultFails("PN: a result of another model",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"model_id\":\"bytedance/seedance-2.5/image-to-video/1080p\"}"),
            InvalidResponseException.class),
        resultFails("a model_id that is not even a string",
            completedWith("{\"video\":\"" + V + "\"}").replace("}}", "},\"model_id\":7}"), InvalidResponseException.class),
        resultFails("a result about another request_id",
            "{\"request_id\":\"req_other\",\"status\":\"completed\",\"output\":{\"video\":\"" + V + "\"}}",
            InvalidResponseException.class),
        resultFails("no status", "{\"request_id\":\"" + ID + "\",\"output\":{\"video\":\"" + V + "\"}}",
            InvalidResponseException.class),
        resultFails("PN client.py: not an object", "[]", InvalidResponseException.class));
  }

  static Stream<Arguments> results() {
    return withModes(resultCorpus());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("results")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang detector, not a speed check
  void resultAnswers(Mode mode, ResultCase c) {
    server.enqueue(json(c.body()));
    if (c.fails() != null) {
      DreaminaException e = assertThrows(c.fails(), () -> mode.of(client).result(ID));
      assertEquals(Optional.of(ID), e.requestId());
      return;
    }
    RequestResult result = mode.of(client).result(ID);
    assertEquals(ID, result.requestId());
    assertEquals(c.status(), result.status());
    assertEquals(Optional.ofNullable(c.video()).map(URI::create), result.videoUrl());
    assertEquals(Optional.ofNullable(c.rawVideo()), result.rawVideoUrl());
    assertEquals(Optional.ofNullable(c.cost()).map(BigDecimal::new), result.cost());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.dreamina.Mode#values")
  void fieldsOfAnUnexpectedShapeAreKeptAsSent(Mode mode) {
    server.enqueue(json(
        "{\"status\":\"completed\",\"output\":{\"video\":\"" + V + "\",\"images\":[{\"url\":\"u\"}],\"image\":0},"
            + "\"cost\":\"3.15\",\"queue_time\":1.5}"));
    RequestResult result = mode.of(client).result(ID);
    Output output = result.output().orElseThrow();
    assertEquals(List.of(), output.images());
    assertEquals(Optional.empty(), output.image());
    assertEquals(List.of(Map.of("url", "u")), output.additionalProperties().get("images"));
    assertEquals(0, output.additionalProperties().get("image"));
    assertEquals("3.15", result.additionalProperties().get("cost"));
    assertEquals(new BigDecimal("1.5"), result.additionalProperties().get("queue_time"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.dreamina.Mode#values")
  void anOutputThatIsNoObjectIsKeptAsSent(Mode mode) {
    server.enqueue(json("{\"status\":\"in_queue\",\"output\":[]}"));
    RequestResult result = mode.of(client).result(ID);
    assertEquals(Optional.empty(), result.output());
    assertEquals(List.of(), result.additionalProperties().get("output"));
  }

  // ---- status ----------------------------------------------------------------------------------

  record StatusCase(String name, String body, Status status, Integer position, boolean fails) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static StatusCase status(String name, String body, Status status, Integer position) {
    return new StatusCase(name, body, status, position, false);
  }

  private static StatusCase statusFails(String name, String body) {
    return new StatusCase(name, body, null, null, true);
  }

  private static String queued(String position) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"queue_position\":" + position + "}";
  }

  static List<StatusCase> statusCorpus() {
    return List.of(
        status("docs: queued with a position", queued("3"), Status.IN_QUEUE, 3),
        status("PN tests/test_execution.py: no request_id", "{\"status\":\"in_queue\"}", Status.IN_QUEUE, null),
        status("CLI as_i64: a position of 2.0", queued("2.0"), Status.IN_QUEUE, 2),
        status("CLI as_i64: a position of 2.5 is none", queued("2.5"), Status.IN_QUEUE, null),
        status("a position in a string", queued("\"4\""), Status.IN_QUEUE, 4),
        status("a position that is a word is none", queued("\"first\""), Status.IN_QUEUE, null),
        status("a position past int is none", queued("1e12"), Status.IN_QUEUE, null),
        status("a position that is an object is none", queued("{}"), Status.IN_QUEUE, null),
        status("PN: pending is queued", "{\"status\":\"pending\"}", Status.IN_QUEUE, null),
        status("PN: waiting is queued", "{\"status\":\"waiting\",\"queue_position\":1}", Status.IN_QUEUE, 1),
        status("PN: starting is running", "{\"status\":\"starting\"}", Status.IN_PROGRESS, null),
        status("PN: processing is running", "{\"status\":\"processing\"}", Status.IN_PROGRESS, null),
        status("CLI status_of lower-cases", "{\"status\":\"IN_PROGRESS\"}", Status.IN_PROGRESS, null),
        status("CLI describe_inference: instance_id", "{\"status\":\"in_progress\",\"instance_id\":\"1697cb1a\"}",
            Status.IN_PROGRESS, null),
        status("CLI: an unknown word keeps polling", "{\"status\":\"warming_up\"}", Status.UNKNOWN, null),
        status("status_url that is not a URL", "{\"status\":\"completed\",\"status_url\":5}", Status.COMPLETED, null),
        statusFails("no status", "{\"request_id\":\"" + ID + "\"}"),
        statusFails("a status that is not a string", "{\"status\":1}"),
        statusFails("another request_id", "{\"request_id\":\"req_other\",\"status\":\"in_queue\"}"),
        statusFails("an empty body", ""));
  }

  static Stream<Arguments> statuses() {
    return withModes(statusCorpus());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("statuses")
  void statusAnswers(Mode mode, StatusCase c) {
    server.enqueue(json(c.body()));
    if (c.fails()) {
      InvalidResponseException e =
          assertThrows(InvalidResponseException.class, () -> mode.of(client).status(ID));
      assertEquals(Optional.of(ID), e.requestId());
      return;
    }
    RequestStatus status = mode.of(client).status(ID);
    assertEquals(ID, status.requestId());
    assertEquals(c.status(), status.status());
    assertEquals(c.position() == null ? OptionalInt.empty() : OptionalInt.of(c.position()), status.queuePosition());
  }

  // ---- cancel ----------------------------------------------------------------------------------

  record CancelCase(String name, String body, CancelOutcome outcome, Status status, boolean fails) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static CancelCase cancel(String name, String body, CancelOutcome outcome, Status status) {
    return new CancelCase(name, body, outcome, status, false);
  }

  static List<CancelCase> cancelCorpus() {
    return List.of(
        cancel("docs: cancelled", "{\"request_id\":\"" + ID + "\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}",
            CancelOutcome.CANCELLED, Status.CANCELLED),
        cancel("docs: not_cancellable", "{\"request_id\":\"" + ID + "\",\"status\":\"in_progress\",\"outcome\":\"not_cancellable\"}",
            CancelOutcome.NOT_CANCELLABLE, Status.IN_PROGRESS),
        cancel("PN tests/test_execution.py: outcome only", "{\"outcome\":\"not_cancellable\"}",
            CancelOutcome.NOT_CANCELLABLE, Status.UNKNOWN),
        cancel("PN tests/test_execution.py: cancellation_requested", "{\"status\":\"cancelled\",\"outcome\":\"cancellation_requested\"}",
            CancelOutcome.CANCELLATION_REQUESTED, Status.CANCELLED),
        cancel("PN/CLI: no outcome, status cancelled", "{\"status\":\"cancelled\"}", CancelOutcome.CANCELLED, Status.CANCELLED),
        cancel("PN/CLI: no outcome, status canceled", "{\"status\":\"canceled\"}", CancelOutcome.CANCELLED, Status.CANCELLED),
        cancel("no outcome, running", "{\"status\":\"in_progress\"}", CancelOutcome.NOT_CANCELLABLE, Status.IN_PROGRESS),
        cancel("no outcome, processing", "{\"status\":\"processing\"}", CancelOutcome.NOT_CANCELLABLE, Status.IN_PROGRESS),
        cancel("no outcome, completed", "{\"status\":\"completed\"}", CancelOutcome.NOT_CANCELLABLE, Status.COMPLETED),
        cancel("no outcome, succeeded", "{\"status\":\"succeeded\"}", CancelOutcome.NOT_CANCELLABLE, Status.COMPLETED),
        cancel("no outcome, failed", "{\"status\":\"failed\"}", CancelOutcome.NOT_CANCELLABLE, Status.FAILED),
        cancel("no outcome, still queued: unknown", "{\"status\":\"in_queue\"}", CancelOutcome.UNKNOWN, Status.IN_QUEUE),
        cancel("PN tests/test_client.py: an empty object", "{}", CancelOutcome.UNKNOWN, Status.UNKNOWN),
        cancel("an outcome that is not a string: the status tells", "{\"status\":\"cancelled\",\"outcome\":5}",
            CancelOutcome.CANCELLED, Status.CANCELLED),
        cancel("an unknown outcome stays unknown", "{\"status\":\"cancelled\",\"outcome\":\"pending_cancel\"}",
            CancelOutcome.UNKNOWN, Status.CANCELLED),
        new CancelCase("another request_id", "{\"request_id\":\"req_other\",\"outcome\":\"cancelled\"}", null, null, true));
  }

  static Stream<Arguments> cancels() {
    return withModes(cancelCorpus());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cancels")
  void cancelAnswers(Mode mode, CancelCase c) {
    server.enqueue(json(c.body()));
    if (c.fails()) {
      InvalidResponseException e =
          assertThrows(InvalidResponseException.class, () -> mode.of(client).cancel(ID));
      assertEquals(Optional.of(ID), e.requestId());
      return;
    }
    CancelResult result = mode.of(client).cancel(ID);
    assertEquals(ID, result.requestId());
    assertEquals(c.outcome(), result.outcome());
    assertEquals(c.status(), result.status());
  }

  // ---- submit and price: strict, because money depends on them ----------------------------------

  record StrictCase(String name, String body, boolean fails) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> submits() {
    return withModes(List.of(
        new StrictCase("docs: the canonical answer", TestServer.submissionJson(), false),
        new StrictCase("CLI SubmitResponse: request_id only", "{\"request_id\":\"" + ID + "\"}", false),
        new StrictCase("URLs that are not URLs are left out", "{\"request_id\":\"" + ID + "\",\"status_url\":5,\"cancel_url\":\"\"}", false),
        new StrictCase("PN tests/test_client.py: {}", "{}", true),
        new StrictCase("PN tests/test_client.py: []", "[]", true),
        new StrictCase("PN validate_request_id: a path in the id", "{\"request_id\":\"../x\"}", true),
        new StrictCase("a request_id that is a number", "{\"request_id\":12}", true)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("submits")
  void submitAnswers(Mode mode, StrictCase c) {
    server.enqueue(json(c.body()));
    if (c.fails()) {
      SubmissionUnknownException e =
          assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(TestServer.request()));
      assertTrue(e.getCause() instanceof InvalidResponseException, String.valueOf(e.getCause()));
      assertEquals(1, server.getRequestCount(), "a paid submit is never sent twice");
      return;
    }
    assertEquals(ID, mode.of(client).submit(TestServer.request()).requestId());
  }

  private static String price(String value) {
    return "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":" + value + ",\"price_unit\":\"second\"}";
  }

  static Stream<StrictCase> prices() {
    return Stream.of(
        new StrictCase("PN: a number", price("0.57"), false),
        new StrictCase("PN: zero is a price", price("0"), false),
        new StrictCase("a pricing_note that is not a string is left out",
            price("0.57").replace("}", ",\"pricing_note\":{\"a\":1}}"), false),
        new StrictCase("PN: a string price never becomes a price", price("\"0.57\""), true),
        new StrictCase("PN: null never becomes free", price("null"), true),
        new StrictCase("PN: true is no price", price("true"), true),
        new StrictCase("PN: a negative price", price("-1"), true),
        new StrictCase("PN: another model's price", price("0.57").replace(MODEL, "different-model"), true),
        new StrictCase("no price_unit", "{\"model_id\":\"" + MODEL + "\",\"base_price_usd\":0.57}", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prices")
  void priceAnswers(StrictCase c) {
    List<Supplier<Price>> modes =
        List.of(client::price, () -> Mode.join(client.async().price()));
    for (Supplier<Price> price : modes) {
      server.enqueue(json(c.body()));
      if (c.fails()) {
        assertThrows(InvalidResponseException.class, price::get);
      } else {
        assertEquals(MODEL, price.get().modelId());
      }
    }
  }

  // ---- what the partner nodes send on every read -----------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.dreamina.Mode#values")
  void readsAskForAFreshAnswerAndWritesDoNot(Mode mode) throws Exception {
    server.enqueue(json(TestServer.statusJson("in_queue")));
    server.enqueue(json(TestServer.completedResultJson()));
    server.enqueue(json("{\"status\":\"cancelled\"}"));
    server.enqueue(json(TestServer.submissionJson()));
    mode.of(client).status(ID);
    mode.of(client).result(ID);
    mode.of(client).cancel(ID);
    mode.of(client).submit(TestServer.request());
    for (String path : List.of("/status", "/result")) {
      RecordedRequest recorded = TestServer.take(server);
      assertEquals("GET", recorded.getMethod());
      assertTrue(recorded.getUrl().encodedPath().endsWith(path));
      assertEquals("no-cache", recorded.getHeaders().get("Cache-Control"), path);
      assertEquals("no-cache", recorded.getHeaders().get("Pragma"), path);
    }
    for (int i = 0; i < 2; i++) {
      RecordedRequest recorded = TestServer.take(server);
      assertEquals("POST", recorded.getMethod());
      assertNull(recorded.getHeaders().get("Cache-Control"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.dreamina.Mode#values")
  void aCompletedResultWithAnEncodedUrlIsGeneratedAndDownloaded(Mode mode) throws Exception {
    // The whole path: generate reads a URL with a space and a |, download fetches it encoded.
    server.enqueue(json(TestServer.submissionJson()));
    server.enqueue(json(TestServer.statusJson("succeeded")));
    String url = server.url("/files/my video.mp4").toString().replace("%20", " ") + "?sig=a|b";
    server.enqueue(json("{\"status\":\"succeeded\",\"output\":{\"videos\":[\"" + url + "\"],\"image\":0}}"));
    RequestResult done = mode.of(client).generate(TestServer.request());
    assertEquals(Optional.of(url), done.rawVideoUrl());

    server.enqueue(new MockResponse(200, Headers.of("Content-Type", "binary/octet-stream"), "\0\0\0\u0018ftypmp42"));
    Path target = dir.resolve("v.mp4");
    client.download(done.videoUrl().orElseThrow(), target);
    assertEquals(12, Files.size(target));
    for (int i = 0; i < 3; i++) {
      TestServer.take(server);
    }
    assertEquals("/files/my%20video.mp4?sig=a%7Cb", TestServer.take(server).getTarget());
  }

  private static <T> Stream<Arguments> withModes(List<T> cases) {
    List<Arguments> all = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (T c : cases) {
        all.add(Arguments.of(mode, c));
      }
    }
    return all.stream();
  }
}
