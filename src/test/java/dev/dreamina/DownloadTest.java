package dev.dreamina;

import static dev.dreamina.TestServer.take;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DownloadException;
import dev.dreamina.errors.NetworkException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** download(): real files on disk, atomic, no token sent, capped and type-checked. */
class DownloadTest extends ApiTest {
  private static final byte[] VIDEO = new byte[200_000];

  static {
    for (int i = 0; i < VIDEO.length; i++) {
      VIDEO[i] = (byte) (i * 31);
    }
  }

  @TempDir Path dir;

  @Override
  DreaminaClientBuilder configure(DreaminaClientBuilder builder) {
    return builder.maxDownloadBytes(VIDEO.length);
  }

  private URI url() {
    return server.url("/files/out.mp4").uri();
  }

  private static MockResponse video(String contentType, byte[] bytes) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", contentType)
        .body(new Buffer().write(bytes))
        .build();
  }

  private List<String> filesInDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void closingTheClientLetsADownloadUnderWayFinishWithinItsGrace() throws Exception {
    // 200,000 bytes in about half a second: well within the default ten seconds.
    server.enqueue(video("video/mp4", VIDEO).newBuilder().throttleBody(40_000, 100, TimeUnit.MILLISECONDS).build());
    Path target = dir.resolve("out.mp4");
    java.util.concurrent.CompletableFuture<Path> download = client.async().download(url(), target, null);
    for (int i = 0; i < 500 && filesInDir().isEmpty(); i++) {
      Thread.sleep(5); // until its part file exists, not a backoff
    }

    client.close();

    assertEquals(List.of("out.mp4"), filesInDir(), "finished before close returned");
    assertArrayEquals(VIDEO, Files.readAllBytes(target));
    assertEquals(target, download.get(10, TimeUnit.SECONDS));
  }

  @Test
  void closingTheClientStopsADownloadThatOutlastsItsGraceAndKeepsNothingOfIt() throws Exception {
    client.close();
    client = configure(TestServer.clientFor(server, time)).closeGrace(Duration.ofMillis(200)).build();
    // 200,000 bytes at 1,000 a second: far longer than the grace.
    server.enqueue(video("video/mp4", VIDEO).newBuilder().throttleBody(1_000, 1, TimeUnit.SECONDS).build());
    Path target = dir.resolve("out.mp4");
    java.util.concurrent.CompletableFuture<Path> download = client.async().download(url(), target, null);
    for (int i = 0; i < 500 && filesInDir().isEmpty(); i++) {
      Thread.sleep(5); // until its part file exists, not a backoff
    }
    assertEquals(1, filesInDir().size(), filesInDir().toString());
    assertTrue(filesInDir().get(0).endsWith(".part"), filesInDir().toString());

    client.close();

    assertEquals(List.of(), filesInDir(), "the part file is removed by the time close returns");
    assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("later.mp4"), null), "no download starts after close");
    java.util.concurrent.ExecutionException failed =
        assertThrows(java.util.concurrent.ExecutionException.class, () -> download.get(10, TimeUnit.SECONDS));
    DownloadException stopped = assertInstanceOf(DownloadException.class, failed.getCause());
    assertTrue(stopped.getMessage().startsWith("The client was closed: the download of " + url() + " was stopped"), stopped.getMessage());
    assertFalse(Files.exists(target));
    assertEquals(1, server.getRequestCount(), "not retried");
  }

  @Test
  void streamsTheBodyToTheTargetWithoutTheAuthorizationHeader() throws Exception {
    server.enqueue(video("video/mp4", VIDEO));
    Path target = dir.resolve("nested/dir/out.mp4");

    assertEquals(target, client.download(url(), target));

    assertArrayEquals(VIDEO, Files.readAllBytes(target));
    RecordedRequest recorded = take(server);
    assertEquals("GET", recorded.getMethod());
    assertNull(recorded.getHeaders().get("Authorization"), "the token must never go to a download host");
    assertTrue(recorded.getHeaders().get("User-Agent").startsWith("dreamina-java/"));
  }

  @Test
  void reportsProgressWithTheAnnouncedTotal() {
    server.enqueue(video("application/octet-stream", VIDEO));
    List<Long> seen = new ArrayList<>();
    List<OptionalLong> totals = new ArrayList<>();
    client.download(url(), dir.resolve("v.mp4"), (bytes, total) -> {
      seen.add(bytes);
      totals.add(total);
    });
    assertEquals(VIDEO.length, seen.get(seen.size() - 1));
    assertTrue(seen.size() > 1, "progress comes in chunks");
    assertEquals(OptionalLong.of(VIDEO.length), totals.get(0));
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1));
    }
  }

  @Test
  void wrongContentTypeIsRefusedAndLeavesNoFile() throws Exception {
    server.enqueue(video("text/html; charset=utf-8", "<html>login</html>".getBytes()));
    DownloadException e =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertTrue(e.getMessage().contains("text/html"), e.getMessage());
    assertFalse(e.statusCode().isPresent());
    assertEquals(List.of(), filesInDir());
  }

  /** An MP4's first box: size, then {@code ftyp}, then the brand. */
  private static final byte[] MP4_HEAD = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};

  /** WebM (Matroska) starts with the EBML magic. */
  private static final byte[] WEBM_HEAD = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x86, (byte) 0x81};

  private static byte[] startingWith(byte[] head) {
    byte[] bytes = VIDEO.clone();
    System.arraycopy(head, 0, bytes, 0, head.length);
    return bytes;
  }

  private static MockResponse untyped(byte[] bytes) {
    return new MockResponse.Builder().body(new Buffer().write(bytes)).removeHeader("Content-Type").build();
  }

  @Test
  void s3DefaultTypesAreVideos() throws Exception {
    for (String type : List.of("binary/octet-stream", "application/octet-stream", "video/quicktime", "VIDEO/MP4; codecs=avc1")) {
      server.enqueue(video(type, VIDEO));
      Path target = dir.resolve("v.mp4");
      client.download(url(), target);
      assertArrayEquals(VIDEO, Files.readAllBytes(target), type);
    }
  }

  @Test
  void missingContentTypeIsSavedWhenTheBodyStartsLikeAnMp4OrWebm() throws Exception {
    for (byte[] head : List.of(MP4_HEAD, WEBM_HEAD)) {
      byte[] bytes = startingWith(head);
      server.enqueue(untyped(bytes));
      Path target = dir.resolve("v.mp4");
      client.download(url(), target);
      assertArrayEquals(bytes, Files.readAllBytes(target));
      assertNull(take(server).getHeaders().get("Authorization"));
    }
    assertEquals(List.of("v.mp4"), filesInDir());
  }

  @Test
  void missingContentTypeWithHtmlOrOtherBytesIsRefusedAndLeavesNothing() throws Exception {
    server.enqueue(untyped("<!doctype html><html>Sign in</html>".getBytes(StandardCharsets.UTF_8)));
    DownloadException html =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertTrue(html.getMessage().contains("no Content-Type"), html.getMessage());
    assertTrue(html.getMessage().contains("looks like HTML"), html.getMessage());

    server.enqueue(untyped("{\"error\":\"expired\"}".getBytes(StandardCharsets.UTF_8)));
    DownloadException json =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertTrue(json.getMessage().contains("looks like JSON"), json.getMessage());

    server.enqueue(untyped("bytes".getBytes(StandardCharsets.UTF_8)));
    assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));

    assertEquals(List.of(), filesInDir(), "no target and no part file is left");
  }

  @Test
  void jsonIsNotAVideoEvenWithItsBytesMissingAType() throws Exception {
    server.enqueue(video("application/json", startingWith(MP4_HEAD)));
    DownloadException e =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertTrue(e.getMessage().contains("application/json"), e.getMessage());
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void savedFileHasTheModeOfAnyNewFileNotATempFilesOwnerOnlyMode() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    server.enqueue(video("video/mp4", VIDEO));
    Path target = client.download(url(), dir.resolve("v.mp4"));
    Path plain = Files.createFile(dir.resolve("plain.txt")); // gets 0666 minus this process's umask
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
  }

  /** The same check under a umask of 022 for sure: a child JVM started by {@code sh}. */
  @Test
  void savedFileIsReadableByAllUnderUmask022() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
    server.enqueue(video("video/mp4", VIDEO));
    Path target = dir.resolve("v.mp4");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                "/bin/sh", "-c", "umask 022 && exec \"$0\" \"$@\"",
                java, "-cp", System.getProperty("java.class.path"),
                DownloadChild.class.getName(), url().toString(), target.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
    assertEquals(0, child.exitValue(), output);
    assertArrayEquals(VIDEO, Files.readAllBytes(target));
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(target));
  }

  @Test
  void announcedSizeOverTheCapIsRefusedBeforeReading() throws Exception {
    byte[] big = new byte[VIDEO.length + 1];
    server.enqueue(video("video/mp4", big));
    DownloadException e =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertTrue(e.getMessage().contains("cap of " + VIDEO.length), e.getMessage());
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void bodyGrowingPastTheCapWithoutALengthIsCutOff() throws Exception {
    Buffer chunked = new Buffer().write(new byte[VIDEO.length + 10]);
    server.enqueue(
        new MockResponse.Builder().addHeader("Content-Type", "video/mp4").chunkedBody(chunked, 8192).build());
    assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void exactlyTheCapIsAllowed() {
    server.enqueue(video("video/mp4", VIDEO));
    client.download(url(), dir.resolve("v.mp4"));
  }

  @Test
  void transferCutMidwayLeavesNoPartialFileAndKeepsTheOldOne() throws Exception {
    Path target = dir.resolve("v.mp4");
    Files.writeString(target, "previous video");
    for (int i = 0; i < 3; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "video/mp4")
              .body(new Buffer().write(VIDEO))
              .onResponseBody(new SocketEffect.CloseSocket())
              .build());
    }
    assertThrows(NetworkException.class, () -> client.download(url(), target));
    assertEquals("previous video", Files.readString(target));
    assertEquals(List.of("v.mp4"), filesInDir(), "no .part file may be left behind");
    assertEquals(3, server.getRequestCount(), "a failed transfer is retried like a read");
  }

  @Test
  void interruptedTransferLeavesNoFile() throws Exception {
    server.enqueue(video("video/mp4", VIDEO));
    Path target = dir.resolve("v.mp4");
    try {
      CallInterruptedException e =
          assertThrows(
              CallInterruptedException.class,
              () -> client.download(url(), target, (bytes, total) -> Thread.currentThread().interrupt()));
      assertTrue(Thread.currentThread().isInterrupted());
      assertTrue(e.getMessage().contains("Interrupted while downloading"));
    } finally {
      Thread.interrupted();
    }
    assertFalse(Files.exists(target));
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void httpErrorsAreDownloadExceptionsWithTheStatus() throws Exception {
    server.enqueue(new MockResponse(404, Headers.of("Content-Type", "application/xml"), "<Error/>"));
    DownloadException e =
        assertThrows(DownloadException.class, () -> client.download(url(), dir.resolve("v.mp4")));
    assertEquals(404, e.statusCode().getAsInt());
    assertEquals(url(), e.url());
    assertEquals(1, server.getRequestCount());
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() throws Exception {
    server.enqueue(new MockResponse(503, Headers.of(), ""));
    server.enqueue(video("video/mp4", VIDEO));
    client.download(url(), dir.resolve("v.mp4"));
    assertEquals(List.of(Duration.ofMillis(375)), time.sleeps());
  }

  @Test
  void redirectsAreFollowedWithoutTheToken() throws Exception {
    try (MockWebServer cdn = new MockWebServer()) {
      cdn.start();
      cdn.enqueue(video("video/mp4", VIDEO));
      server.enqueue(new MockResponse(302, Headers.of("Location", cdn.url("/signed.mp4").toString()), ""));
      client.download(url(), dir.resolve("v.mp4"));
      assertNull(take(cdn).getHeaders().get("Authorization"));
      assertNull(take(server).getHeaders().get("Authorization"));
    }
  }

  @Test
  void plainHttpToANonLoopbackHostIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> client.download(URI.create("http://cdn.example.com/v.mp4"), dir.resolve("v.mp4")));
    assertEquals(0, server.getRequestCount());
  }
}
