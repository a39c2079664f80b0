package dev.dreamina.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.module.ModuleDescriptor;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox on the wire, with the JDK's HttpURLConnection: its answers against the documented
 * shapes (shared/runcomfy-api.md), with no SDK anywhere. The SDK's tests drive it with the real
 * client (dev.dreamina.SandboxLifecycleTest and every test that starts one).
 */
class RunComfySandboxTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SUBMIT_PATH = "/v1/models/bytedance/dreamina-3-0/pro/image-to-video";
  private static final String VALID = "{\"prompt\":\"p\",\"image_urls\":[\"https://x/a.png\"],\"frames\":121}";

  private RunComfySandbox sandbox;

  @BeforeEach
  void start() {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofMillis(100)).start();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** An answer as the wire gave it. */
  private record Answer(int statusCode, String contentType, byte[] body) {}

  private Answer send(String method, String pathOrUrl, String token, String body) throws Exception {
    URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : sandbox.baseUrl() + pathOrUrl);
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    try {
      connection.setRequestMethod(method);
      connection.setConnectTimeout(10_000);
      connection.setReadTimeout(10_000);
      if (token != null) {
        connection.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (body != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int code = connection.getResponseCode();
      try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        return new Answer(code, connection.getContentType(), in == null ? new byte[0] : in.readAllBytes());
      }
    } finally {
      connection.disconnect();
    }
  }

  private static JsonNode json(Answer response) throws Exception {
    assertEquals("application/json", response.contentType());
    return MAPPER.readTree(response.body());
  }

  @Test
  void submitAnswersTheDocumentedShape() throws Exception {
    Answer response = send("POST", SUBMIT_PATH, sandbox.apiToken(), VALID);
    assertEquals(200, response.statusCode());
    JsonNode body = json(response);
    String id = body.get("request_id").textValue();
    assertEquals(sandbox.baseUrl() + "/v1/requests/" + id + "/status", body.get("status_url").textValue());
    assertEquals(sandbox.baseUrl() + "/v1/requests/" + id + "/result", body.get("result_url").textValue());
    assertEquals(sandbox.baseUrl() + "/v1/requests/" + id + "/cancel", body.get("cancel_url").textValue());
    assertEquals(1, sandbox.submitCount());
  }

  @Test
  void wrongOrMissingTokenGets401WithAnErrorBody() throws Exception {
    for (String token : new String[] {"wrong", null}) {
      Answer response = send("POST", SUBMIT_PATH, token, VALID);
      assertEquals(401, response.statusCode());
      assertEquals(401001, json(response).get("error_code").intValue());
    }
    assertEquals(0, sandbox.submitCount());
  }

  @Test
  void badBodyGets422WithDetailByThePageSchema() throws Exception {
    String body =
        "{\"prompt\":\"" + "x".repeat(801) + "\",\"image_urls\":[\"https://x/a.png\",\"https://x/b.png\"],"
            + "\"frames\":100,\"seed\":\"one\"}";
    Answer response = send("POST", SUBMIT_PATH, sandbox.apiToken(), body);
    assertEquals(422, response.statusCode());
    JsonNode json = json(response);
    assertEquals(422001, json.get("error_code").intValue());
    List<String> locs = new ArrayList<>();
    json.get("detail").forEach(d -> locs.add(d.get("loc").toString()));
    assertEquals(
        List.of("[\"body\",\"prompt\"]", "[\"body\",\"image_urls\"]", "[\"body\",\"seed\"]", "[\"body\",\"frames\"]"),
        locs);

    assertEquals(2, json(send("POST", SUBMIT_PATH, sandbox.apiToken(), "{\"image_urls\":[]}")).get("detail").size());
    assertEquals(422, send("POST", SUBMIT_PATH, sandbox.apiToken(), "not json").statusCode());
    String emoji = "{\"prompt\":\"" + "\uD83C\uDFAC".repeat(800) + "\",\"image_urls\":[\"https://x/a\"]}";
    assertEquals(200, send("POST", SUBMIT_PATH, sandbox.apiToken(), emoji).statusCode(), "800 emoji are 800 characters");
    assertEquals(1, sandbox.submitCount());
  }

  @Test
  void unknownRequestIdGets404With404001() throws Exception {
    Answer response = send("GET", "/v1/requests/nope/status", sandbox.apiToken(), null);
    assertEquals(404, response.statusCode());
    assertEquals(404001, json(response).get("error_code").intValue());
  }

  @Test
  void priceEndpointAnswersTheDocumentedShape() throws Exception {
    JsonNode body = json(send("GET", SUBMIT_PATH, sandbox.apiToken(), null));
    assertEquals(RunComfySandbox.MODEL_ID, body.get("model_id").textValue());
    assertEquals(0, new BigDecimal("0.10").compareTo(body.get("base_price_usd").decimalValue()));
    assertEquals("second", body.get("price_unit").textValue());
  }

  @Test
  void aJobGoesFromQueueToCompletedAndItsVideoIsARealMp4() throws Exception {
    String id = json(send("POST", SUBMIT_PATH, sandbox.apiToken(), VALID)).get("request_id").textValue();
    assertEquals("in_queue", json(send("GET", "/v1/requests/" + id + "/status", sandbox.apiToken(), null)).get("status").textValue());
    JsonNode result;
    do {
      Thread.sleep(20); // the sandbox's own clock runs the job; this only waits for it to finish
      result = json(send("GET", "/v1/requests/" + id + "/result", sandbox.apiToken(), null));
    } while (!result.get("status").textValue().equals("completed"));
    String video = result.get("output").get("video").textValue();
    assertTrue(video.startsWith(sandbox.baseUrl().toString()), video);

    byte[] bytes = send("GET", video, null, null).body();
    assertTrue(bytes.length > 10_000, "a real video, not a stub: " + bytes.length);
    assertArrayEquals("ftyp".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(bytes, 4, 8));
  }

  @Test
  void recordedCallsNeverShowTheToken() throws Exception {
    send("POST", SUBMIT_PATH, sandbox.apiToken(), VALID);
    RecordedCall call = sandbox.requests().get(0);
    assertEquals("POST " + SUBMIT_PATH, call.toString());
    assertEquals(Optional.of("Bearer " + sandbox.apiToken()), call.header("authorization"));
    assertFalse(sandbox.toString().contains(sandbox.apiToken()), sandbox.toString());
  }

  @Test
  void controlsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> sandbox.respondWithStatus(200, 1));
    assertThrows(IllegalArgumentException.class, () -> sandbox.respondWithStatus(503, 0));
    assertThrows(IllegalArgumentException.class, () -> sandbox.slowDown(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> RunComfySandbox.builder().queueTime(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> sandbox.randomFaults(1.5, 503, 0, 1L));
  }

  @Test
  void itsModuleNeedsTheJdkServerAndJacksonButNothingOfTheSdk() throws Exception {
    Path classes = Path.of(RunComfySandbox.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    assertEquals("dev.dreamina.sandbox", module.name());
    Set<String> requires = module.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    assertEquals(Set.of("java.base", "jdk.httpserver", "com.fasterxml.jackson.databind"), requires);
    assertEquals(Set.of("dev.dreamina.sandbox"), module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
  }
}
