package dev.dreamina.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A lean loopback API for B1, B3 and B4: fixed answers, so that the SDK and the bare baseline hit
 * exactly the same exchange. {@code /big} streams {@code bigBytes} zeros as a video.
 */
final class LoopbackServer implements AutoCloseable {
  static final String REQUEST_ID = "req_bench-0001";
  static final String SUBMIT_PATH = "/v1/models/bytedance/dreamina-3-0/pro/image-to-video";
  private static final byte[] SUBMISSION =
      ("{\"request_id\":\"" + REQUEST_ID + "\""
              + ",\"status_url\":\"https://model-api.runcomfy.net/v1/requests/" + REQUEST_ID + "/status\""
              + ",\"result_url\":\"https://model-api.runcomfy.net/v1/requests/" + REQUEST_ID + "/result\""
              + ",\"cancel_url\":\"https://model-api.runcomfy.net/v1/requests/" + REQUEST_ID + "/cancel\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] STATUS =
      ("{\"request_id\":\"" + REQUEST_ID + "\",\"status\":\"in_queue\",\"queue_position\":2}")
          .getBytes(StandardCharsets.UTF_8);

  static {
    // Without it the JDK server answers small responses about 40 ms late on loopback.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final long bigBytes;

  LoopbackServer(long bigBytes) throws IOException {
    this.bigBytes = bigBytes;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/big")) {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, bigBytes);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
          for (long left = bigBytes; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
          }
        }
        return;
      }
      byte[] body = path.equals(SUBMIT_PATH) ? SUBMISSION : STATUS;
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
