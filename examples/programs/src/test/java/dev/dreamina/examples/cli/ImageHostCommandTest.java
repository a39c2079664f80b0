package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.s3.S3TestServer;
import dev.dreamina.s3.TestImages;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamina generate --image FILE --image-host s3://…} and a batch file with local images, as
 * real processes against a real S3-compatible server (s3proxy, checking signatures, over https)
 * and a sandbox that fetches each signed URL as RunComfy does. The processes trust the server's
 * test certificate through the JDK's own trust-store properties, as a user's JVM would.
 */
class ImageHostCommandTest {
  private static final Pattern SIGNATURE = Pattern.compile("X-Amz-Signature=[0-9a-f]{64}");

  @TempDir Path dir;
  private S3TestServer s3;
  private RunComfySandbox sandbox;
  private Map<String, String> env;
  private String endpoint;

  @BeforeEach
  void start() throws Exception {
    s3 = S3TestServer.start();
    endpoint = s3.endpoint().toString();
    sandbox =
        RunComfySandbox.builder()
            .queueTime(Duration.ofMillis(50))
            .runTime(Duration.ofMillis(200))
            .fetchImages(true)
            .trustImageCertificates(S3TestServer.certificate())
            .start();
    Path trust = S3TestServer.writeTrustStore(dir.resolve("trust.p12"), "changeit");
    env =
        Map.of(
            "RUNCOMFY_API_TOKEN", sandbox.apiToken(),
            "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString(),
            "DREAMINA_JOURNAL", dir.resolve("journal.json").toString(),
            "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY,
            "AWS_REGION", "us-east-1",
            "JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + trust + " -Djavax.net.ssl.trustStorePassword=changeit");
  }

  @AfterEach
  void stop() {
    sandbox.close();
    s3.close();
  }

  private Process start(String log, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--image-host", "s3://images/dreamina", "--s3-endpoint", endpoint, "--s3-path-style"));
    return CliProcess.startIn(dir, env, dir.resolve(log), all.toArray(String[]::new));
  }

  private String run(int expectedExit, String log, String... args) throws Exception {
    Process process = start(log, args);
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "ended");
    String printed = Files.readString(dir.resolve(log));
    assertEquals(expectedExit, process.exitValue(), printed);
    assertFalse(SIGNATURE.matcher(printed).find(), "no signature in what it prints: " + printed);
    assertFalse(printed.contains(S3TestServer.SECRET_KEY), printed);
    return printed;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void generateWithALocalImagePublishesItOnceAndTheSandboxFetchesItsSignedUrl() throws Exception {
    byte[] jpeg = TestImages.jpeg(640, 480, 11);
    Files.write(dir.resolve("photo.jpg"), jpeg);
    run(0, "1.log", "generate", "--prompt", "a street", "--image", "./photo.jpg", "-o", "street.mp4");
    assertTrue(Files.size(dir.resolve("street.mp4")) > 10_000);
    assertEquals(Set.of("dreamina/" + sha256(jpeg) + ".jpg"), s3.keys());
    assertEquals(1, s3.puts());

    run(0, "2.log", "generate", "--prompt", "a road", "--image", "photo.jpg", "-o", "road.mp4", "--idempotency-key", "road-1");
    assertEquals(1, s3.puts(), "the same image is not uploaded again");
    assertEquals(2, sandbox.submitCount());
    String again = run(0, "3.log", "generate", "--prompt", "a road", "--image", "photo.jpg", "-o", "road.mp4", "--idempotency-key", "road-1");
    assertTrue(again.contains("already downloaded: " + dir.resolve("road.mp4")), again);
    assertEquals(2, sandbox.submitRequestCount(), "the key's job, nothing sent");
    String journal = Files.readString(dir.resolve("journal.json"));
    assertTrue(journal.contains("/images/dreamina/" + sha256(jpeg) + ".jpg"), journal);
    assertFalse(journal.contains("X-Amz-"), "the journal keeps the object, not its signature: " + journal);
  }

  @Test
  void whatIsRefusedIsRefusedBeforeAnyUploadOrSubmit() throws Exception {
    Files.write(dir.resolve("renamed.jpg"), TestImages.pdf());
    Files.write(dir.resolve("small.jpg"), TestImages.jpeg(300, 300, 12));
    String pdf = run(DreaminaCli.VALIDATION, "1.log", "generate", "--prompt", "p", "--image", "renamed.jpg");
    assertTrue(pdf.contains("image_urls"), pdf);
    String small = run(DreaminaCli.VALIDATION, "2.log", "generate", "--prompt", "p", "--image", "small.jpg");
    assertTrue(small.contains("300x300"), small);

    Process noHost = CliProcess.startIn(dir, env, dir.resolve("3.log"), "generate", "--prompt", "p", "--image", "small.jpg");
    assertTrue(noHost.waitFor(60, TimeUnit.SECONDS));
    assertEquals(DreaminaCli.USAGE, noHost.exitValue(), Files.readString(dir.resolve("3.log")));
    assertTrue(Files.readString(dir.resolve("3.log")).contains("--image needs --image-host"));

    Process both = CliProcess.startIn(dir, env, dir.resolve("4.log"), "generate", "--prompt", "p", "--image", "small.jpg", "--image-url", "https://example.com/a.png");
    assertTrue(both.waitFor(60, TimeUnit.SECONDS));
    assertEquals(DreaminaCli.USAGE, both.exitValue(), Files.readString(dir.resolve("4.log")));

    assertEquals(0, s3.puts());
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void theStoreDownExitsFourteenNamingTheHostAndNothingIsPaid() throws Exception {
    Files.write(dir.resolve("photo.jpg"), TestImages.jpeg(640, 480, 13));
    s3.close();
    String printed = run(DreaminaCli.IMAGE_HOST, "1.log", "generate", "--prompt", "p", "--image", "photo.jpg");
    assertTrue(printed.contains("could not publish " + dir.resolve("photo.jpg") + " to s3://images/dreamina/"), printed);
    assertEquals(List.of(), sandbox.requests());
    assertEquals(List.of(), FileSubmissionJournal.open(dir.resolve("journal.json")).entries());
  }

  /**
   * Killed after the upload, with the submit sent and its answer held back: neither {@code resume}
   * nor the same command run again uploads or submits a second time.
   */
  @Test
  void aRunKilledAfterItsUploadAndBeforeTheSubmitsAnswerIsNeverUploadedNorPaidAgain() throws Exception {
    Files.write(dir.resolve("photo.jpg"), TestImages.jpeg(640, 480, 14));
    sandbox.holdSubmitAnswers();
    String[] generate = {"generate", "--prompt", "p", "--image", "photo.jpg", "-o", "v.mp4", "--idempotency-key", "order-7"};
    Process first = start("1.log", generate);
    CliProcess.untilSubmitted(sandbox, 1, dir.resolve("1.log"));
    first.destroyForcibly(); // SIGKILL
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    sandbox.releaseSubmitAnswers();
    assertEquals(1, s3.puts());
    List<JournalEntry> entries = FileSubmissionJournal.open(dir.resolve("journal.json")).entries();
    assertEquals(JournalEntry.State.INTENT, entries.get(0).state());

    String resumed = run(DreaminaCli.NOT_ALL_FINISHED, "2.log", "resume");
    assertTrue(resumed.contains("(no request id"), resumed);
    String again = run(DreaminaCli.SUBMISSION_UNKNOWN, "3.log", generate);
    assertTrue(again.contains("idempotency key \"order-7\""), again);
    assertEquals(1, s3.puts(), "no second upload");
    assertEquals(1, sandbox.submitRequestCount(), "no second submit");
  }

  @Test
  void aBatchFilesLocalImagesAreRelativeToItAndEachImageIsUploadedOnce() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("jobs/images"));
    Files.write(folder.resolve("a.png"), TestImages.jpeg(640, 480, 15)); // a JPEG named .png: its bytes tell
    Files.writeString(
        dir.resolve("jobs/batch.csv"),
        "prompt,image_url,output\nfirst,images/a.png,one.mp4\nsecond,images/a.png,two.mp4\nthird,images/missing.jpg,three.mp4\n");
    String refused = run(DreaminaCli.VALIDATION, "1.log", "batch", "jobs/batch.csv");
    assertTrue(refused.contains("line 4: image_url: no such file: " + dir.resolve("jobs/images/missing.jpg")), refused);
    assertEquals(0, s3.puts());

    Files.writeString(dir.resolve("jobs/batch.csv"), "prompt,image_url,output\nfirst,images/a.png,one.mp4\nsecond,images/a.png,two.mp4\n");
    run(0, "2.log", "batch", "jobs/batch.csv", "--out", "videos");
    assertTrue(Files.size(dir.resolve("videos/one.mp4")) > 10_000);
    assertTrue(Files.size(dir.resolve("videos/two.mp4")) > 10_000);
    assertEquals(1, s3.puts(), "one image, one upload");
    assertEquals(2, sandbox.submitCount());
  }
}
