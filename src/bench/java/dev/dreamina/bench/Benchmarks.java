package dev.dreamina.bench;

import dev.dreamina.Budget;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.SandboxClients;
import dev.dreamina.TestPostgres;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RecordedCall;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import okhttp3.OkHttpClient;

/**
 * B1 to B5 of issue 5, B6 of issue 14, B7 of issue 16, B8 of issue 20 and B9 of issue 28, each against a baseline measured in the same run, on
 * loopback. Figures are
 * medians of rounds, and ratios of medians; nothing here asserts a time.
 *
 * <pre>
 * mvn -B -Pbench -DskipTests verify                        # full sizes; writes target/benchmarks.md
 * mvn -B -Pbench -DskipTests verify -Dbench.only=b1,b3      # some of them
 * </pre>
 *
 * <p>{@code --scale tiny} runs everything at toy sizes in seconds: CI does that (see
 * BenchmarksSmokeTest) so the harness keeps compiling and working.
 */
public final class Benchmarks {
  /** Sizes of one run. */
  record Scale(
      String name,
      int warmupCalls,
      int rounds,
      int callsPerRound,
      int jobs,
      Duration poll,
      Duration queueTime,
      Duration runTime,
      Duration runSpread,
      long downloadBytes,
      int downloadRounds,
      int coldStarts) {
    static final Scale FULL =
        new Scale("full", 3000, 15, 1000, 10_000, Duration.ofSeconds(1), Duration.ofMillis(500),
            Duration.ofMillis(500), Duration.ofSeconds(4), 512L << 20, 7, 10);
    static final Scale TINY =
        new Scale("tiny", 20, 3, 20, 50, Duration.ofMillis(100), Duration.ofMillis(100),
            Duration.ofMillis(100), Duration.ofMillis(300), 4L << 20, 1, 1);
  }

  private final Scale scale;
  private List<String> only = List.of("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9");
  private final List<String> report = new ArrayList<>();
  private final Map<String, String> figures = new HashMap<>();

  Benchmarks(Scale scale) {
    this.scale = scale;
  }

  public static void main(String[] args) throws Exception {
    Scale scale = Arrays.asList(args).contains("tiny") ? Scale.TINY : Scale.FULL;
    Benchmarks run = new Benchmarks(scale);
    int only = Arrays.asList(args).indexOf("--only");
    if (only >= 0) {
      run.only = Arrays.asList(args[only + 1].split(","));
    }
    run.all();
    String text = String.join("\n", run.report) + "\n";
    System.out.print(text);
    int out = Arrays.asList(args).indexOf("--out");
    if (out >= 0) {
      Path file = Path.of(args[out + 1]);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    }
    System.exit(0);
  }

  /** The figures by name, for the smoke test. */
  Map<String, String> figures() {
    return figures;
  }

  void all() throws Exception {
    line("# dreamina-java benchmarks (" + scale.name() + " scale)");
    line("");
    line("- date: " + LocalDate.now());
    line("- machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", JDK "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    line("- command: `mvn -B -Pbench -DskipTests verify`");
    line("");
    if (only.contains("b1")) {
      perCall();
    }
    if (only.contains("b2")) {
      awaits();
    }
    if (only.contains("b3")) {
      download();
    }
    if (only.contains("b4")) {
      coldStart();
    }
    if (only.contains("b5")) {
      footprint();
    }
    if (only.contains("b6")) {
      journals();
    }
    if (only.contains("b7")) {
      batch();
    }
    if (only.contains("b8")) {
      history();
    }
    if (only.contains("b9")) {
      keysAndBudgets();
    }
  }

  // ---- B1 ----

  private void perCall() throws Exception {
    try (LoopbackServer server = new LoopbackServer(0);
        DreaminaClient client =
            DreaminaClient.builder().apiToken("bench-token").baseUrl(server.baseUrl()).build()) {
      Bare bare = new Bare(new OkHttpClient(), server.baseUrl());
      ImageToVideoRequest.Builder request =
          ImageToVideoRequest.builder().imageUrl("https://example.com/street.jpg").frames(241).seed(42);
      Call sdkSubmit = i -> client.submit(request.prompt("A slow tracking shot " + i).build());
      Call bareSubmit = i -> bare.submit("A slow tracking shot " + i);
      Call sdkStatus = i -> client.status(LoopbackServer.REQUEST_ID);
      Call bareStatus = i -> bare.status(LoopbackServer.REQUEST_ID);
      line("## B1: per-call cost (loopback, fixed answers)");
      line("");
      line("Median of " + scale.rounds() + " rounds of " + scale.callsPerRound()
          + " calls, after " + scale.warmupCalls() + " warm-up calls; SDK and bare rounds alternate.");
      line("");
      line("| call | SDK µs/call | bare OkHttp + Jackson µs/call | SDK / bare | caller-thread allocation, SDK / bare | caller-thread CPU, SDK / bare |");
      line("|---|---|---|---|---|---|");
      compare("submit (validation included)", "b1.submit", sdkSubmit, bareSubmit);
      compare("status", "b1.status", sdkStatus, bareStatus);
      line("");
    }
  }

  interface Call {
    void run(int i) throws Exception;
  }

  private void compare(String name, String key, Call sdk, Call bare) throws Exception {
    for (int i = 0; i < scale.warmupCalls(); i++) {
      sdk.run(i);
      bare.run(i);
    }
    List<double[]> sdkRounds = new ArrayList<>();
    List<double[]> bareRounds = new ArrayList<>();
    for (int round = 0; round < scale.rounds(); round++) {
      boolean sdkFirst = round % 2 == 0;
      (sdkFirst ? sdkRounds : bareRounds).add(round(sdkFirst ? sdk : bare));
      (sdkFirst ? bareRounds : sdkRounds).add(round(sdkFirst ? bare : sdk));
    }
    double s = median(column(sdkRounds, 0));
    double b = median(column(bareRounds, 0));
    double sBytes = median(column(sdkRounds, 1));
    double bBytes = median(column(bareRounds, 1));
    double sCpu = median(column(sdkRounds, 2));
    double bCpu = median(column(bareRounds, 2));
    figures.put(key + ".ratio", String.format(Locale.ROOT, "%.3f", s / b));
    figures.put(key + ".alloc.ratio", String.format(Locale.ROOT, "%.3f", sBytes / bBytes));
    figures.put(key + ".cpu.ratio", String.format(Locale.ROOT, "%.3f", sCpu / bCpu));
    line(String.format(Locale.ROOT, "| %s | %.1f | %.1f | **%.2f** | %.1f / %.1f KB (**%.2f**) | %.1f / %.1f µs (**%.2f**) |",
        name, s, b, s / b, sBytes / 1024, bBytes / 1024, sBytes / bBytes, sCpu, bCpu, sCpu / bCpu));
  }

  private static List<Double> column(List<double[]> rounds, int i) {
    return rounds.stream().map(r -> r[i]).toList();
  }


  /** One round: wall µs, caller-thread bytes allocated and caller-thread CPU µs, each per call. */
  private double[] round(Call call) throws Exception {
    long bytes = ThreadCounters.allocatedBytes();
    long cpu = ThreadCounters.cpuNanos();
    long start = System.nanoTime();
    for (int i = 0; i < scale.callsPerRound(); i++) {
      call.run(i);
    }
    int n = scale.callsPerRound();
    return new double[] {
      (System.nanoTime() - start) / 1000.0 / n,
      (double) (ThreadCounters.allocatedBytes() - bytes) / n,
      (ThreadCounters.cpuNanos() - cpu) / 1000.0 / n
    };
  }


  // ---- B2 ----

  private void awaits() throws Exception {
    try (RunComfySandbox sandbox =
        RunComfySandbox.builder()
            .queueTime(scale.queueTime())
            .runTime(scale.runTime())
            .runTimeSpread(scale.runSpread())
            .start()) {
      Map<String, String> result =
          child(List.of("-Xmx256m"), "awaits", sandbox.baseUrl().toString(), sandbox.apiToken(),
              String.valueOf(scale.jobs()), String.valueOf(scale.poll().toMillis()));
      Map<String, Integer> polls = new HashMap<>();
      for (RecordedCall call : sandbox.requests()) {
        if (call.method().equals("GET") && call.path().endsWith("/status")) {
          polls.merge(call.path().split("/")[3], 1, Integer::sum);
        }
      }
      int over = 0;
      double worst = 0;
      for (Map.Entry<String, Integer> job : polls.entrySet()) {
        Duration duration = sandbox.jobDuration(job.getKey()).orElseThrow();
        double bound = (double) duration.toMillis() / scale.poll().toMillis() + 2;
        worst = Math.max(worst, job.getValue() / bound);
        if (job.getValue() > bound) {
          over++;
        }
      }
      figures.put("b2.completed", result.get("completed"));
      figures.put("b2.submits", String.valueOf(sandbox.submitCount()));
      figures.put("b2.overBound", String.valueOf(over));
      line("## B2: " + scale.jobs() + " concurrent `async().awaitResult` against the sandbox");
      line("");
      line("Jobs take " + scale.queueTime().toMillis() + " ms queued + " + scale.runTime().toMillis()
          + " ms running + a random 0–" + scale.runSpread().toMillis() + " ms; poll every "
          + scale.poll().toMillis() + " ms; client in a fresh JVM with `-Xmx256m`, sandbox in this one.");
      line("");
      line("| figure | value | goal |");
      line("|---|---|---|");
      line("| completed / failed | " + result.get("completed") + " / " + result.get("failed") + " | all complete |");
      line("| sandbox submits | " + sandbox.submitCount() + " | one per job |");
      line("| SDK threads at peak (OkHttp + dreamina-) | " + result.get("peakThreads") + " | ≤ 16 |");
      line("| the threads at peak | " + result.get("peakNames").replace(";", ", ").replace("_", " ") + " | — |");
      line("| heap used at peak | " + result.get("peakHeapMiB") + " MiB (cap " + result.get("maxHeapMiB") + " MiB) | ≤ 256 MB |");
      line(String.format(Locale.ROOT,
          "| status polls per job vs (duration / interval + 2) | worst %.2f of the bound; %d jobs over | none over |",
          worst, over));
      line("| wall time, submit to last completion | " + result.get("elapsedMs") + " ms | — |");
      line("");
    }
  }

  // ---- B3 ----

  private void download() throws Exception {
    Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm/dreamina-bench") : Path.of(System.getProperty("java.io.tmpdir"), "dreamina-bench");
    try (LoopbackServer server = new LoopbackServer(scale.downloadBytes())) {
      Map<String, String> result =
          child(List.of("-Xmx128m"), "download", server.baseUrl(), dir.toString(),
              String.valueOf(scale.downloadRounds()));
      double sdk = median(nanos(result.get("sdkNanos")));
      double bare = median(nanos(result.get("bareNanos")));
      double mib = scale.downloadBytes() / 1048576.0;
      double sdkRate = mib / (sdk / 1e9);
      double bareRate = mib / (bare / 1e9);
      figures.put("b3.ratio", String.format(Locale.ROOT, "%.3f", sdkRate / bareRate));
      line("## B3: download of " + (scale.downloadBytes() >> 20) + " MiB from loopback");
      line("");
      line("Median of " + scale.downloadRounds() + " rounds each, alternating, after one warm-up of each; "
          + "files on " + dir.getParent() + " so the disk does not dominate; client in a fresh JVM with `-Xmx128m`.");
      line("");
      line("| figure | SDK `download` | bare OkHttp `source()` → file | SDK / bare | goal |");
      line("|---|---|---|---|---|");
      line(String.format(Locale.ROOT, "| throughput | %.0f MiB/s | %.0f MiB/s | **%.2f** | ≥ 0.9 |", sdkRate, bareRate, sdkRate / bareRate));
      line("| heap growth during a download, at most | " + result.get("sdkHeapGrowthMiB") + " MiB | "
          + result.get("bareHeapGrowthMiB") + " MiB | — | ≤ 32 MB |");
      line("");
    }
  }

  private static List<Double> nanos(String csv) {
    List<Double> values = new ArrayList<>();
    for (String v : csv.split(",")) {
      if (!v.isEmpty()) {
        values.add(Double.parseDouble(v));
      }
    }
    return values;
  }

  // ---- B4 ----

  private void coldStart() throws Exception {
    try (LoopbackServer server = new LoopbackServer(0)) {
      List<Double> sdk = new ArrayList<>();
      List<Double> bare = new ArrayList<>();
      for (int i = 0; i < scale.coldStarts(); i++) {
        for (String role : i % 2 == 0 ? List.of("cold-sdk", "cold-bare") : List.of("cold-bare", "cold-sdk")) {
          long start = System.nanoTime();
          child(List.of(), role, server.baseUrl());
          (role.equals("cold-sdk") ? sdk : bare).add((System.nanoTime() - start) / 1e6);
        }
      }
      double s = median(sdk);
      double b = median(bare);
      figures.put("b4.ratio", String.format(Locale.ROOT, "%.3f", s / b));
      line("## B4: a fresh JVM that builds a client and a validated request, then submits once");
      line("");
      line("Median wall time of " + scale.coldStarts() + " process runs each, alternating, from start to exit.");
      line("");
      line("| figure | SDK | bare OkHttp + Jackson | SDK / bare | goal |");
      line("|---|---|---|---|---|");
      line(String.format(Locale.ROOT, "| process wall time | %.0f ms | %.0f ms | **%.2f** | ≤ 1.5 |", s, b, s / b));
      line("");
    }
  }

  // ---- B5 ----

  private void footprint() throws IOException {
    line("## B5: footprint");
    line("");
    String jar = System.getProperty("bench.jar");
    String lib = System.getProperty("bench.runtimeLib");
    if (jar == null || lib == null || !Files.exists(Path.of(jar)) || !Files.isDirectory(Path.of(lib))) {
      line("Not measured in this run (needs the packaged jar: run with `-Pbench`).");
      return;
    }
    line("| artifact | size |");
    line("|---|---|");
    line(String.format(Locale.ROOT, "| main jar `%s` | %,d bytes |", Path.of(jar).getFileName(), Files.size(Path.of(jar))));
    long total = 0;
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(lib))) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        total += Files.size(p);
        rows.add(String.format(Locale.ROOT, "| ↳ %s | %,d bytes |", p.getFileName(), Files.size(p)));
      }
    }
    line(String.format(Locale.ROOT, "| runtime dependencies, total (%d jars) | %,d bytes |", rows.size(), total));
    rows.forEach(this::line);
    line("");
  }

  // ---- helpers ----

  private Map<String, String> child(List<String> jvmArgs, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String resultLine = null;
    StringBuilder output = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = out.readLine()) != null; ) {
        output.append(l).append('\n');
        if (l.startsWith("RESULT ")) {
          resultLine = l;
        }
      }
    }
    int code = process.waitFor();
    if (code != 0 || resultLine == null) {
      throw new IllegalStateException("benchmark child " + args[0] + " failed (exit " + code + "):\n" + output);
    }
    Map<String, String> result = new HashMap<>();
    for (String pair : resultLine.substring(7).split(" ")) {
      String[] kv = pair.split("=", 2);
      result.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return result;
  }

  // ---- B6 ----

  /**
   * Submits through the same client settings with no journal, the file journal and the PostgreSQL
   * journal (a durable server started here, each commit flushed, through a pool of connections),
   * in rotating order each round, each round on a fresh journal.
   */
  private void journals() throws Exception {
    int submits = Math.min(scale.callsPerRound(), 200);
    Path dir = Files.createTempDirectory("dreamina-b6-");
    try (LoopbackServer server = new LoopbackServer(0);
        TestPostgres postgres = TestPostgres.startNew(true)) {
      DataSource database = TestPostgres.pooled(postgres.newDatabase());
      JdbcSubmissionJournal.of(database).createTableIfMissing();
      List<String> kinds = List.of("none", "file", "postgres");
      Map<String, List<Double>> rounds = new HashMap<>();
      for (int round = -1; round < scale.rounds(); round++) { // round -1 warms up
        for (int k = 0; k < kinds.size(); k++) {
          String kind = kinds.get(Math.floorMod(round + k, kinds.size()));
          SubmissionJournal journal =
              switch (kind) {
                case "file" -> FileSubmissionJournal.open(dir.resolve("journal-" + round + ".json"));
                case "postgres" -> {
                  try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                    s.execute("TRUNCATE " + JdbcSubmissionJournal.DEFAULT_TABLE);
                  }
                  yield JdbcSubmissionJournal.of(database);
                }
                default -> null;
              };
          DreaminaClientBuilder builder = DreaminaClient.builder().apiToken("bench-token").baseUrl(server.baseUrl());
          try (DreaminaClient client = (journal == null ? builder : builder.journal(journal)).build()) {
            ImageToVideoRequest.Builder request =
                ImageToVideoRequest.builder().imageUrl("https://example.com/street.jpg").frames(241).seed(42);
            long start = System.nanoTime();
            for (int i = 0; i < submits; i++) {
              client.submit(request.prompt("A slow tracking shot " + i).build());
            }
            if (round >= 0) {
              rounds.computeIfAbsent(kind, x -> new ArrayList<>()).add((System.nanoTime() - start) / 1000.0 / submits);
            }
          }
        }
      }
      double none = median(rounds.get("none"));
      double file = median(rounds.get("file"));
      double pg = median(rounds.get("postgres"));
      figures.put("b6.file.ratio", String.format(Locale.ROOT, "%.3f", file / none));
      figures.put("b6.postgres.ratio", String.format(Locale.ROOT, "%.3f", pg / none));
      line("## B6: submit with a journal (loopback, fixed answers)");
      line("");
      line("Median of " + scale.rounds() + " rounds of " + submits + " submits each, after a warm-up round;"
          + " the three kinds rotate their order each round, each on a fresh journal. A journaled submit"
          + " makes two durable writes: the intent with its lease, then the request id.");
      line("");
      line("| journal | µs/submit | / no journal |");
      line("|---|---|---|");
      line(String.format(Locale.ROOT, "| none | %.1f | 1.00 |", none));
      line(String.format(Locale.ROOT, "| file (fsync each write) | %.1f | **%.2f** |", file, file / none));
      line(String.format(Locale.ROOT, "| PostgreSQL 17, loopback, fsync on, pooled | %.1f | **%.2f** |", pg, pg / none));
      line("");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  // ---- B7 ----

  /**
   * Jobs through the batch runner, each downloaded, in a fresh JVM with {@code -Xmx256m}; the
   * sandbox here gives every job the same time, so the ideal wall time is exactly job time × jobs
   * / concurrency.
   */
  private void batch() throws Exception {
    int jobs = scale.name().equals("full") ? 1000 : 40;
    int concurrency = scale.name().equals("full") ? 32 : 8;
    Duration job = scale.name().equals("full") ? Duration.ofSeconds(2) : Duration.ofMillis(200);
    Duration poll = Duration.ofMillis(100);
    Path dir = Files.createTempDirectory("dreamina-b7-");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(job).start()) {
      Map<String, String> result =
          child(List.of("-Xmx256m"), "batch", sandbox.baseUrl().toString(), sandbox.apiToken(), String.valueOf(jobs),
              String.valueOf(concurrency), String.valueOf(poll.toMillis()), dir.toString());
      double ideal = (double) job.toMillis() * jobs / concurrency;
      double wall = Double.parseDouble(result.get("elapsedMs"));
      figures.put("b7.completed", result.get("completed"));
      figures.put("b7.ratio", String.format(Locale.ROOT, "%.3f", wall / ideal));
      line("## B7: " + jobs + " sandbox jobs through the batch runner at concurrency " + concurrency);
      line("");
      line("Each job takes exactly " + job.toMillis() + " ms and is downloaded; polls every " + poll.toMillis()
          + " ms; the client in a fresh JVM with `-Xmx256m`, the sandbox in this one. Ideal = job time × jobs / concurrency.");
      line("");
      line("| figure | value |");
      line("|---|---|");
      line("| completed | " + result.get("completed") + " of " + jobs + " (sandbox submits: " + sandbox.submitCount() + ") |");
      line(String.format(Locale.ROOT, "| wall time / ideal | **%.2f** (%.0f ms / %.0f ms) |", wall / ideal, wall, ideal));
      line("| SDK threads at peak | " + result.get("peakThreads") + " (" + result.get("peakNames").replace(";", ", ").replace("_", " ") + ") |");
      line("| heap used at peak | " + result.get("peakHeapMiB") + " MiB (cap " + result.get("maxHeapMiB") + " MiB) |");
      line("");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  // ---- B8 ----

  /**
   * A journaled generate-and-download per job on a durable PostgreSQL whose table holds 0, 100,000
   * or 1,000,000 finished rows of other jobs (three databases, filled by SQL), in rotating order
   * each round; then {@code pending()} and one recovery pass over 100 unfinished jobs, on the
   * empty table and on the largest.
   */
  private void history() throws Exception {
    boolean full = scale.name().equals("full");
    int[] sizes = full ? new int[] {0, 100_000, 1_000_000} : new int[] {0, 1_000, 10_000};
    int jobsPerRound = full ? 20 : 5;
    int unfinished = full ? 100 : 10;
    Path dir = Files.createTempDirectory("dreamina-b8-");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start();
        TestPostgres postgres = TestPostgres.startNew(true)) {
      String account = dev.dreamina.internal.flow.JournalRecorder.account(sandbox.apiToken());
      List<DataSource> databases = filledDatabases(postgres, sizes, account);
      ImageToVideoRequest.Builder request = ImageToVideoRequest.builder().imageUrl("https://example.com/street.jpg").frames(241).seed(42);
      Map<Integer, List<Double>> perJob = new HashMap<>();
      for (int round = -1; round < scale.rounds(); round++) { // round -1 warms up
        for (int k = 0; k < sizes.length; k++) {
          int which = Math.floorMod(round + k, sizes.length);
          try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(databases.get(which))).build()) {
            long start = System.nanoTime();
            for (int i = 0; i < jobsPerRound; i++) {
              client.generateAndDownload(request.prompt("B8 round " + round + " job " + i).build(), dir.resolve("v.mp4"));
            }
            if (round >= 0) {
              perJob.computeIfAbsent(which, x -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6 / jobsPerRound);
            }
          }
        }
      }
      // pending() and a recovery pass, each over `unfinished` submitted jobs, on the smallest and largest tables.
      int last = sizes.length - 1;
      Map<Integer, Double> pendingMs = new HashMap<>();
      Map<Integer, Double> recoveryMs = new HashMap<>();
      for (int which : new int[] {0, last}) {
        List<Double> pendings = new ArrayList<>();
        try (DreaminaClient client = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(databases.get(which))).build()) {
          addUnfinished(databases.get(which), sandbox, account, unfinished, dir);
          for (int i = 0; i < 11; i++) {
            long start = System.nanoTime();
            client.pending();
            pendings.add((System.nanoTime() - start) / 1e6);
          }
          long start = System.nanoTime();
          var report = client.recover();
          recoveryMs.put(which, (System.nanoTime() - start) / 1e6);
          if (report.items(dev.dreamina.journal.RecoveryReport.Outcome.FINISHED).size() != unfinished) {
            throw new IllegalStateException("B8: the recovery pass did not finish every job: " + report);
          }
        }
        pendingMs.put(which, median(pendings));
      }
      double base = median(perJob.get(0));
      line("## B8: a journaled job's cost against the journal's history (PostgreSQL, fsync on)");
      line("");
      line("A journaled `generateAndDownload` against the sandbox (no queue or run time), on a durable PostgreSQL 17 whose"
          + " table holds finished rows of other jobs (half this account's, half another's). Median of " + scale.rounds()
          + " rounds of " + jobsPerRound + " jobs per table, the tables in rotating order, after a warm-up round.");
      line("");
      line("| finished rows | ms/job | / empty table |");
      line("|---|---|---|");
      for (int k = 0; k < sizes.length; k++) {
        double ms = median(perJob.get(k));
        figures.put("b8.ratio." + sizes[k], String.format(Locale.ROOT, "%.3f", ms / base));
        line(String.format(Locale.ROOT, "| %,d | %.2f | **%.2f** |", sizes[k], ms, ms / base));
      }
      line("");
      line("| " + unfinished + " unfinished jobs, and | finished rows: " + String.format(Locale.ROOT, "%,d", sizes[0])
          + " | " + String.format(Locale.ROOT, "%,d", sizes[last]) + " | ratio |");
      line("|---|---|---|---|");
      line(String.format(Locale.ROOT, "| `pending()` (median of 11), ms | %.2f | %.2f | **%.2f** |",
          pendingMs.get(0), pendingMs.get(last), pendingMs.get(last) / pendingMs.get(0)));
      line(String.format(Locale.ROOT, "| one `recover()` pass finishing them all (one run), ms | %.0f | %.0f | **%.2f** |",
          recoveryMs.get(0), recoveryMs.get(last), recoveryMs.get(last) / recoveryMs.get(0)));
      line("");
      figures.put("b8.pending.ratio", String.format(Locale.ROOT, "%.3f", pendingMs.get(last) / pendingMs.get(0)));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  // ---- B9 ----

  /**
   * A journaled submit with an idempotency key (a view per call, as an app makes one per order) and
   * a daily budget, against a journaled submit with neither, on a durable PostgreSQL, through one
   * database with an empty table and one with a million finished rows and a million windows of
   * other days; the four in rotating order each round.
   */
  private void keysAndBudgets() throws Exception {
    boolean full = scale.name().equals("full");
    int[] sizes = full ? new int[] {0, 1_000_000} : new int[] {0, 10_000};
    int submits = full ? 100 : 10;
    Budget daily = Budget.perDay(new BigDecimal("1000000000"));
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start();
        TestPostgres postgres = TestPostgres.startNew(true)) {
      String account = dev.dreamina.internal.flow.JournalRecorder.account(sandbox.apiToken());
      List<DataSource> databases = filledDatabases(postgres, sizes, account);
      for (int k = 1; k < sizes.length; k++) { // and as many budget windows of other days
        try (Connection c = databases.get(k).getConnection(); Statement s = c.createStatement()) {
          s.executeUpdate(
              "INSERT INTO " + JdbcSubmissionJournal.DEFAULT_TABLE + "_spend (account, window_id, committed)"
                  + " SELECT '" + account + "', 'day:old-' || g || '@UTC', 7 FROM generate_series(1, " + sizes[k] + ") AS g");
          s.execute("ANALYZE " + JdbcSubmissionJournal.DEFAULT_TABLE + "_spend");
        }
      }
      String[] kinds = {"plain", "keyed"};
      Map<String, List<Double>> perSubmit = new HashMap<>();
      ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("B9").imageUrl("https://example.com/street.jpg").frames(241).seed(42).build();
      int cells = sizes.length * kinds.length;
      for (int round = -1; round < scale.rounds(); round++) { // round -1 warms up
        for (int k = 0; k < cells; k++) {
          int cell = Math.floorMod(round + k, cells);
          int which = cell / kinds.length;
          String kind = kinds[cell % kinds.length];
          DreaminaClientBuilder builder = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(databases.get(which)));
          if (kind.equals("keyed")) {
            builder.spendLimit(daily);
          }
          try (DreaminaClient client = builder.build()) {
            long start = System.nanoTime();
            for (int i = 0; i < submits; i++) {
              String key = "order-" + round + "-" + sizes[which] + "-" + i;
              (kind.equals("keyed") ? client.withOptions(o -> o.idempotencyKey(key)) : client).submit(request);
            }
            if (round >= 0) {
              perSubmit.computeIfAbsent(kind + sizes[which], x -> new ArrayList<>()).add((System.nanoTime() - start) / 1000.0 / submits);
            }
          }
        }
      }
      line("## B9: a journaled submit with an idempotency key and a budget (PostgreSQL, fsync on)");
      line("");
      line("Against the sandbox (no queue or run time). Median of " + scale.rounds() + " rounds of " + submits
          + " submits per cell, the four cells in rotating order, after a warm-up round. \"keyed\" is"
          + " `client.withOptions(o -> o.idempotencyKey(k)).submit(r)`, a new key each, with `spendLimit(Budget.perDay(...))`;"
          + " \"plain\" is `client.submit(r)` on the same journal.");
      line("");
      line("| rows in the journal | plain µs/submit | keyed and budgeted µs/submit | keyed / plain (goal ≤ 1.2) |");
      line("|---|---|---|---|");
      for (int size : sizes) {
        double plain = median(perSubmit.get("plain" + size));
        double keyed = median(perSubmit.get("keyed" + size));
        figures.put("b9.ratio." + size, String.format(Locale.ROOT, "%.3f", keyed / plain));
        line(String.format(Locale.ROOT, "| %,d | %.0f | %.0f | **%.2f** |", size, plain, keyed, keyed / plain));
      }
      double flat = median(perSubmit.get("keyed" + sizes[sizes.length - 1])) / median(perSubmit.get("keyed0"));
      figures.put("b9.flat", String.format(Locale.ROOT, "%.3f", flat));
      line("");
      line(String.format(Locale.ROOT, "Keyed and budgeted, %,d rows / none: **%.2f**.", sizes[sizes.length - 1], flat));
      line("");
    }
  }

  /** One database per size, its journal table made and holding that many finished rows. */
  private static List<DataSource> filledDatabases(TestPostgres postgres, int[] sizes, String account) throws Exception {
    List<DataSource> databases = new ArrayList<>();
    for (int size : sizes) {
      DataSource database = TestPostgres.pooled(postgres.newDatabase());
      JdbcSubmissionJournal.of(database).createTableIfMissing();
      fill(database, size, account);
      databases.add(database);
    }
    return databases;
  }

  /** {@code rows} finished entries, in one INSERT … SELECT, then ANALYZE, as a month of a busy service leaves them. */
  private static void fill(DataSource database, int rows, String account) throws Exception {
    if (rows == 0) {
      return;
    }
    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO " + JdbcSubmissionJournal.DEFAULT_TABLE
              + " (local_id, account, request_id, state, request, target, detail, created_at, updated_at)"
              + " SELECT 'old-' || g, CASE WHEN g % 2 = 0 THEN 'ffffffffffffffff' ELSE '" + account + "' END,"
              + " 'req-' || g, 'DOWNLOADED',"
              + " '{\"prompt\":\"an old job\",\"image_urls\":[\"https://example.com/a.png\"],\"frames\":121,\"seed\":1}',"
              + " '/videos/' || g || '.mp4', NULL, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z'"
              + " FROM generate_series(1, " + rows + ") AS g");
      s.execute("ANALYZE " + JdbcSubmissionJournal.DEFAULT_TABLE);
    }
  }

  /** {@code n} jobs submitted to the sandbox without a journal, then recorded as SUBMITTED: what a dead instance leaves. */
  private static void addUnfinished(DataSource database, RunComfySandbox sandbox, String account, int n, Path dir) throws Exception {
    try (DreaminaClient plain = SandboxClients.builderFor(sandbox).build()) {
      SubmissionJournal journal = JdbcSubmissionJournal.of(database);
      java.time.Instant at = java.time.Instant.now().minusSeconds(3600);
      for (int i = 0; i < n; i++) {
        ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("left " + i).imageUrl("https://example.com/l.png").build();
        String id = plain.submit(request).requestId();
        journal.record(new dev.dreamina.journal.JournalEntry(
            "left-" + i + "-" + id, account, java.util.Optional.of(id), dev.dreamina.journal.JournalEntry.State.SUBMITTED, request,
            java.util.Optional.of(dir.resolve("left-" + i + ".mp4")), java.util.Optional.empty(), at, at));
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private void line(String text) {
    report.add(text);
  }
}
