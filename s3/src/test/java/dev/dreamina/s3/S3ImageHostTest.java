package dev.dreamina.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.ImagePublishException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local images through a real S3-compatible server (s3proxy, checking signatures, over https) to
 * the sandbox, which fetches each signed URL as RunComfy does.
 */
class S3ImageHostTest {
  private static final Pattern SIGNATURE = Pattern.compile("X-Amz-Signature=([0-9a-f]{64})");

  @TempDir Path dir;
  S3TestServer s3;
  RunComfySandbox sandbox;

  @BeforeEach
  void start() {
    s3 = S3TestServer.start();
    sandbox =
        RunComfySandbox.builder()
            .queueTime(Duration.ZERO)
            .runTime(Duration.ZERO)
            .fetchImages(true)
            .trustImageCertificates(S3TestServer.certificate())
            .start();
  }

  @AfterEach
  void stop() {
    sandbox.close();
    s3.close();
  }

  DreaminaClientBuilder client(S3ImageHost host) {
    return DreaminaClient.builder()
        .baseUrl(sandbox.baseUrl())
        .apiToken(sandbox.apiToken())
        .httpClient(S3TestServer.trustingClient())
        .imageHost(host);
  }

  Path file(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  ImageToVideoRequest request(Path image) {
    return ImageToVideoRequest.builder().prompt("a street").imageFile(image).seed(7).build();
  }

  @Test
  void aLocalImageIsPublishedUnderItsHashFetchedBySignedUrlAndUploadedOnce() throws Exception {
    byte[] jpeg = TestImages.jpeg(640, 480, 1);
    Path image = file("street.jpg", jpeg);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg));
    try (DreaminaClient client = client(s3.host("dreamina/").build()).journal(FileSubmissionJournal.open(dir.resolve("journal"))).build()) {
      RequestResult first = client.generate(request(image));
      assertEquals(Status.COMPLETED, first.status());
      assertEquals(java.util.Set.of("dreamina/" + sha + ".jpg"), s3.keys());
      assertArrayEquals(jpeg, s3.object("dreamina/" + sha + ".jpg"));
      assertEquals(1, s3.puts());

      String sent = submits().get(0).body();
      assertTrue(
          sent.contains("\"image_urls\":[\"" + s3.endpoint() + "/" + S3TestServer.BUCKET + "/dreamina/" + sha + ".jpg?"),
          sent);
      assertTrue(SIGNATURE.matcher(sent).find(), "a signed GET: " + sent);

      RequestResult second = client.generate(request(file("copy.jpg", jpeg)));
      assertEquals(Status.COMPLETED, second.status());
      assertEquals(1, s3.puts(), "the same image is not uploaded again");
      assertEquals(2, sandbox.submitCount());

      String journal = Files.readString(dir.resolve("journal"), StandardCharsets.UTF_8);
      assertTrue(journal.contains("/dreamina/" + sha + ".jpg"), "the journal has the object: " + journal);
      assertFalse(journal.contains("X-Amz-"), "and no signature nor credential: " + journal);
    }
  }

  @Test
  void aTamperedSignatureFailsTheJobAndNoVideoIsFetched() throws Exception {
    Path image = file("a.jpg", TestImages.jpeg(640, 480, 2));
    try (DreaminaClient client = client(s3.host("").build()).build()) {
      PublishedImage published = client.publishImage(image);
      assertTrue(published.uploaded());
      String url = published.url().toString();
      Matcher m = SIGNATURE.matcher(url);
      assertTrue(m.find());
      char last = m.group(1).charAt(63);
      String tampered = url.replace(m.group(1), m.group(1).substring(0, 63) + (last == '0' ? '1' : '0'));
      GenerationFailedException e =
          assertThrows(
              GenerationFailedException.class,
              () -> client.generate(ImageToVideoRequest.builder().prompt("p").imageUrl(tampered).build()));
      assertEquals("Invalid input image: fetching image_urls[0] answered HTTP 403", e.error().orElseThrow());
      assertEquals(0, videoFetches());
    }
  }

  @Test
  void anExpiredSignatureFailsTheJob() throws Exception {
    Path image = file("b.jpg", TestImages.jpeg(640, 480, 3));
    try (DreaminaClient client = client(s3.host("").build()).imageUrlLifetime(Duration.ofSeconds(1)).build()) {
      PublishedImage published = client.publishImage(image);
      Thread.sleep(2_100); // S3 signatures count whole seconds: a real wait, not a backoff
      GenerationFailedException e =
          assertThrows(
              GenerationFailedException.class,
              () -> client.generate(ImageToVideoRequest.builder().prompt("p").imageUrl(published.url()).build()));
      assertEquals("Invalid input image: fetching image_urls[0] answered HTTP 403", e.error().orElseThrow());
      assertEquals(0, videoFetches());
    }
  }

  @Test
  void aBadLocalImageIsRefusedBeforeAnyUploadOrSubmit() throws Exception {
    try (DreaminaClient client = client(s3.host("").build()).build()) {
      for (Path bad :
          List.of(
              file("renamed.jpg", TestImages.pdf()),
              file("big.jpg", TestImages.paddedJpeg(5_000_000)),
              file("small.jpg", TestImages.jpeg(300, 300, 4)),
              file("wide.jpg", TestImages.jpeg(4000, 1000, 5)))) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> client.generate(request(bad)), bad.toString());
        assertEquals("image_urls", e.violations().get(0).field());
      }
      assertEquals(0, s3.puts());
      assertEquals(java.util.Set.of(), s3.keys());
      assertEquals(List.of(), sandbox.requests());
    }
  }

  @Test
  void theStoreDownMeansNothingSubmittedNorJournaledAndATypedErrorNamingTheHost() throws Exception {
    Path image = file("c.jpg", TestImages.jpeg(640, 480, 6));
    S3ImageHost host = s3.host("dreamina/").build();
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("journal"));
    s3.close();
    try (DreaminaClient client = client(host).journal(journal).build()) {
      ImagePublishException e = assertThrows(ImagePublishException.class, () -> client.generate(request(image)));
      assertEquals("s3://images/dreamina/", e.host());
      assertTrue(e.getMessage().startsWith("Not submitted: could not publish " + image + " to s3://images/dreamina/: GET to 127.0.0.1 failed"), e.getMessage());
      assertEquals(List.of(), sandbox.requests());
      assertEquals(List.of(), journal.entries());
    }
  }

  @Test
  void removeWhenDoneDeletesTheImageOnceTheJobThatUsedItEndedAndKeepsAPlainSubmitsImage() throws Exception {
    Path image = file("d.jpg", TestImages.jpeg(640, 480, 7));
    try (DreaminaClient client = client(s3.host("tmp/").removeWhenDone(true).build()).build()) {
      assertEquals(Status.COMPLETED, client.generate(request(image)).status());
      assertEquals(java.util.Set.of(), s3.keys(), "removed once its video was made");

      sandbox.failNextJob("Content policy");
      CompletionException failed = assertThrows(CompletionException.class, () -> client.async().generate(request(image)).join());
      assertTrue(failed.getCause() instanceof GenerationFailedException, failed.toString());
      assertEquals(java.util.Set.of(), s3.keys(), "removed once its job failed");

      client.submit(request(image));
      assertEquals(1, s3.keys().size(), "a plain submit's job is not waited for here: its image stays");
      assertEquals(3, s3.puts());
      assertEquals(3, sandbox.submitCount());
    }
  }

  /**
   * A run with the debug wire log on (bodies and headers), a store that refuses, and a job that
   * fails: no log line and no exception message holds a real signature or the access key, though
   * the signed URL itself is logged, blanked.
   */
  @Test
  void noLogLineNorMessageShowsARealSignatureOrCredential() throws Exception {
    Path image = file("e.jpg", TestImages.jpeg(640, 480, 8));
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger sdk = java.util.logging.Logger.getLogger("dev.dreamina");
    sdk.addHandler(capture);
    List<String> messages = new java.util.ArrayList<>();
    try (DreaminaClient client = client(s3.host("logged/").build()).wireLog(dev.dreamina.WireLog.DEBUG).build()) {
      PublishedImage published = client.publishImage(image);
      sandbox.failNextJob("Content policy");
      messages.add(assertThrows(GenerationFailedException.class, () -> client.generate(request(image))).getMessage());
      sandbox.respondWithStatus(400, 1);
      messages.add(
          assertThrows(
                  RuntimeException.class,
                  () -> client.submit(ImageToVideoRequest.builder().prompt("p").imageUrl(published.url()).build()))
              .getMessage());
      try (DreaminaClient refused = client(s3.host("logged/").credentials(
              software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                  software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, "wrong-secret")))
          .build()).wireLog(dev.dreamina.WireLog.DEBUG).build()) {
        messages.add(
            assertThrows(ImagePublishException.class, () -> refused.publishImage(TestImages.jpeg(640, 480, 9))).getMessage());
      }
    } finally {
      sdk.removeHandler(capture);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("X-Amz-Signature=REDACTED")), "the signed URL is logged, blanked: " + lines);
    for (String text : concat(lines, messages)) {
      assertFalse(SIGNATURE.matcher(text).find(), text);
      assertFalse(text.contains(S3TestServer.ACCESS_KEY), text);
      assertFalse(text.contains(S3TestServer.SECRET_KEY), text);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private List<RecordedCall> submits() {
    return sandbox.requests().stream().filter(r -> r.method().equals("POST")).toList();
  }

  private long videoFetches() {
    return sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count();
  }
}
