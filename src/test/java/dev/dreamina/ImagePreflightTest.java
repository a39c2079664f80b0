package dev.dreamina;

import static dev.dreamina.TestImages.image;
import static dev.dreamina.TestImages.paddedTo;
import static dev.dreamina.TestImages.serve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import dev.dreamina.preflight.PreflightReport.Format;
import dev.dreamina.preflight.PreflightReport.Rule;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePreflightTest {
  private static final int LIMIT = ImagePreflight.MAX_FILE_BYTES_EXCLUSIVE;

  private final ImagePreflight preflight = ImagePreflight.create();
  private MockWebServer server;

  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private PreflightReport checkServed(byte[] body, String contentType) {
    server.enqueue(serve(body, contentType));
    return preflight.check(server.url("/image").uri());
  }

  private static List<Rule> rules(PreflightReport report) {
    return report.failures().stream().map(PreflightReport.Failure::rule).collect(Collectors.toList());
  }

  // Each row moves one side or the ratio one pixel across one rule's bound, for both formats, so
  // loosening or tightening any bound by a pixel flips a row. "-" means the image passes.
  @ParameterizedTest(name = "{0} {1}x{2} -> {3}")
  @CsvSource({
    "png,  321,  321,  -",
    "png,  320,  321,  MIN_SIDE",
    "png,  321,  320,  MIN_SIDE",
    "png,  4096, 4096, -",
    "png,  4097, 4096, MAX_RESOLUTION",
    "png,  4096, 4097, MAX_RESOLUTION",
    "png,  962,  321,  -",
    "png,  963,  321,  MAX_RATIO",
    "png,  331,  1000, -",
    "png,  330,  1000, MIN_RATIO",
    "jpeg, 321,  321,  -",
    "jpeg, 320,  321,  MIN_SIDE",
    "jpeg, 321,  320,  MIN_SIDE",
    "jpeg, 4096, 4096, -",
    "jpeg, 4097, 4096, MAX_RESOLUTION",
    "jpeg, 4096, 4097, MAX_RESOLUTION",
    "jpeg, 962,  321,  -",
    "jpeg, 963,  321,  MAX_RATIO",
    "jpeg, 331,  1000, -",
    "jpeg, 330,  1000, MIN_RATIO",
  })
  void dimensionBoundsAreExactlyThePages(String format, int width, int height, String broken) {
    byte[] bytes = image(format, width, height);
    PreflightReport report = checkServed(bytes, "image/" + format);

    assertEquals(broken.equals("-") ? List.of() : List.of(Rule.valueOf(broken)), rules(report), report::toString);
    assertEquals(broken.equals("-"), report.passes());
    assertEquals(OptionalInt.of(width), report.width());
    assertEquals(OptionalInt.of(height), report.height());
    assertEquals(OptionalLong.of(bytes.length), report.bytes());
    assertEquals(format.equals("png") ? Format.PNG : Format.JPEG, report.format().orElseThrow());
  }

  @Test
  void aOneToThreePortraitPassesWhileAThreeToOneLandscapeFails() {
    // The page's bounds are 0.33 < w/h < 3: asymmetric, and taken exactly as written.
    assertTrue(checkServed(image("png", 400, 1200), "image/png").passes());
    assertEquals(List.of(Rule.MAX_RATIO), rules(checkServed(image("png", 1200, 400), "image/png")));
  }

  @Test
  void failuresCarryThePagesMessagesAndTheMeasuredValues() {
    PreflightReport report = checkServed(image("png", 5000, 300), "image/png");

    assertEquals(List.of(Rule.MAX_RESOLUTION, Rule.MIN_SIDE, Rule.MAX_RATIO), rules(report));
    List<String> messages = report.failures().stream().map(PreflightReport.Failure::message).collect(Collectors.toList());
    assertTrue(messages.get(0).startsWith("Maximum resolution is 4096x4096. ("), messages.get(0));
    assertTrue(messages.get(1).startsWith("The shortest side must be at least 320 pixels. ("), messages.get(1));
    assertTrue(
        messages.get(2).startsWith("The ratio of long side to short side must be within 3:1. ("), messages.get(2));
    assertTrue(messages.get(0).contains("5000x300"), messages.get(0));
    assertEquals(
        "The ratio of long side to short side must be greater than 0.33.", Rule.MIN_RATIO.message());
    assertEquals("File size must be less than 4.7 MB.", Rule.FILE_SIZE.message());
  }

  @Test
  void aFileOf4699999BytesPassesAndOneOf4700000Fails() {
    byte[] small = image("png", 400, 400);

    PreflightReport under = checkServed(paddedTo(small, LIMIT - 1), "image/png");
    PreflightReport at = checkServed(paddedTo(small, LIMIT), "image/png");

    assertTrue(under.passes(), under::toString);
    assertEquals(OptionalLong.of(4_699_999), under.bytes());
    assertEquals(List.of(Rule.FILE_SIZE), rules(at));
    assertEquals(OptionalLong.of(4_700_000), at.bytes());
    assertEquals(OptionalInt.of(400), at.width(), "the header is still read from an oversized file");
    assertTrue(at.failures().get(0).message().startsWith("File size must be less than 4.7 MB. (4700000 bytes"));
  }

  @Test
  void localFilesFollowTheSameSizeBound() throws IOException {
    byte[] small = image("jpeg", 400, 400);
    Path under = Files.write(dir.resolve("under.jpg"), paddedTo(small, LIMIT - 1));
    Path at = Files.write(dir.resolve("at.jpg"), paddedTo(small, LIMIT));

    assertTrue(preflight.check(under).passes());
    assertEquals(List.of(Rule.FILE_SIZE), rules(preflight.check(at)));
    assertEquals(OptionalLong.of(LIMIT), preflight.check(at).bytes());
  }

  @Test
  void aBodyWithNoLengthIsReadNoFurtherThanTheLimit() {
    byte[] huge = paddedTo(image("png", 400, 400), 10_000_000);
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .chunkedBody(new Buffer().write(huge), 64 * 1024)
            .build());

    PreflightReport report = preflight.check(server.url("/huge.png").uri());

    assertEquals(List.of(Rule.FILE_SIZE), rules(report));
    assertEquals(OptionalLong.of(LIMIT), report.bytes(), "the preflight stops reading at the limit");
    assertTrue(report.failures().get(0).detail().startsWith("at least 4700000 bytes"), report::toString);
  }

  @Test
  void anAnnouncedLengthOverTheLimitIsReported() {
    PreflightReport report = checkServed(paddedTo(image("png", 400, 400), 6_000_000), "image/png");

    assertEquals(OptionalLong.of(6_000_000), report.bytes());
    assertEquals(List.of(Rule.FILE_SIZE), rules(report));
  }

  @Test
  void theTypeComesFromTheBytesNotTheNameOrContentType() {
    PreflightReport gif = checkServed(image("gif", 400, 400), "image/png");
    PreflightReport bmp = checkServed(image("bmp", 400, 400), "image/jpeg");
    byte[] webp = "RIFF\u0024\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
    PreflightReport webpReport = checkServed(paddedTo(webp, 2048), "image/png");
    server.enqueue(serve("just some notes\n".getBytes(StandardCharsets.UTF_8), "image/png"));
    PreflightReport renamedText = preflight.check(server.url("/photo.png").uri());
    // And the other way round: a real PNG served under a misleading name and type passes.
    server.enqueue(serve(image("png", 400, 400), "application/octet-stream"));
    PreflightReport png = preflight.check(server.url("/photo.gif").uri());

    assertEquals(Format.GIF, gif.format().orElseThrow());
    assertEquals(Format.BMP, bmp.format().orElseThrow());
    assertEquals(Format.WEBP, webpReport.format().orElseThrow());
    assertEquals(Format.TEXT, renamedText.format().orElseThrow());
    for (PreflightReport report : List.of(gif, bmp, webpReport, renamedText)) {
      assertEquals(List.of(Rule.FORMAT), rules(report), report::toString);
      assertTrue(report.failures().get(0).message().startsWith("Upload JPEG or PNG only. ("));
      assertEquals(OptionalInt.empty(), report.width());
    }
    assertTrue(png.passes(), png::toString);
  }

  @Test
  void aVideoIsNamedAsOneAndAHeicImageAsHeif() {
    byte[] mp4 = "\u0000\u0000\u0000\u0018ftypmp42\u0000\u0000\u0000\u0000mp42isom".getBytes(StandardCharsets.ISO_8859_1);
    PreflightReport video = checkServed(paddedTo(mp4, 2048), "image/png");
    byte[] heic = "\u0000\u0000\u0000\u0018ftypheic\u0000\u0000\u0000\u0000mif1heic".getBytes(StandardCharsets.ISO_8859_1);
    PreflightReport photo = checkServed(paddedTo(heic, 2048), "image/heic");

    assertEquals(Format.VIDEO, video.format().orElseThrow());
    assertEquals(List.of(Rule.FORMAT), rules(video));
    assertTrue(video.failures().get(0).message().contains("got a video (MP4 or MOV), not an image (served as image/png)"), video::toString);
    assertEquals(Format.HEIF, photo.format().orElseThrow());
    assertTrue(photo.failures().get(0).message().contains("the content is HEIF"), photo::toString);
  }

  @Test
  void localFilesAreTypedByTheirBytesToo() throws IOException {
    Path renamed = Files.writeString(dir.resolve("notes.png"), "not an image");
    Path gif = Files.write(dir.resolve("anim.jpg"), image("gif", 500, 500));

    assertEquals(Format.TEXT, preflight.check(renamed).format().orElseThrow());
    assertEquals(List.of(Rule.FORMAT), rules(preflight.check(renamed)));
    assertEquals(Format.GIF, preflight.check(gif).format().orElseThrow());
  }

  @Test
  void dimensionsComeFromTheHeaderWithoutDecodingPixels() {
    // Signature and IHDR only: 33 bytes and no pixel data at all.
    byte[] headerOnly = Arrays.copyOf(image("png", 1000, 800), 33);

    PreflightReport report = checkServed(headerOnly, "image/png");

    assertEquals(OptionalInt.of(1000), report.width());
    assertEquals(OptionalInt.of(800), report.height());
    assertTrue(report.passes(), report::toString);
  }

  @Test
  void aJpegSignatureWithAGarbledHeaderFailsTheFormatRule() {
    byte[] garbled = paddedTo(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01}, 64);

    PreflightReport report = checkServed(garbled, "image/jpeg");

    assertEquals(List.of(Rule.FORMAT), rules(report));
    assertTrue(report.failures().get(0).detail().contains("header cannot be read"), report::toString);
  }

  @Test
  void redirectsAreFollowedAndNoAuthorizationIsSent() throws InterruptedException {
    server.enqueue(new MockResponse(302, Headers.of("Location", "/signed/image.png"), ""));
    server.enqueue(serve(image("png", 640, 480), "image/png"));

    PreflightReport report = preflight.check(server.url("/short").uri());

    assertTrue(report.passes(), report::toString);
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("/short", first.getUrl().encodedPath());
    assertEquals("/signed/image.png", second.getUrl().encodedPath());
    assertEquals("GET", second.getMethod());
    assertNull(first.getHeaders().get("Authorization"));
    assertNull(second.getHeaders().get("Authorization"));
  }

  @ParameterizedTest
  @CsvSource({"403", "404", "500", "503"})
  void anHttpErrorIsAFailedCheckNotACrash(int code) {
    server.enqueue(new MockResponse(code, Headers.of("Content-Type", "text/html"), "<html>denied</html>"));

    PreflightReport report = preflight.check(server.url("/private.png").uri());

    assertFalse(report.passes());
    assertEquals(List.of(Rule.REACHABLE), rules(report));
    assertTrue(report.failures().get(0).detail().startsWith("HTTP " + code), report::toString);
    assertTrue(report.format().isEmpty());
    assertTrue(report.bytes().isEmpty());
  }

  @Test
  void aLoginPageInPlaceOfTheImageIsNamedAsSuch() {
    String page = "<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>";

    PreflightReport report = checkServed(page.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");

    assertEquals(Format.HTML, report.format().orElseThrow());
    assertEquals(List.of(Rule.FORMAT), rules(report));
    String detail = report.failures().get(0).detail();
    assertTrue(detail.contains("HTML page") && detail.contains("login"), detail);
  }

  @Test
  void aTimeoutIsAFailedCheck() {
    ImagePreflight impatient = ImagePreflight.builder().timeout(Duration.ofMillis(200)).build();
    server.enqueue(
        new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());

    PreflightReport report = impatient.check(server.url("/slow.png").uri());

    assertEquals(List.of(Rule.REACHABLE), rules(report));
    assertTrue(report.failures().get(0).detail().startsWith("timed out"), report::toString);
  }

  @Test
  void aRefusedConnectionIsAFailedCheck() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    PreflightReport report = preflight.check(URI.create("http://127.0.0.1:" + closedPort + "/a.png"));

    assertEquals(List.of(Rule.REACHABLE), rules(report));
    assertTrue(report.failures().get(0).detail().startsWith("could not connect"), report::toString);
  }

  @Test
  void plainHttpToAPublicHostIsRefusedWithoutFetching() {
    PreflightReport report = preflight.check(URI.create("http://example.com/a.png"));

    assertEquals(List.of(Rule.REACHABLE), rules(report));
    assertTrue(report.failures().get(0).detail().contains("https only"), report::toString);
  }

  @Test
  void aMissingFileIsAFailedCheck() {
    PreflightReport report = preflight.check(dir.resolve("nope.png"));

    assertEquals(List.of(Rule.REACHABLE), rules(report));
    assertEquals("no such file", report.failures().get(0).detail());
  }

  @Test
  void builderRejectsBadTimeouts() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> ImagePreflight.builder().timeout(Duration.ZERO));
    org.junit.jupiter.api.Assertions.assertThrows(
        NullPointerException.class, () -> ImagePreflight.builder().connectTimeout(null));
  }
}
