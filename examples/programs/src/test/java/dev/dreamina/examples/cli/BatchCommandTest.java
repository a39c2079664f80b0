package dev.dreamina.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dreamina.batch.BatchProgress;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dreamina batch}, against the sandbox: in-process, and once as a real process killed mid-run. */
class BatchCommandTest {
  private RunComfySandbox sandbox;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private void start(Duration runTime) {
    sandbox = RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ZERO).runTime(runTime).start();
  }

  private Map<String, String> env() {
    return Map.of(
        "RUNCOMFY_API_TOKEN", sandbox.apiToken(),
        "RUNCOMFY_BASE_URL", sandbox.baseUrl().toString(),
        "DREAMINA_JOURNAL", dir.resolve("journal.json").toString());
  }

  private int run(String... args) {
    return DreaminaCli.run(args, env(), new PrintWriter(out, true), new PrintWriter(err, true), false);
  }

  private Path write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  @Test
  void badRowsExitThreeNamingEachLineBeforeAnythingIsPaid() throws Exception {
    start(Duration.ZERO);
    Path csv =
        write("bad.csv",
            "prompt,image_url,frames,seed,output",
            "a fox in snow,https://example.com/fox.jpg,241,7,fox.mp4",
            "a cat,https://example.com/cat.jpg,120,1,cat.mp4",
            "\"" + "x".repeat(801) + "\",https://example.com/x.jpg,121,2,x.mp4");

    assertEquals(DreaminaCli.VALIDATION, run("batch", csv.toString()));

    assertTrue(err.toString().contains("bad.csv line 3: frames: must be 121 (about 5 s) or 241 (about 10 s)"), err.toString());
    assertTrue(err.toString().contains("bad.csv line 4: prompt: "), err.toString());
    assertTrue(err.toString().contains("2 problem(s); nothing was submitted."), err.toString());
    assertEquals(List.of(), sandbox.requests(), "not even the price was asked");
  }

  /** Runs a batch that must be refused before anything is sent: its exit code and error output. */
  private String refused(Path file, String... more) {
    List<String> args = new ArrayList<>(List.of("batch", file.toString()));
    args.addAll(List.of(more));
    err.getBuffer().setLength(0);
    assertEquals(DreaminaCli.VALIDATION, run(args.toArray(String[]::new)), out + "" + err);
    assertEquals(List.of(), sandbox.requests(), "nothing was sent, not even the price");
    return err.toString();
  }

  @Test
  void aMisspeltColumnOrFieldIsRefusedWithAHintBeforeAnythingIsSent() throws Exception {
    start(Duration.ZERO);
    String csv = refused(write("typo.csv", "prompt,image_url,frames,seeed", "a fox,https://example.com/fox.jpg,241,7"));
    assertTrue(csv.contains("typo.csv line 1: unknown column seeed (did you mean seed?); the known ones are prompt, image_url, frames, seed, output"), csv);
    String frames = refused(write("frames.csv", "prompt,image_url,frame", "a fox,https://example.com/fox.jpg,241"));
    assertTrue(frames.contains("unknown column frame (did you mean frames?)"), frames);
    String twice = refused(write("twice.csv", "prompt,image_url,seed,seed", "a fox,https://example.com/fox.jpg,1,2"));
    assertTrue(twice.contains("line 1: the column seed is named twice"), twice);
    String jsonl =
        refused(write("typo.jsonl",
            "{\"prompt\":\"a fox\",\"image_url\":\"https://example.com/fox.jpg\"}",
            "{\"promt\":\"a cat\",\"image_url\":\"https://example.com/cat.jpg\",\"colour\":\"red\"}"));
    assertTrue(jsonl.contains("typo.jsonl line 2: unknown field promt (did you mean prompt?)"), jsonl);
    assertTrue(jsonl.contains("typo.jsonl line 2: unknown field colour; the known ones are"), jsonl);
  }

  @Test
  void twoRowsWritingOneFileAreRefusedNamingBothLines() throws Exception {
    start(Duration.ZERO);
    Path csv =
        write("same.csv",
            "prompt,image_url,output",
            "a fox,https://example.com/fox.jpg,clip.mp4",
            "a cat,https://example.com/cat.jpg,other.mp4",
            "an owl,https://example.com/owl.jpg,./clip.mp4",
            "a hen,https://example.com/hen.jpg,line-6.mp4",
            "a dog,https://example.com/dog.jpg,");
    String errors = refused(csv, "--out", dir.resolve("v").toString());
    assertTrue(errors.contains("error: same.csv lines 2, 4 all write " + dir.resolve("v/clip.mp4")), errors);
    assertTrue(errors.contains("error: same.csv lines 5, 6 all write " + dir.resolve("v/line-6.mp4")), errors);
    assertFalse(errors.contains("other.mp4"), errors);
  }

  @Test
  void anOutFolderThatCannotBeMadeIsAnInputErrorSayingWhy() throws Exception {
    start(Duration.ZERO);
    Path csv = write("rows.csv", "prompt,image_url", "a fox,https://example.com/fox.jpg");
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    String errors = refused(csv, "--out", blocker.resolve("videos").toString());
    assertTrue(errors.contains("error: cannot make the --out folder " + blocker.resolve("videos") + ": "), errors);
    String file = refused(csv, "--out", blocker.toString());
    assertTrue(file.contains("cannot make the --out folder " + blocker + ": a file of that name is in the way"), file);
  }

  @Test
  void aFileAlreadyWhereAVideoWouldGoSurvivesByteForByteWithoutOverwrite() throws Exception {
    start(Duration.ZERO);
    Path videos = Files.createDirectories(dir.resolve("videos"));
    Path planted = Files.write(videos.resolve("fox.mp4"), new byte[] {1, 2, 3, 4});
    Path csv = write("rows.csv", "prompt,image_url,output", "a fox,https://example.com/fox.jpg,fox.mp4", "a cat,https://example.com/cat.jpg,cat.mp4");

    String errors = refused(csv, "--out", videos.toString());
    assertTrue(errors.contains("error: rows.csv line 2 would replace " + planted + ", which exists; pass --overwrite to replace it"), errors);
    assertEquals(List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4), bytes(planted));
    assertFalse(Files.exists(videos.resolve("cat.mp4")), "no row ran");

    assertEquals(0, run("batch", csv.toString(), "--out", videos.toString(), "--overwrite"), err.toString());
    assertTrue(Files.size(planted) > 10_000, "replaced when asked");
  }

  private static List<Byte> bytes(Path file) throws Exception {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : Files.readAllBytes(file)) {
      bytes.add(b);
    }
    return bytes;
  }

  @Test
  void aByteOrderMarkIsSkippedAndCrlfInsideQuotesReachesTheServerAsWritten() throws Exception {
    start(Duration.ZERO);
    Path csv = dir.resolve("excel.csv");
    Files.writeString(csv, "\uFEFFprompt,image_url,frames,seed\r\n\"first line\r\nsecond line\",https://example.com/fox.jpg,241,7\r\n");

    assertEquals(0, run("batch", csv.toString(), "--out", dir.resolve("v").toString()), err.toString());

    List<String> sent = sandbox.requests().stream().filter(r -> r.path().endsWith("image-to-video") && r.method().equals("POST")).map(RecordedCall::body).toList();
    assertEquals(1, sent.size(), sent.toString());
    JsonNode body = new ObjectMapper().readTree(sent.get(0));
    assertEquals("first line\r\nsecond line", body.get("prompt").asText());
    assertEquals("https://example.com/fox.jpg", body.get("image_urls").get(0).asText());
    assertEquals(241, body.get("frames").asInt());
    assertEquals(7, body.get("seed").asInt(), "every field of the row reaches the server, the seed too");
  }

  @Test
  void theTerminalBarShowsEveryCountSpendTimeAndEta() {
    BatchProgress progress =
        new BatchProgress(10, 3, 1, 2, 5, 4, new BigDecimal("3.00"), Duration.ofSeconds(65), Optional.of(Duration.ofSeconds(130)));
    assertEquals("done 3/10  running 2  queued 5  failed 1  3.00 USD  01:05  ETA 02:10   ", BatchOutput.bar(progress));
    BatchProgress starting = new BatchProgress(10, 0, 0, 4, 6, 4, BigDecimal.ZERO, Duration.ofSeconds(1), Optional.empty());
    assertTrue(BatchOutput.bar(starting).contains("ETA --:--"), BatchOutput.bar(starting));
  }

  @Test
  void helpDocumentsBatch() {
    start(Duration.ZERO);
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("batch") && out.toString().contains("Make many videos from a CSV file"), out.toString());
    assertEquals(0, run("batch", "--help"));
    for (String option : List.of("--concurrency", "--max-spend", "--out", "--preflight", "--resume", "--dry-run", "--report", "--overwrite")) {
      assertTrue(out.toString().contains(option), option + " missing from: " + out);
    }
  }

  @Test
  void aDryRunPrintsEachRowsEstimateAndTheTotalAndSubmitsNothing() throws Exception {
    start(Duration.ZERO);
    Path jsonl =
        write("rows.jsonl",
            "{\"prompt\":\"a fox in snow\",\"image_url\":\"https://example.com/fox.jpg\",\"frames\":121}",
            "",
            "{\"prompt\":\"a lighthouse at dusk, slow pan\",\"image_url\":\"https://example.com/l.png\",\"frames\":241,\"seed\":3,\"output\":\"l.mp4\"}");

    assertEquals(0, run("batch", jsonl.toString(), "--dry-run", "--out", dir.resolve("videos").toString()));

    List<String> lines = out.toString().lines().toList();
    assertEquals("line 1  frames 121  0.50 USD  -> " + dir.resolve("videos/line-1.mp4") + "  a fox in snow", lines.get(0));
    assertEquals("line 3  frames 241  1.00 USD  -> " + dir.resolve("videos/l.mp4") + "  a lighthouse at dusk, slow pan", lines.get(1));
    assertEquals("2 row(s), estimated total 1.50 USD; nothing was submitted (--dry-run)", lines.get(2));
    assertEquals(3, lines.size(), "prices from the API are not labelled: " + lines);
    assertEquals(0, sandbox.submitRequestCount());

    out.getBuffer().setLength(0);
    assertEquals(0, run("--sandbox", "batch", jsonl.toString(), "--dry-run"));
    assertTrue(out.toString().contains("these are the embedded sandbox's made-up prices, not RunComfy's"), out.toString());
  }

  /**
   * Rows with a key column: the file run again as another batch (no --resume) pays for nothing and
   * fetches nothing already downloaded; a new keyed row is paid; two rows sharing a key are refused.
   */
  @Test
  void rowsWithKeysArePaidOnceWhateverRunTheyAreIn() throws Exception {
    start(Duration.ofMillis(20));
    Path videos = dir.resolve("videos");
    Path csv =
        write("orders.csv",
            "prompt,image_url,output,key",
            "a fox,https://example.com/fox.jpg,fox.mp4,order-1",
            "a cat,https://example.com/cat.jpg,cat.mp4,order-2",
            "an owl,https://example.com/owl.jpg,owl.mp4,");
    assertEquals(0, run("batch", csv.toString(), "--out", videos.toString()), err.toString());
    assertEquals(3, sandbox.submitRequestCount());

    Path more =
        write("more.csv",
            "key,prompt,image_url,output",
            "order-1,a fox,https://example.com/fox.jpg,fox.mp4",
            "order-2,a cat,https://example.com/cat.jpg,cat.mp4",
            "order-3,a hen,https://example.com/hen.jpg,hen.mp4");
    assertEquals(0, run("batch", more.toString(), "--out", videos.toString()), err.toString());
    assertEquals(4, sandbox.submitRequestCount(), "only order-3 is paid");
    assertTrue(Files.size(videos.resolve("hen.mp4")) > 10_000);
    assertEquals(4, sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), "nothing fetched twice");

    sandbox.clearRequests();
    String twice = refused(write("twice.csv", "prompt,image_url,key", "a fox,https://example.com/fox.jpg,order-9",
        "a cat,https://example.com/cat.jpg,order-9"));
    assertTrue(twice.contains("line 3: key order-9 is line 2's too; a key names one job"), twice);
  }

  @Test
  void aBatchRunsEveryRowAndItsReportsSayWhatHappenedToEach() throws Exception {
    start(Duration.ofMillis(20));
    Path csv =
        write("rows.csv",
            "prompt,image_url,frames,seed,output",
            "\"a fox, in snow\",https://example.com/fox.jpg,241,7,fox.mp4",
            "a cat,https://example.com/cat.jpg,,,",
            "a \"quoted\" owl,https://example.com/owl.jpg,121,9,owl.mp4");
    Path videos = dir.resolve("videos");
    Path json = dir.resolve("report.json");

    assertEquals(0, run("batch", csv.toString(), "--out", videos.toString(), "--concurrency", "2", "--report", json.toString()), err.toString());

    JsonNode rows = new ObjectMapper().readTree(json.toFile());
    assertEquals(3, rows.size());
    List<String> sent = sandbox.requests().stream().filter(r -> r.method().equals("POST")).map(RecordedCall::body).toList();
    String[][] expected = {{"2", "fox.mp4", "1.0"}, {"3", "line-3.mp4", "0.5"}, {"4", "owl.mp4", "0.5"}};
    for (int i = 0; i < 3; i++) {
      JsonNode row = rows.get(i);
      assertEquals(Integer.parseInt(expected[i][0]), row.get("line").asInt());
      assertEquals("completed", row.get("outcome").asText());
      assertEquals(videos.resolve(expected[i][1]).toString(), row.get("file").asText());
      assertTrue(Files.size(Path.of(row.get("file").asText())) > 10_000);
      assertEquals(0, new BigDecimal(expected[i][2]).compareTo(row.get("cost").decimalValue()), row.toString());
      assertTrue(row.get("request_id").asText().length() > 8);
      assertTrue(row.get("detail").isNull());
    }
    assertTrue(sent.stream().anyMatch(b -> b.contains("\"prompt\":\"a fox, in snow\"")), sent.toString());
    assertTrue(sent.stream().anyMatch(b -> b.contains("\"prompt\":\"a \\\"quoted\\\" owl\"")), sent.toString());
    assertEquals(3, sandbox.submitRequestCount());
    assertTrue(out.toString().contains("completed                  3"), out.toString());
    List<String> printed = out.toString().lines().toList();
    int summaryAt = printed.indexOf("outcome                 rows");
    assertTrue(summaryAt > 0 && printed.subList(summaryAt, printed.size()).stream().noneMatch(l -> l.startsWith("line ")),
        "every row's line before the summary: " + printed);
    assertTrue(out.toString().contains("cost reported by RunComfy: 2.00 USD, for 3 of the 3 job(s) this run completed"), out.toString());
    assertFalse(out.toString().contains("spend committed"), "no --max-spend, so nothing is committed against one: " + out);

    // The same rows as JSON Lines, reported as CSV.
    Path jsonl =
        write("rows.jsonl",
            "{\"prompt\":\"a fox, in snow\",\"image_url\":\"https://example.com/fox.jpg\",\"frames\":241,\"output\":\"fox2.mp4\"}");
    Path csvReport = dir.resolve("report.csv");
    assertEquals(0, run("batch", jsonl.toString(), "--out", videos.toString(), "--report", csvReport.toString()), err.toString());
    List<String> lines = Files.readAllLines(csvReport);
    assertEquals("line,outcome,request_id,file,cost,detail", lines.get(0));
    String[] fields = lines.get(1).split(",", -1);
    assertEquals("1", fields[0]);
    assertEquals("completed", fields[1]);
    assertEquals(videos.resolve("fox2.mp4").toString(), fields[3]);
    assertEquals(0, BigDecimal.ONE.compareTo(new BigDecimal(fields[4])));
    assertEquals("", fields[5]);

    assertEquals(DreaminaCli.VALIDATION, run("batch", csv.toString(), "--out", videos.toString()));
    assertTrue(err.toString().contains("line 2 would replace " + videos.resolve("fox.mp4") + ", which exists; pass --overwrite"
        + " to replace it (or --resume, if it is from an earlier run of this file)"), err.toString());
    assertEquals(DreaminaCli.USAGE, run("batch", csv.toString(), "--out", videos.toString(), "--overwrite"));
    assertTrue(err.toString().contains("ran before") && err.toString().contains("pass --resume"), err.toString());
    assertEquals(4, sandbox.submitRequestCount(), "a file that ran before is not run again unasked");
  }

  /** Whether this process ignores the signal (its children then do too): probed, then put back. */
  private static boolean ignored(String name) {
    sun.misc.Signal signal = new sun.misc.Signal(name);
    sun.misc.SignalHandler before = sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_DFL);
    sun.misc.Signal.handle(signal, before);
    return before == sun.misc.SignalHandler.SIG_IGN;
  }

  private Process runAsPrinted(String command, Path log) throws Exception {
    return CliProcess.runAsPrinted(command, env(), log);
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalWithSubmitsInFlightJournalsTheirAnswersAndThePrintedResumeDeliversEveryRowOnce(String signal) throws Exception {
    // A process started with SIGINT ignored (a background job of a non-interactive shell, as some
    // CI runners start builds) passes that on to its children, and no JVM can catch it then. The
    // SIGTERM case runs the same handler; it is never ignored that way.
    assumeFalse(signal.equals("INT") && ignored("INT"), "SIGINT is ignored in this process tree (a background job)");
    start(Duration.ofMillis(200));
    List<String> rows = new ArrayList<>(List.of("prompt,image_url,frames,seed,output"));
    for (int i = 0; i < 9; i++) {
      rows.add("scene " + i + ",https://example.com/" + i + ".jpg,121," + i + ",scene-" + i + ".mp4");
    }
    Path csv = write("scenes.csv", rows.toArray(String[]::new));
    Path videos = dir.resolve("videos");
    Path journal = dir.resolve("batch-journal.json");
    Path log = dir.resolve("child.log");
    sandbox.holdSubmitAnswers();
    Process child =
        CliProcess.start(env(), log, "--journal", journal.toString(), "batch", csv.toString(), "--out", videos.toString(), "--concurrency", "3");
    CliProcess.untilSubmitted(sandbox, 3, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).start().waitFor());
    while (!Files.readString(log).contains("stopping: no new submits") && System.nanoTime() < deadline) {
      Thread.sleep(10); // until the child has stopped submitting, not a backoff
    }
    sandbox.releaseSubmitAnswers();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    String printed = Files.readString(log);
    assertEquals(signal.equals("INT") ? 130 : 143, child.exitValue(), printed);
    List<JournalEntry> atStop = FileSubmissionJournal.open(journal).entries();
    assertEquals(3, atStop.size(), atStop.toString());
    assertTrue(atStop.stream().allMatch(e -> e.state() != State.INTENT && e.requestId().isPresent()), "answers journaled: " + atStop);
    assertTrue(atStop.stream().allMatch(e -> FileSubmissionJournal.open(journal).lease(e.localId()).isEmpty()), "leases given up");
    assertEquals(3, sandbox.submitRequestCount(), "no submit after the signal");

    String command = printed.lines().filter(l -> l.startsWith("stopped. Continue with: ")).findFirst().orElseThrow(() -> new AssertionError(printed))
        .substring("stopped. Continue with: ".length());
    assertEquals("dreamina --journal " + journal + " batch " + csv + " --resume", command, "short: the rest is stored in the journal");
    Path resumeLog = dir.resolve("resume.log");
    Process resume = runAsPrinted(command, resumeLog);
    assertTrue(resume.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, resume.exitValue(), Files.readString(resumeLog));

    assertEquals(9, sandbox.submitCount(), "every row paid once");
    assertEquals(9, sandbox.submitRequestCount());
    List<String> fetched = sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).map(RecordedCall::path).toList();
    assertEquals(9, fetched.size(), "every video fetched once: " + fetched);
    assertEquals(9, fetched.stream().distinct().count());
    for (int i = 0; i < 9; i++) {
      assertTrue(Files.size(videos.resolve("scene-" + i + ".mp4")) > 10_000);
    }
    try (Stream<Path> files = Files.list(videos)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList(), "no half-written file");
    }
  }

  @Test
  void aSecondSignalExitsAtOnceSayingWhatMayBeLeftUnknown() throws Exception {
    start(Duration.ofMillis(200));
    Path csv = write("six.csv", "prompt,image_url", "a,https://example.com/a.jpg", "b,https://example.com/b.jpg",
        "c,https://example.com/c.jpg", "d,https://example.com/d.jpg");
    Path log = dir.resolve("twice.log");
    sandbox.holdSubmitAnswers();
    Process child =
        CliProcess.start(env(), log, "--journal", dir.resolve("j.json").toString(), "batch", csv.toString(),
            "--out", dir.resolve("v").toString(), "--concurrency", "2");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (sandbox.submitCount() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10); // until two paid jobs' answers are held, not a backoff
      }
      assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(child.pid())).start().waitFor());
      while (!Files.readString(log).contains("stopping: no new submits") && System.nanoTime() < deadline) {
        Thread.sleep(10); // until the first signal's stop waits for the held answers, not a backoff
      }
      assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(child.pid())).start().waitFor());

      assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the second signal does not wait for the answers: " + Files.readString(log));
      assertEquals(143, child.exitValue());
      assertTrue(Files.readString(log).contains("exiting now: submits still in flight may have made jobs whose request ids are lost;"
          + " `dreamina pending` lists them (state INTENT)"), Files.readString(log));
      assertEquals(2, FileSubmissionJournal.open(dir.resolve("j.json")).entries().stream().filter(e -> e.state() == State.INTENT).count(),
          "as it says: the two jobs in flight are left as intents");
    } finally {
      sandbox.releaseSubmitAnswers();
      child.destroyForcibly();
    }
  }

  @Test
  void theContinueCommandCarriesWhatDecidesTheRunAndWhatIsLeftOfTheBudget() throws Exception {
    start(Duration.ZERO);
    // 0.10 USD a second: 0.50 a row; a 1.20 limit runs two rows and refuses the third.
    Path csv = write("three rows.csv", "prompt,image_url", "a,https://example.com/a.jpg", "b,https://example.com/b.jpg", "c,https://example.com/c.jpg");
    Path videos = dir.resolve("my videos");
    Path journal = dir.resolve("j.json");
    Path log = dir.resolve("spend.log");
    Process child =
        CliProcess.start(
            env(), log, "--journal", journal.toString(), "--lease", "30s", "batch", csv.toString(), "--out", videos.toString(),
            "--concurrency", "1", "--max-spend", "1.20", "--report", dir.resolve("r.json").toString());
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    String printed = Files.readString(log);
    String command = printed.lines().filter(l -> l.contains("Continue with: ")).findFirst().orElseThrow(() -> new AssertionError(printed));
    assertTrue(command.contains("(the spend limit; raise --max-spend to run the rest)"), command);
    assertTrue(command.endsWith("Continue with: dreamina --journal " + journal + " --lease PT30S batch '" + csv + "' --resume"), command);
    assertEquals(2, sandbox.submitCount());

    // Run as printed, the budget spans the batch: 1.00 of 1.20 is committed, so the third row is refused.
    String printedCommand = command.substring(command.indexOf("Continue with: ") + "Continue with: ".length());
    Process resume = runAsPrinted(printedCommand, dir.resolve("resume.log"));
    assertTrue(resume.waitFor(60, TimeUnit.SECONDS));
    String resumed = Files.readString(dir.resolve("resume.log"));
    assertEquals(2, sandbox.submitCount(), resumed);
    assertTrue(resumed.contains("earlier runs of this batch committed 1.00 USD of --max-spend 1.20; 0.20 USD is left"), resumed);
    assertTrue(resumed.lines().anyMatch(l -> l.matches("refused_by_spend_limit +1")), resumed);
    assertTrue(resumed.contains("cost reported by RunComfy: 0 USD, for 0 of the 0 job(s) this run completed"), resumed);

    // With the budget raised, the same command runs the last row, and only it.
    Process raised = runAsPrinted(printedCommand + " --max-spend 1.50", dir.resolve("raised.log"));
    assertTrue(raised.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, raised.exitValue(), Files.readString(dir.resolve("raised.log")));
    assertTrue(Files.readString(dir.resolve("raised.log")).contains("--max-spend 1.50 replaces the batch's 1.20 (stored when it ran)"));
    assertEquals(3, sandbox.submitCount(), "every row paid once across the three runs");
    assertTrue(Files.size(videos.resolve("line-4.mp4")) > 10_000, "to the stored --out");
    assertTrue(Files.exists(dir.resolve("r.json")), "the stored --report");
    assertTrue(Files.readString(dir.resolve("raised.log")).contains("spend committed against --max-spend 1.50 USD: 1.50 USD (estimates: 0.50 by this run, 1.00 by earlier runs)"),
        Files.readString(dir.resolve("raised.log")));
  }

  @Test
  void aResumeWithAnotherJournalOrAnotherOutIsRefusedBeforeAnythingIsSent() throws Exception {
    start(Duration.ZERO);
    Path csv = write("rows.csv", "prompt,image_url,output", "a,https://example.com/a.jpg,a.mp4", "b,https://example.com/b.jpg,b.mp4");
    Path videos = dir.resolve("videos");
    assertEquals(0, run("batch", csv.toString(), "--out", videos.toString()), err.toString());
    int sent = sandbox.requests().size();

    // Typed without the --journal the batch ran with: resuming would pay for every row again.
    err.getBuffer().setLength(0);
    assertEquals(DreaminaCli.USAGE, run("--journal", dir.resolve("other.json").toString(), "batch", csv.toString(), "--out", videos.toString(), "--resume"));
    assertTrue(err.toString().contains("has no job of " + csv + ": resuming would pay for every row again"), err.toString());

    // Typed with another --out: the videos would land elsewhere.
    err.getBuffer().setLength(0);
    assertEquals(DreaminaCli.USAGE, run("batch", csv.toString(), "--out", dir.resolve("elsewhere").toString(), "--resume"));
    assertTrue(err.toString().contains("--out " + dir.resolve("elsewhere") + " contradicts the batch's --out " + videos
        + " (stored in the journal when it ran): drop --out to resume it"), err.toString());
    assertEquals(sent, sandbox.requests().size(), "nothing was sent, not even the price");

    // The same token on another backend (RUNCOMFY_BASE_URL changed between the runs).
    try (RunComfySandbox moved = RunComfySandbox.builder().apiToken(sandbox.apiToken()).start()) {
      err.getBuffer().setLength(0);
      assertEquals(DreaminaCli.USAGE,
          DreaminaCli.run(new String[] {"batch", csv.toString(), "--resume"},
              Map.of("RUNCOMFY_API_TOKEN", moved.apiToken(), "RUNCOMFY_BASE_URL", moved.baseUrl().toString(),
                  "DREAMINA_JOURNAL", dir.resolve("journal.json").toString()),
              new PrintWriter(out, true), new PrintWriter(err, true), false));
      assertTrue(err.toString().contains("the batch ran against " + sandbox.baseUrl() + ", and this run would use " + moved.baseUrl()), err.toString());
      assertEquals(List.of(), moved.requests().stream().filter(r -> r.method().equals("POST")).toList(), "nothing submitted there");
    }

    // Pointed at another backend (another token: a real account after a sandbox run, say).
    try (RunComfySandbox other = RunComfySandbox.builder().apiToken("another-token").start()) {
      Map<String, String> elsewhere =
          Map.of("RUNCOMFY_API_TOKEN", other.apiToken(), "RUNCOMFY_BASE_URL", other.baseUrl().toString(),
              "DREAMINA_JOURNAL", dir.resolve("journal.json").toString());
      err.getBuffer().setLength(0);
      assertEquals(DreaminaCli.USAGE,
          DreaminaCli.run(new String[] {"batch", csv.toString(), "--out", videos.toString(), "--resume"}, elsewhere,
              new PrintWriter(out, true), new PrintWriter(err, true), false));
      assertTrue(err.toString().contains("were made with another API token (another account, or a sandbox): resuming with this one"
          + " would pay for every row again"), err.toString());
      assertEquals(List.of(), other.requests(), "nothing was sent to the other backend");
    }

    // Typed bare, it runs as it first ran: to its stored --out, paying nothing again.
    assertEquals(0, run("batch", csv.toString(), "--resume"), err.toString());
    assertEquals(2, sandbox.submitCount());
    assertFalse(Files.exists(Path.of("a.mp4")), "not in the working folder");
  }

  @Test
  void withJsonTheSummaryIsOneJsonObjectAndNothingElse() throws Exception {
    start(Duration.ZERO);
    Path csv = write("two.csv", "prompt,image_url,frames", "a,https://example.com/a.jpg,121", "b,https://example.com/b.jpg,241");
    assertEquals(0, run("batch", csv.toString(), "--out", dir.resolve("v").toString(), "--json", "--max-spend", "5"), err.toString());
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertEquals(2, summary.get("counts").get("completed").asInt(), summary.toString());
    assertEquals(2, summary.get("total").asInt());
    assertEquals(0, new BigDecimal("1.50").compareTo(summary.get("cost_reported_usd").decimalValue()), summary.toString());
    assertEquals(0, new BigDecimal("1.50").compareTo(summary.get("spend_committed_usd").decimalValue()), summary.toString());
    assertFalse(summary.get("stopped").asBoolean());
  }

  @Test
  void aRunKilledMidwayIsResumedAtOnceWithoutPayingTwiceOrDownloadingTwice() throws Exception {
    start(Duration.ofSeconds(1));
    List<String> rows = new ArrayList<>(List.of("prompt,image_url,frames,seed,output"));
    for (int i = 0; i < 8; i++) {
      rows.add("scene " + i + ",https://example.com/" + i + ".jpg,121," + i + ",scene-" + i + ".mp4");
    }
    Path csv = write("scenes.csv", rows.toArray(String[]::new));
    Path videos = dir.resolve("videos");
    Path journal = dir.resolve("journal.json");

    Process process =
        CliProcess.start(
            env(), dir.resolve("child.log"), "--journal", journal.toString(), "--lease", "10m",
            "batch", csv.toString(), "--out", videos.toString(), "--concurrency", "2");
    // Kill it while both its slots wait for running jobs (each runs a second): no submit is then
    // in flight, so none can be left with an unknown outcome.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<JournalEntry> atKill = List.of();
    while (System.nanoTime() < deadline) {
      List<JournalEntry> entries = Files.exists(journal) ? FileSubmissionJournal.open(journal).entries() : List.of();
      long downloaded = entries.stream().filter(e -> e.state() == State.DOWNLOADED).count();
      long waiting = entries.stream().filter(e -> e.state() == State.SUBMITTED).count();
      boolean submitting = entries.stream().anyMatch(e -> e.state() == State.INTENT);
      if (downloaded >= 2 && waiting == 2 && !submitting) {
        process.destroyForcibly(); // SIGKILL
        atKill = entries;
        break;
      }
      Thread.sleep(10);
    }
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertFalse(atKill.isEmpty(), "the child never reached the kill point: " + Files.readString(dir.resolve("child.log")));
    int callsAtKill = sandbox.requests().size();
    Set<String> downloadedAtKill =
        atKill.stream().filter(e -> e.state() == State.DOWNLOADED).map(e -> e.requestId().orElseThrow()).collect(Collectors.toSet());

    // The killed process's leases run for ten minutes more, but it no longer runs, on this very
    // machine: the same command with --resume, run at once, takes its jobs and finishes every row.
    FileSubmissionJournal killed = FileSubmissionJournal.open(journal);
    assertTrue(
        killed.entries().stream().anyMatch(e -> killed.lease(e.localId()).map(l -> l.until().isAfter(Instant.now().plusSeconds(60))).orElse(false)),
        "the killed run's leases still run");
    Path resumeLog = dir.resolve("resume.log");
    Process resumed =
        CliProcess.start(
            env(), resumeLog, "--journal", journal.toString(), "--lease", "10m",
            "batch", csv.toString(), "--out", videos.toString(), "--concurrency", "2", "--resume");
    assertTrue(resumed.waitFor(60, TimeUnit.SECONDS), "the resume did not end: " + Files.readString(resumeLog));
    String resumeOutput = Files.readString(resumeLog);
    assertEquals(0, resumed.exitValue(), resumeOutput);
    assertFalse(resumeOutput.contains("held by "), resumeOutput);
    assertTrue(resumeOutput.contains("at once from process " + process.pid() + " on this machine"), resumeOutput);
    assertTrue(resumeOutput.contains("which no longer runs"), resumeOutput);

    assertEquals(8, sandbox.submitCount(), "rows submitted once in all");
    assertEquals(8, sandbox.submitRequestCount());
    try (Stream<Path> files = Files.list(videos)) {
      assertEquals(8, files.filter(p -> p.toString().endsWith(".mp4")).count());
    }
    List<String> fetchedAfter =
        sandbox.requests().subList(callsAtKill, sandbox.requests().size()).stream()
            .filter(r -> r.path().startsWith("/files/"))
            .map(RecordedCall::path)
            .toList();
    for (String id : downloadedAtKill) {
      assertTrue(fetchedAfter.stream().noneMatch(p -> p.contains(id)), id + " was downloaded again");
    }
    assertEquals(8 - downloadedAtKill.size(), fetchedAfter.stream().distinct().count(), "each other video fetched once");
    assertTrue(resumeOutput.contains("completed                  8"), resumeOutput);
  }

}
