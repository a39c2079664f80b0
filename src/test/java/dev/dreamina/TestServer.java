package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/** Shared pieces for tests that script a MockWebServer and run the real client against it. */
final class TestServer {
  static final String TOKEN = "rc-test-TOKEN-7f3a9c1e5b";
  static final String ID = "req_abc-123";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private TestServer() {}

  static MockResponse json(int code, String body) {
    return new MockResponse(code, Headers.of("Content-Type", "application/json"), body);
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  static String statusJson(String status) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"" + status + "\"}";
  }

  static String queuedJson(int position) {
    return "{\"request_id\":\"" + ID + "\",\"status\":\"in_queue\",\"queue_position\":" + position + "}";
  }

  static String completedResultJson() {
    return "{\"request_id\":\""
        + ID
        + "\",\"status\":\"completed\",\"output\":{\"video\":\"https://cdn.runcomfy.net/out/v.mp4\"}}";
  }

  static String submissionJson() {
    return "{\"request_id\":\""
        + ID
        + "\",\"status_url\":\"https://model-api.runcomfy.net/v1/requests/"
        + ID
        + "/status\",\"result_url\":\"https://model-api.runcomfy.net/v1/requests/"
        + ID
        + "/result\",\"cancel_url\":\"https://model-api.runcomfy.net/v1/requests/"
        + ID
        + "/cancel\"}";
  }

  static DreaminaClientBuilder clientFor(MockWebServer server, FakeTime time) {
    return DreaminaClient.builder()
        .apiToken(TOKEN)
        .baseUrl(server.url("/").toString())
        .timeSource(time)
        .jitter(() -> 0.0);
  }

  static ImageToVideoRequest request() {
    return ImageToVideoRequest.builder()
        .prompt("A slow tracking shot down a sunlit street")
        .imageUrl("https://example.com/street.jpg")
        .frames(241)
        .seed(42)
        .build();
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest recorded = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(recorded, "expected a request to reach the server");
    return recorded;
  }

  /** Checks the headers every API call must carry. */
  static void assertApiHeaders(RecordedRequest recorded) {
    assertEquals("Bearer " + TOKEN, recorded.getHeaders().get("Authorization"));
    assertEquals("application/json", recorded.getHeaders().get("Accept"));
    String userAgent = recorded.getHeaders().get("User-Agent");
    assertNotNull(userAgent);
    assertTrue(userAgent.matches("dreamina-java/\\d+\\.\\d+\\.\\d+.*"), userAgent);
  }

  static JsonNode body(RecordedRequest recorded) throws IOException {
    return MAPPER.readTree(recorded.getBody().utf8());
  }
}
