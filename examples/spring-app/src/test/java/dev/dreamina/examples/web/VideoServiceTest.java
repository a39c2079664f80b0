package dev.dreamina.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dreamina.sandbox.RunComfySandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The service through a real HTTP port and a real HTTP client, against the starter's sandbox. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "dreamina.await.poll-interval=50ms")
class VideoServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired RunComfySandbox sandbox;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/videos"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPostedVideoIsSubmittedAndItsStatusEndsWithTheVideo() throws Exception {
    HttpResponse<String> posted =
        post("{\"prompt\":\"a fox in snow\",\"imageUrl\":\"https://example.com/fox.jpg\",\"frames\":241,\"seed\":7}");
    assertEquals(202, posted.statusCode(), posted.body());
    String id = JSON.readTree(posted.body()).get("requestId").asText();
    assertTrue(
        sandbox.requests().stream().anyMatch(r -> r.method().equals("POST") && r.body().contains("\"frames\":241,\"seed\":7")),
        "what reached RunComfy");

    List<String> seen = new ArrayList<>();
    JsonNode status;
    long deadline = System.nanoTime() + 30_000_000_000L;
    do {
      HttpResponse<String> polled = get("/videos/" + id);
      assertEquals(200, polled.statusCode(), polled.body());
      status = JSON.readTree(polled.body());
      seen.add(status.get("status").asText());
      Thread.sleep(50); // a client polling the service, not a timing check
    } while (!status.get("status").asText().equals("COMPLETED") && System.nanoTime() < deadline);

    assertEquals("COMPLETED", status.get("status").asText(), seen.toString());
    assertEquals(id, status.get("requestId").asText());
    assertTrue(status.get("video").asText().endsWith("/output.mp4"), status.toString());
  }

  @Test
  void aBadRequestIsA400ProblemListingEveryViolationAndNothingIsSubmitted() throws Exception {
    int before = sandbox.submitRequestCount();
    HttpResponse<String> posted = post("{\"prompt\":\" \",\"imageUrl\":\"https://example.com/fox.gif\",\"frames\":120}");

    assertEquals(400, posted.statusCode(), posted.body());
    assertTrue(posted.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(posted.body());
    assertEquals("Invalid video request", problem.get("title").asText());
    List<String> fields = new ArrayList<>();
    problem.get("violations").forEach(v -> fields.add(v.get("field").asText()));
    fields.sort(null);
    assertEquals(List.of("frames", "image_urls", "prompt"), fields, problem.toString());
    assertEquals(before, sandbox.submitRequestCount(), "nothing submitted");
  }

  @Test
  void anUnknownJobIsA404Problem() throws Exception {
    HttpResponse<String> polled = get("/videos/req_unknown-123");
    assertEquals(404, polled.statusCode(), polled.body());
    assertEquals("No such video job.", JSON.readTree(polled.body()).get("detail").asText());
  }
}
