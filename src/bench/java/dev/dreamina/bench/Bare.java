package dev.dreamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;

/** The baseline: the same exchanges written by hand with bare OkHttp and Jackson, no SDK. */
final class Bare {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;
  private final ObjectMapper mapper = new ObjectMapper();
  private final String baseUrl;

  Bare(OkHttpClient http, String baseUrl) {
    this.http = http;
    this.baseUrl = baseUrl;
  }

  String submit(String prompt) throws IOException {
    byte[] body =
        mapper.writeValueAsBytes(
            Map.of(
                "prompt", prompt,
                "image_urls", List.of("https://example.com/street.jpg"),
                "frames", 241,
                "seed", 42));
    Request request =
        new Request.Builder()
            .url(baseUrl + LoopbackServer.SUBMIT_PATH)
            .header("Authorization", "Bearer bench-token")
            .post(RequestBody.create(body, JSON))
            .build();
    return field(request, "request_id");
  }

  String status(String requestId) throws IOException {
    Request request =
        new Request.Builder()
            .url(baseUrl + "/v1/requests/" + requestId + "/status")
            .header("Authorization", "Bearer bench-token")
            .build();
    return field(request, "status");
  }

  private String field(Request request, String name) throws IOException {
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code());
      }
      JsonNode json = mapper.readTree(response.body().bytes());
      return json.get(name).asText();
    }
  }

  void download(String url, Path target) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute();
        BufferedSink sink = Okio.buffer(Okio.sink(target))) {
      sink.writeAll(response.body().source());
    }
  }
}
