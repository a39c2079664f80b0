package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's documented exit codes, each reached for real against the sandbox. */
class DreaminaCliTest {
  private RunComfySandbox sandbox;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  @BeforeEach
  void start() {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private Map<String, String> env() {
    // A journal in the test's own directory, never the developer's ~/.dreamina.
    return Map.of(
        "RUNCOMFY_API_TOKEN", sandbox.apiToken(),
        "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString(),
        "DREAMINA_JOURNAL", dir.resolve("journal.json").toString());
  }

  private int run(Map<String, String> env, String... args) {
    return DreaminaCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false);
  }

  private int run(String... args) {
    return run(env(), args);
  }

  private String submitOne() {
    return DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build().submit(
            dev.dreamina.ImageToVideoRequest.builder()
                .prompt("p")
                .imageUrl("https://example.com/a.png")
                .build())
        .requestId();
  }

  @Test
  void generateDownloadsTheVideoAndExitsZero() throws Exception {
    Path output = dir.resolve("v.mp4");
    int code =
        run("generate", "--prompt", "a fox in snow", "--image-url", "https://example.com/fox.jpg",
            "--frames", "241", "--seed", "7", "-o", output.toString());
    assertEquals(0, code, err.toString());
    assertTrue(Files.size(output) > 10_000);
    assertTrue(out.toString().contains("request_id: "), out.toString());
    assertTrue(out.toString().contains("status: completed after "), "plain lines off a terminal: " + out);
    assertTrue(sandbox.requests().get(0).body().contains("\"frames\":241,\"seed\":7"));
  }

  @Test
  void generateRefusesAnExistingOutputUnlessOverwriteAndPaysNothing() throws Exception {
    Path planted = Files.write(dir.resolve("fox.mp4"), new byte[] {9, 8, 7});
    String[] generate = {"generate", "--prompt", "a fox", "--image-url", "https://example.com/fox.jpg", "-o", planted.toString()};

    assertEquals(DreaminaCli.VALIDATION, run(generate));
    assertTrue(err.toString().contains("error: " + planted + " exists; pass --overwrite to replace it, or choose another -o. Nothing was submitted."), err.toString());
    assertEquals(List.of(), sandbox.requests());
    assertArrayEquals(new byte[] {9, 8, 7}, Files.readAllBytes(planted));

    String[] overwrite = java.util.stream.Stream.concat(java.util.Arrays.stream(generate), java.util.stream.Stream.of("--overwrite")).toArray(String[]::new);
    assertEquals(0, run(overwrite), err.toString());
    assertTrue(Files.size(planted) > 10_000);
  }

  @Test
  void generateWithoutOutputSavesToItsRequestIdAndLeavesDreaminaMp4Alone() throws Exception {
    Path earlier = Files.write(dir.resolve("dreamina.mp4"), new byte[] {1, 2, 3});
    Path log = dir.resolve("generate.log");
    Process child = CliProcess.startIn(dir, env(), log, "generate", "--prompt", "a fox", "--image-url", "https://example.com/fox.jpg");
    assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, child.exitValue(), Files.readString(log));
    String requestId = Files.readString(log).lines().filter(l -> l.startsWith("request_id: ")).findFirst().orElseThrow().substring(12);
    Path saved = dir.resolve(requestId + ".mp4");
    assertTrue(Files.size(saved) > 10_000, Files.readString(log));
    assertTrue(Files.readString(log).contains("saved " + saved), Files.readString(log));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(earlier));
  }

  @Test
  void globalOptionsWorkAfterTheSubcommandToo() throws Exception {
    Path video = dir.resolve("s.mp4");
    int code = run(Map.of(), "generate", "--prompt", "p", "--image-url", "https://example.com/a.png", "-o", video.toString(), "--sandbox");
    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains("(using the embedded sandbox at "), err.toString());
    assertTrue(Files.size(video) > 10_000);

    Path journal = dir.resolve("after.json");
    assertEquals(0, run("pending", "--journal", journal.toString(), "--lease", "5s"), err.toString());
    assertTrue(out.toString().contains("nothing pending"), out.toString());
  }

  @Test
  void statusResultPendingAndResumePrintJsonForScripts() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    String id = submitOne();
    assertEquals(0, run("status", id, "--json"), err.toString());
    com.fasterxml.jackson.databind.JsonNode status = mapper.readTree(out.toString());
    assertEquals(id, status.get("request_id").asText());
    assertTrue(List.of("in_queue", "in_progress", "completed").contains(status.get("status").asText()), status.toString());
    assertTrue(status.has("queue_position"), status.toString());

    out.getBuffer().setLength(0);
    assertEquals(0, run("await", id, "-o", dir.resolve("a.mp4").toString()), err.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, run("result", id, "--json"), err.toString());
    com.fasterxml.jackson.databind.JsonNode result = mapper.readTree(out.toString());
    assertEquals("completed", result.get("status").asText());
    assertTrue(result.get("video_url").asText().startsWith(sandbox.baseUrl().toString()), result.toString());
    assertEquals(0, new java.math.BigDecimal("0.50").compareTo(result.get("cost").decimalValue()), result.toString());
    assertTrue(result.get("error").isNull());

    // A job submitted by another client of the same journal, whose lease it still holds (it is
    // not closed before the end: closing gives its leases up).
    Path journal = dir.resolve("journal.json");
    DreaminaClient other =
        DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).journal(dev.dreamina.journal.FileSubmissionJournal.open(journal)).build();
    String held = other.submit(dev.dreamina.ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build(), dir.resolve("held.mp4")).requestId();
    out.getBuffer().setLength(0);
    assertEquals(0, run("pending", "--json"), err.toString());
    com.fasterxml.jackson.databind.JsonNode pending = mapper.readTree(out.toString());
    assertEquals(1, pending.size(), pending.toString());
    assertEquals(held, pending.get(0).get("request_id").asText());
    assertEquals("submitted", pending.get(0).get("state").asText());
    assertEquals(dir.resolve("held.mp4").toString(), pending.get(0).get("target").asText());
    assertTrue(pending.get(0).get("lease").get("owner").asText().length() > 0, pending.toString());

    out.getBuffer().setLength(0);
    assertEquals(DreaminaCli.HELD, run("resume", "--json"), err.toString());
    com.fasterxml.jackson.databind.JsonNode pass = mapper.readTree(out.toString());
    assertEquals(1, pass.size(), pass.toString());
    assertEquals("held", pass.get(0).get("outcome").asText());
    assertEquals(held, pass.get(0).get("request_id").asText());
    assertEquals(pending.get(0).get("lease"), pass.get(0).get("lease"));
    other.close();
  }

  @Test
  void theExitCodeTableIsInTheMainHelpOnly() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("Exit codes:") && out.toString().contains("another live instance holds the job(s)"), out.toString());
    for (String sub : List.of("generate", "status", "await", "resume", "pending", "preflight", "batch")) {
      out.getBuffer().setLength(0);
      assertEquals(0, run(sub, "--help"), sub);
      assertTrue(out.toString().contains("Usage: dreamina " + sub), out.toString());
      assertFalse(out.toString().contains("Exit codes:"), sub + ": " + out);
    }
  }

  @Test
  void aDurationThatIsNoneSaysTheFormItExpects() {
    assertEquals(DreaminaCli.USAGE, run("generate", "--prompt", "p", "--image-url", "https://example.com/a.png", "--timeout", "1x"));
    assertTrue(err.toString().contains("'1x' is not a duration: write it as 90s, 15m, 2h, or PT1H30M"), err.toString());
    assertFalse(err.toString().contains("NumberFormatException"), err.toString());
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void aBadDurationFromTheEnvironmentIsAUsageErrorToo() {
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("DREAMINA_JOURNAL", dir.resolve("journal.json").toString());
    env.put("DREAMINA_LEASE", "soon");
    assertEquals(DreaminaCli.USAGE, run(env, "pending"));
    assertTrue(err.toString().contains("'soon' is not a duration: write it as 90s, 15m, 2h, or PT1H30M"), err.toString());
    assertEquals(List.of(), sandbox.requests());
  }

  @Test
  void versionPrintsTheSdksVersion() {
    assertEquals(0, run("-V"));
    assertTrue(out.toString().trim().matches("dreamina (\\d+\\.\\d+\\.\\d+.*|\\(version unknown.*)"), out.toString());
  }

  @Test
  void anUnknownOptionIsNamedWithOneUsageLine() {
    assertEquals(2, run("generate", "--bogus"));
    String text = err.toString();
    assertTrue(text.contains("unknown option: --bogus"), text);
    assertFalse(text.contains("Missing required"), text);
    assertTrue(text.lines().filter(l -> l.startsWith("Usage:")).count() == 1, text);
    assertFalse(text.contains("Exit codes:"), "not the whole help: " + text);
  }

  @Test
  void aMissingLocalFileIsNoSuchFile() {
    assertEquals(3, run("preflight", "missing-image-for-the-test.png"));
    assertTrue(err.toString().contains("no such file: missing-image-for-the-test.png"), err.toString());
    assertFalse(out.toString().contains("publicly reachable"), out.toString());
  }

  @Test
  void validationErrorExitsThreeAndSendsNothing() {
    int code = run("generate", "--prompt", " ", "--image-url", "http://example.com/a.gif");
    assertEquals(DreaminaCli.VALIDATION, code);
    assertTrue(err.toString().contains("prompt: is required"), err.toString());
    assertEquals(0, sandbox.requests().size());
    assertEquals(DreaminaCli.VALIDATION, run("status", "../etc"));
    assertEquals(0, sandbox.requests().size());
  }

  @Test
  void usageErrorExitsTwo() {
    assertEquals(2, run("generate", "--image-url", "https://example.com/a.png"));
  }

  @Test
  void authErrorsExitFour() {
    Map<String, String> wrongToken =
        Map.of("RUNCOMFY_API_TOKEN", "wrong", "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString());
    assertEquals(DreaminaCli.AUTH, run(wrongToken, "status", "abc"));
    assertEquals(DreaminaCli.AUTH, run(Map.of(), "status", "abc"));
    assertTrue(err.toString().contains("RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN)"), err.toString());
  }

  @Test
  void failedJobExitsFiveWithTheRequestId() {
    sandbox.failNextJob("content policy");
    int code = run("generate", "--prompt", "p", "--image-url", "https://example.com/a.png", "-o", dir.resolve("x.mp4").toString());
    assertEquals(DreaminaCli.JOB_FAILED, code);
    assertTrue(err.toString().contains("content policy"), err.toString());
    assertTrue(err.toString().contains("request_id: "), err.toString());
  }

  @Test
  void timeoutExitsSixAndSaysHowToResume() {
    try (RunComfySandbox slow = RunComfySandbox.builder().runTime(Duration.ofMinutes(5)).start()) {
      Map<String, String> env =
          Map.of("RUNCOMFY_API_TOKEN", slow.apiToken(), "RUNCOMFY_BASE_URL", slow.baseUrl().toString());
      int code = run(env, "generate", "--prompt", "p", "--image-url", "https://example.com/a.png", "--timeout", "1s");
      assertEquals(DreaminaCli.TIMEOUT, code);
      assertTrue(err.toString().contains("resume with: dreamina await "), err.toString());
      assertFalse(err.toString().contains("awaitResult("), "CLI terms, not Java: " + err);
    }
  }

  @Test
  void networkErrorExitsSeven() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of("RUNCOMFY_API_TOKEN", "t", "RUNCOMFY_BASE_URL", "http://127.0.0.1:" + port);
    assertEquals(DreaminaCli.NETWORK, run(env, "status", "abc"));
  }

  @Test
  void unknownSubmitOutcomeExitsEight() {
    sandbox.dropConnections(1);
    int code = run("generate", "--prompt", "p", "--image-url", "https://example.com/a.png");
    assertEquals(DreaminaCli.SUBMISSION_UNKNOWN, code);
    assertTrue(err.toString().contains("Check your RunComfy requests"), err.toString());
  }

  @Test
  void otherApiErrorsExitNine() {
    assertEquals(DreaminaCli.API, run("result", "unknown-id"));
  }

  @Test
  void statusResultCancelAndAwaitSubcommands() throws Exception {
    String id = submitOne();
    assertEquals(0, run("status", id));
    assertTrue(out.toString().contains("completed"), out.toString());
    assertEquals(0, run("result", id));
    assertTrue(out.toString().contains("video: " + sandbox.baseUrl()), out.toString());
    assertEquals(0, run("cancel", id));
    assertTrue(out.toString().contains("outcome: not_cancellable"), out.toString());
    Path output = dir.resolve("awaited.mp4");
    assertEquals(0, run("await", id, "-o", output.toString()));
    assertTrue(Files.size(output) > 10_000);
  }

  @Test
  void ctrlCDuringAWaitMakesOneCancelAndReportsItsRealOutcome() {
    try (RunComfySandbox queued = RunComfySandbox.builder().queueTime(Duration.ofMinutes(5)).start();
        ExampleBackend backend =
            ExampleBackend.open(
                false,
                Map.of("RUNCOMFY_API_TOKEN", queued.apiToken(), "RUNCOMFY_BASE_URL", queued.baseUrl().toString()))) {
      String id = backend.client().submit(dev.dreamina.ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build()).requestId();
      queued.clearRequests();

      new CancelOnInterrupt(backend, id, new PrintWriter(err, true)).run();

      assertTrue(err.toString().contains("Cancelled: request " + id), err.toString());
      assertEquals(1, queued.requests().size(), "one cancel attempt");
      assertEquals("POST /v1/requests/" + id + "/cancel", queued.requests().get(0).toString());
    }
  }

  @Test
  void ctrlCOnARunningJobSaysItKeepsRunningAndHowToResume() {
    try (ExampleBackend backend = ExampleBackend.open(false, env())) {
      String id = submitOne();
      sandbox.respondWithStatus(503, 1);
      sandbox.clearRequests();
      new CancelOnInterrupt(backend, id, new PrintWriter(err, true)).run();
      assertEquals(1, sandbox.requests().size(), "no retry after Ctrl-C");
      assertTrue(err.toString().contains("The cancel failed"), err.toString());
      assertTrue(err.toString().contains("Resume with: dreamina await " + id), err.toString());

      new CancelOnInterrupt(backend, id, new PrintWriter(err, true)).run();
      assertTrue(err.toString().contains("Not cancelled (not_cancellable)"), err.toString());
      assertFalse(err.toString().contains(sandbox.apiToken()));
    }
  }

  @Test
  void durationsParse() {
    assertEquals(Duration.ofSeconds(90), DreaminaCli.parseDuration("90s"));
    assertEquals(Duration.ofSeconds(90), DreaminaCli.parseDuration("90"));
    assertEquals(Duration.ofMinutes(15), DreaminaCli.parseDuration("15m"));
    assertEquals(Duration.ofHours(1), DreaminaCli.parseDuration("PT1H"));
  }

  @Test
  void generateWithPreflightRefusesAnUnreachableImageAndSubmitsNothing() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    int code =
        run("generate", "--preflight", "--prompt", "a fox", "--image-url",
            "https://127.0.0.1:" + closedPort + "/fox.png", "-o", dir.resolve("v.mp4").toString());
    assertEquals(DreaminaCli.VALIDATION, code, err.toString());
    assertTrue(err.toString().contains("image_urls: The image URL must be publicly reachable"), err.toString());
    assertEquals(0, sandbox.submitCount());
  }

  @Test
  void preflightSubcommandReportsMeasuredValuesAndExitsByTheVerdict() throws Exception {
    Path good = dir.resolve("good.png");
    Path tiny = dir.resolve("tiny.jpg");
    ImageIO.write(new BufferedImage(640, 480, BufferedImage.TYPE_BYTE_GRAY), "png", good.toFile());
    ImageIO.write(new BufferedImage(200, 200, BufferedImage.TYPE_BYTE_GRAY), "png", tiny.toFile());

    assertEquals(0, run(Map.of(), "preflight", good.toString()), err.toString());
    assertTrue(out.toString().contains("type: PNG"), out.toString());
    assertTrue(out.toString().contains("size: 640x480 px"), out.toString());
    assertTrue(out.toString().endsWith("passes" + System.lineSeparator()), out.toString());

    assertEquals(DreaminaCli.VALIDATION, run(Map.of(), "preflight", tiny.toString()));
    assertTrue(out.toString().contains("fails: The shortest side must be at least 320 pixels."), out.toString());
    assertEquals(0, sandbox.requests().size(), "the preflight needs no API");
  }

  @Test
  void pendingAndResumeFinishAJobAnEarlierRunLeftBehind() throws Exception {
    Path journal = dir.resolve("journal.json");
    Path video = dir.resolve("left-behind.mp4");
    // An earlier run on another machine (an owner id that cannot be checked from here), which
    // died without closing: its lease stays until it runs out.
    DreaminaClient crashed =
        DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).journal(dev.dreamina.journal.FileSubmissionJournal.open(journal))
            .instanceId("laptop-2/4242").build();
    String id = crashed.submit(dev.dreamina.ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build(), video).requestId();

    assertEquals(0, run("pending"), err.toString());
    assertTrue(out.toString().contains("SUBMITTED  " + id), out.toString());
    assertTrue(out.toString().contains("-> " + video.toAbsolutePath()), out.toString());
    assertTrue(out.toString().contains("  held by laptop-2/4242 until 20"), "the dead run's lease: " + out);

    // The earlier run's lease still runs: left to it, with the way to take it over.
    assertEquals(DreaminaCli.HELD, run("resume", id), err.toString());
    assertTrue(err.toString().contains("is held by "), err.toString());
    assertTrue(err.toString().contains("dreamina resume " + id + " --force"), err.toString());
    assertFalse(Files.exists(video));

    assertEquals(0, run("resume", id, "--force"), err.toString()); // "resume" is "await" by another name
    assertTrue(Files.size(video) > 10_000);
    assertTrue(out.toString().contains("saved " + video.toAbsolutePath()), out.toString());

    assertEquals(0, run("pending"));
    assertTrue(out.toString().endsWith("nothing pending" + System.lineSeparator()), out.toString());
    assertEquals(1, sandbox.submitCount(), "resume never pays again");
    crashed.close();
  }

  @Test
  void anUnwritableJournalExitsTenAndSubmitsNothing() throws Exception {
    Files.writeString(dir.resolve("blocked"), "a file, not a directory");
    int code =
        run("--journal", dir.resolve("blocked/journal.json").toString(), "generate", "--prompt", "p",
            "--image-url", "https://example.com/a.png", "-o", dir.resolve("v.mp4").toString());
    assertEquals(DreaminaCli.JOURNAL, code, err.toString());
    assertEquals(0, sandbox.submitCount());
  }

  @Test
  void resumeWithoutAnIdFinishesWhatAnotherMachineLeftInASharedDatabase() throws Exception {
    String url = "jdbc:h2:mem:cli-resume;DB_CLOSE_DELAY=-1";
    JdbcUrlDataSource database = JdbcUrlDataSource.of(url, Map.of());
    JdbcSubmissionJournal journal = JdbcSubmissionJournal.of(database).createTableIfMissing();
    Path video = dir.resolve("left-behind.mp4");
    Path elsewhere = dir.resolve("only-on-the-dead-machine").resolve("v.mp4");
    // The other machine died without closing its client: its leases stay until they run out.
    DreaminaClient crashed =
        DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).journal(journal).instanceId("machine-b/17").build();
    String id = crashed.submit(request(), video).requestId();
    String missing = crashed.submit(request(), elsewhere).requestId();

    assertEquals(DreaminaCli.HELD, run("--journal", url, "resume"), err.toString());
    assertTrue(out.toString().contains("HELD  " + id), "its lease is live: " + out);
    assertTrue(out.toString().matches("(?s).*    held by [^ ]+ until 20\\d\\d-.*"), out.toString());
    assertTrue(out.toString().contains("2 job(s) held by other instances; the last lease ends "), out.toString());
    assertFalse(Files.exists(video));

    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE dreamina_journal SET lease_until = 0"); // as if two minutes went by
    }
    assertEquals(DreaminaCli.NOT_ALL_FINISHED, run("--journal", url, "resume"), err.toString());
    assertTrue(Files.size(video) > 10_000);
    assertTrue(out.toString().contains("FINISHED  " + id + "  DOWNLOADED"), out.toString());
    assertTrue(out.toString().contains("TARGET_MISSING  " + missing), out.toString());
    assertTrue(out.toString().contains(elsewhere.getParent() + " does not exist on this instance"), out.toString());
    assertEquals(2, sandbox.submitCount(), "resume never pays again");

    out.getBuffer().setLength(0);
    assertEquals(0, run("--journal", url, "pending"), err.toString());
    assertTrue(out.toString().startsWith("SUBMITTED  " + missing), out.toString());
    assertFalse(out.toString().contains(id), out.toString());
    crashed.close();
  }

  @Test
  void databaseCredentialsComeOnlyFromTheEnvironment() {
    assertEquals(
        DreaminaCli.VALIDATION, run("--journal", "jdbc:postgresql://db.internal/jobs?user=app&password=hunter2", "pending"));
    assertTrue(err.toString().contains("set DREAMINA_JOURNAL_PASSWORD"), err.toString());
    assertFalse(err.toString().contains("hunter2"), err.toString());

    String url = "jdbc:h2:mem:cli-credentials;DB_CLOSE_DELAY=-1";
    Map<String, String> env = new HashMap<>(env());
    env.put("DREAMINA_JOURNAL_USER", "journal");
    env.put("DREAMINA_JOURNAL_PASSWORD", "s3cret-pw");
    JdbcSubmissionJournal.of(JdbcUrlDataSource.of(url, env)).createTableIfMissing(); // the user's database
    assertEquals(0, run(env, "--journal", url, "pending"), err.toString());
    assertTrue(out.toString().contains("nothing pending"), out.toString());

    env.put("DREAMINA_JOURNAL_PASSWORD", "wrong-pw");
    assertEquals(DreaminaCli.JOURNAL, run(env, "--journal", url, "pending"));
    assertTrue(err.toString().contains("journal table dreamina_journal"), err.toString());
    assertFalse(err.toString().contains("wrong-pw") || err.toString().contains("s3cret-pw"), err.toString());
  }

  private static ImageToVideoRequest request() {
    return ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build();
  }
}
