package dev.dreamina.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunComfySandbox.Builder#fetchImages}: jobs fetch their image over https from a real
 * server with a test certificate (made by the JDK's keytool) and fail as RunComfy would when it
 * breaks one of the page's rules.
 */
class ImageFetchTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SUBMIT_PATH = "/v1/models/bytedance/dreamina-3-0/pro/image-to-video";

  @TempDir Path dir;
  private HttpsServer images;
  private X509Certificate certificate;
  private RunComfySandbox sandbox;

  /** A PNG header of this size (the rules read only the header). */
  private static byte[] png(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
    b.put(new byte[] {8, 2, 0, 0, 0});
    return b.array();
  }

  /** A JPEG's first markers, with a baseline start-of-frame of this size. */
  private static byte[] jpeg(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
    b.put("JFIF\0".getBytes(StandardCharsets.US_ASCII)).put(new byte[] {1, 1, 0, 0, 1, 0, 1, 0, 0});
    b.put(new byte[] {(byte) 0xFF, (byte) 0xC0, 0, 17, 8}).putShort((short) height).putShort((short) width).put((byte) 3);
    return b.array();
  }

  @BeforeEach
  void start() throws Exception {
    Path store = dir.resolve("test.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "test",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit")
            .redirectErrorStream(true)
            .start();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, new String(keytool.getInputStream().readAllBytes()));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    certificate = (X509Certificate) keys.getCertificate("test");
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    Map<String, byte[]> files =
        Map.of(
            "/street.jpg", jpeg(1280, 720),
            "/square.png", png(1024, 1024),
            "/small.png", png(300, 300),
            "/wide.png", png(4000, 1000),
            "/huge.png", png(5000, 3000),
            "/manual.pdf", "%PDF-1.7\n...".getBytes(StandardCharsets.US_ASCII),
            "/big.jpg", new byte[4_700_000]);
    images = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    images.setHttpsConfigurator(new HttpsConfigurator(tls));
    images.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = files.get(exchange.getRequestURI().getPath());
        if (body == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        if (exchange.getRequestURI().getPath().equals("/big.jpg")) {
          System.arraycopy(jpeg(1280, 720), 0, body, 0, 40);
        }
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    images.start();
    sandbox =
        RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ofMillis(20)).fetchImages(true)
            .trustImageCertificates(certificate).start();
  }

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
    if (images != null) {
      images.stop(0);
    }
  }

  private String url(String path) {
    return "https://127.0.0.1:" + images.getAddress().getPort() + path;
  }

  /** The job's result once it ended: its status and error. */
  private JsonNode ended(String imageUrl) throws Exception {
    JsonNode submitted = call("POST", SUBMIT_PATH, "{\"prompt\":\"p\",\"image_urls\":[\"" + imageUrl + "\"],\"frames\":121}");
    String id = submitted.get("request_id").textValue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String status = call("GET", "/v1/requests/" + id + "/status", null).get("status").textValue();
      if (status.equals("completed") || status.equals("failed")) {
        return call("GET", "/v1/requests/" + id + "/result", null);
      }
      Thread.sleep(10); // polls the sandbox's job, not a backoff
    }
    throw new AssertionError("the job never ended");
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(sandbox.baseUrl() + path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setRequestProperty("Authorization", "Bearer " + sandbox.apiToken());
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
      return MAPPER.readTree(in);
    }
  }

  @Test
  void aJpegOrPngThatKeepsThePagesRulesMakesAVideo() throws Exception {
    assertEquals("completed", ended(url("/street.jpg")).get("status").textValue());
    assertEquals("completed", ended(url("/square.png")).get("status").textValue());
  }

  @Test
  void anImageThatBreaksARuleOrCannotBeFetchedFailsTheJobSayingWhy() throws Exception {
    Map<String, String> expected =
        Map.of(
            url("/missing.png"), "fetching image_urls[0] answered HTTP 404",
            url("/manual.pdf"), "the image is not a JPEG or PNG",
            url("/small.png"), "the image is 300x300; each side must be over 320 and at most 4096 pixels",
            url("/huge.png"), "the image is 5000x3000; each side must be over 320 and at most 4096 pixels",
            url("/wide.png"), "the image is 4000x1000; its aspect ratio must be between 1:3 and 3:1",
            url("/big.jpg"), "the image is 4.7 MB or more",
            url("/street.jpg").replace("https:", "http:"), "image_urls[0] must be an https URL, not http");
    for (Map.Entry<String, String> image : expected.entrySet()) {
      JsonNode result = ended(image.getKey());
      assertEquals("failed", result.get("status").textValue(), image.getKey());
      assertEquals("Invalid input image: " + image.getValue(), result.get("error").textValue(), image.getKey());
    }
  }

  @Test
  void aCertificateNotTrustedIsAFetchThatFails() throws Exception {
    try (RunComfySandbox untrusting = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).fetchImages(true).start()) {
      RunComfySandbox trusting = sandbox;
      sandbox = untrusting;
      try {
        JsonNode result = ended(url("/street.jpg"));
        assertEquals("failed", result.get("status").textValue());
        assertTrue(result.get("error").textValue().startsWith("Invalid input image: image_urls[0] could not be fetched"), result.toString());
      } finally {
        sandbox = trusting;
      }
    }
  }
}
