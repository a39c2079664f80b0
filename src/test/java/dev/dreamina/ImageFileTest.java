package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ImagePublishException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.images.ImageHost;
import dev.dreamina.images.ImageUploads;
import dev.dreamina.images.LocalImage;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests with a local image ({@link ImageToVideoRequest.Builder#imageFile}): checked, published
 * by the client's {@link ImageHost} through the client's own HTTP to a real https server, and
 * submitted with the signed URL, which no log line, message or journal entry shows. The
 * S3-compatible host's own tests (dreamina-java-s3) run the same against a real S3 server.
 */
class ImageFileTest {
  static final String SIGNATURE = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
  static final String CREDENTIAL = "AKIAIOSFODNN7EXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request";

  @TempDir Path dir;
  final MockWebServer store = new MockWebServer();
  RunComfySandbox sandbox;

  /** A host that stores with a PUT to the https server and answers a URL signed the S3 way. */
  final class StoreHost implements ImageHost {
    final List<String> published = new ArrayList<>();

    @Override
    public String location() {
      return "https://" + store.getHostName() + ":" + store.getPort() + "/bucket/";
    }

    @Override
    public PublishedImage publish(LocalImage image, Duration validFor, ImageUploads uploads) throws IOException {
      URI object = URI.create(location() + image.name());
      boolean there = uploads.exists(URI.create(object + "?X-Amz-Signature=" + SIGNATURE));
      if (!there) {
        uploads.put(URI.create(object + "?X-Amz-Signature=" + SIGNATURE), Map.of("Content-Type", image.contentType()), image);
      }
      published.add(image.name());
      return new PublishedImage(
          URI.create(object + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + CREDENTIAL
              + "&X-Amz-Date=20261207T070000Z&X-Amz-Expires=" + validFor.toSeconds() + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + SIGNATURE),
          image.name(),
          Instant.now().plus(validFor),
          !there);
    }
  }

  @BeforeEach
  void start() throws IOException {
    TestTls.useHttps(store);
    store.start();
    sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start();
  }

  @AfterEach
  void stop() {
    sandbox.close();
    store.close();
  }

  DreaminaClientBuilder client(ImageHost host) {
    return SandboxClients.builderFor(sandbox).httpClient(TestTls.trustingClient()).imageHost(host);
  }

  Path jpeg(String name) throws IOException {
    return Files.write(dir.resolve(name), TestImages.image("jpeg", 640, 480));
  }

  ImageToVideoRequest request(Path image) {
    return ImageToVideoRequest.builder().prompt("a street").imageFile(image).build();
  }

  @Test
  void aLocalImageIsCheckedPublishedAndItsSignedUrlSubmitted() throws Exception {
    store.enqueue(new MockResponse.Builder().code(404).build()); // not there yet
    store.enqueue(new MockResponse.Builder().code(200).build()); // the PUT
    StoreHost host = new StoreHost();
    Path image = jpeg("street.jpg");
    try (DreaminaClient client = client(host).build()) {
      RequestResult done = client.generate(request(image));
      assertEquals(Status.COMPLETED, done.status());
    }
    LocalImage local = LocalImage.read(image);
    RecordedRequest exists = store.takeRequest();
    assertEquals("GET", exists.getMethod());
    assertEquals("bytes=0-0", exists.getHeaders().get("Range"));
    assertEquals(null, exists.getHeaders().get("Authorization"), "the API token never goes to the store");
    RecordedRequest put = store.takeRequest();
    assertEquals("PUT", put.getMethod());
    assertEquals("/bucket/" + local.name(), put.getUrl().encodedPath());
    assertEquals("image/jpeg", put.getHeaders().get("Content-Type"));
    assertEquals(local.size(), put.getBody().size());
    assertEquals(null, put.getHeaders().get("Authorization"));
    String sent = sandbox.requests().get(0).body();
    assertTrue(sent.contains(local.name() + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"), sent);
    assertTrue(sent.contains("X-Amz-Signature=" + SIGNATURE), sent);
  }

  @Test
  void withoutAHostALocalImageIsRefusedBeforeAnythingIsSentOrPaid() throws Exception {
    Path image = jpeg("a.jpg");
    try (DreaminaClient client = SandboxClients.builderFor(sandbox).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.generate(request(image)));
      assertTrue(e.getMessage().contains("DreaminaClientBuilder.imageHost(...)"), e.getMessage());
      assertTrue(e.getMessage().contains(image.toString()), e.getMessage());
      assertThrows(IllegalStateException.class, () -> client.publishImage(image));
      CompletionException async = assertThrows(CompletionException.class, () -> client.async().generate(request(image)).join());
      assertInstanceOf(IllegalStateException.class, async.getCause());
    }
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void aBadLocalImageIsRefusedBeforeTheHostIsAsked() throws Exception {
    StoreHost host = new StoreHost();
    Path tiny = Files.write(dir.resolve("tiny.png"), TestImages.image("png", 300, 300));
    Path missing = dir.resolve("missing.jpg");
    try (DreaminaClient client = client(host).build()) {
      InvalidRequestException small = assertThrows(InvalidRequestException.class, () -> client.generate(request(tiny)));
      assertEquals("image_urls", small.violations().get(0).field());
      assertTrue(small.getMessage().contains("300x300"), small.getMessage());
      InvalidRequestException gone = assertThrows(InvalidRequestException.class, () -> client.submit(request(missing)));
      assertTrue(gone.getMessage().contains("no such file"), gone.getMessage());
    }
    assertEquals(List.of(), host.published);
    assertEquals(0, store.getRequestCount());
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void aStoreThatRefusesIsATypedErrorNamingTheHostAndNothingIsJournaled() throws Exception {
    store.enqueue(new MockResponse.Builder().code(404).build());
    store.enqueue(
        new MockResponse.Builder().code(403).body("<Error><Code>AccessDenied</Code><Message>no</Message></Error>").build());
    StoreHost host = new StoreHost();
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal"));
    try (DreaminaClient client = client(host).journal(journal).build()) {
      ImagePublishException e = assertThrows(ImagePublishException.class, () -> client.generate(request(jpeg("b.jpg"))));
      assertEquals(host.location(), e.host());
      assertTrue(e.getMessage().endsWith("PUT to " + store.getHostName() + " answered 403 (AccessDenied)"), e.getMessage());
      assertTrue(e.getMessage().startsWith("Not submitted: could not publish "), e.getMessage());
    }
    assertEquals(List.of(), journal.entries());
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void theSignatureIsInNoLogLineJournalEntryMessageOrToString() throws Exception {
    store.enqueue(new MockResponse.Builder().code(206).body("x").build()); // already there: no PUT
    StoreHost host = new StoreHost();
    Path journalFile = dir.resolve("journal");
    Logger wire = Logger.getLogger(WireLog.LOGGER);
    Level before = wire.getLevel();
    wire.setLevel(Level.ALL);
    List<String> lines;
    ImageToVideoRequest sent;
    try (LogRecords log = LogRecords.on("dev.dreamina");
        LogRecords wireLog = LogRecords.on(WireLog.LOGGER);
        DreaminaClient client = client(host).wireLog(WireLog.DEBUG).journal(FileSubmissionJournal.open(journalFile)).build()) {
      client.generate(request(jpeg("c.jpg")));
      sent = ImageToVideoRequest.builder().prompt("p").imageUrl(host.location() + "x.jpg?X-Amz-Credential=" + CREDENTIAL + "&X-Amz-Signature=" + SIGNATURE).build();
      sandbox.respondWithStatus(400, 1);
      Exception refused = assertThrows(Exception.class, () -> client.submit(sent));
      assertFalse(refused.getMessage().contains(SIGNATURE), refused.getMessage());
      lines = new ArrayList<>(log.messages());
      lines.addAll(wireLog.messages());
    } finally {
      wire.setLevel(before);
    }
    assertEquals(1, store.getRequestCount());
    assertTrue(lines.stream().anyMatch(l -> l.contains("X-Amz-Signature=REDACTED")), "the submit body is logged, blanked: " + lines);
    for (String secret : List.of(SIGNATURE, "AKIAIOSFODNN7EXAMPLE")) {
      assertTrue(lines.stream().noneMatch(l -> l.contains(secret)), secret + " in " + lines);
      assertFalse(Files.readString(journalFile).contains(secret), "journal");
      assertFalse(sent.toString().contains(secret), sent.toString());
    }
    PublishedImage published = new PublishedImage(sent.imageUrl(), "x.jpg", Instant.EPOCH, true);
    assertFalse(published.toString().contains(SIGNATURE), published.toString());
    assertEquals(URI.create(host.location() + "x.jpg"), published.unsignedUrl());
  }

  @Test
  void aKeyedRequestWithALocalImageIsOneJobThoughEachPublishingSignsAnew() throws Exception {
    store.enqueue(new MockResponse.Builder().code(404).build());
    store.enqueue(new MockResponse.Builder().code(200).build());
    store.enqueue(new MockResponse.Builder().code(206).body("x").build());
    Path image = jpeg("d.jpg");
    try (DreaminaClient client = client(new StoreHost()).journal(FileSubmissionJournal.open(dir.resolve("journal"))).build()) {
      DreaminaClient keyed = client.withOptions(o -> o.idempotencyKey("order-1"));
      String first = keyed.submit(request(image)).requestId();
      String again = keyed.submit(request(image)).requestId();
      assertEquals(first, again);
    }
    assertEquals(1, sandbox.submitCount());
  }

  /**
   * Many threads publish one image at once, 50 times over, through a host that checks and then
   * stores (as S3ImageHost does, with a gap between): the image is stored once each round.
   */
  @Test
  void oneImagePublishedByManyThreadsAtOnceIsStoredOnce() throws Exception {
    byte[] image = TestImages.image("png", 640, 480);
    for (int round = 0; round < 50; round++) {
      Set<String> stored = ConcurrentHashMap.newKeySet();
      AtomicInteger uploads = new AtomicInteger();
      ImageHost host =
          new ImageHost() {
            @Override
            public String location() {
              return "memory://";
            }

            @Override
            public PublishedImage publish(LocalImage local, Duration validFor, ImageUploads ignored) {
              boolean there = stored.contains(local.name());
              Thread.yield(); // the gap between S3's exists check and its PUT
              if (!there) {
                uploads.incrementAndGet();
                stored.add(local.name());
              }
              return new PublishedImage(URI.create("https://b.example/" + local.name()), local.name(), Instant.now().plus(validFor), !there);
            }
          };
      try (DreaminaClient client = SandboxClients.builderFor(sandbox).imageHost(host).build()) {
        int threads = 8;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<PublishedImage>> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          all.add(pool.submit(() -> {
            together.await();
            return client.publishImage(image);
          }));
        }
        for (Future<PublishedImage> f : all) {
          assertEquals(URI.create("https://b.example/" + LocalImage.of(image).name()), f.get().url());
        }
        pool.shutdown();
      }
      assertEquals(1, uploads.get(), "round " + round);
    }
  }
}
