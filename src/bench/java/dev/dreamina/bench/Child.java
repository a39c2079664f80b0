package dev.dreamina.bench;

import dev.dreamina.AwaitOptions;
import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;

/**
 * What the benchmarks run in a fresh JVM of their own, so that threads, heap and start-up are
 * measured for one thing only. Prints one {@code RESULT key=value ...} line.
 */
public final class Child {
  private static final Runtime RUNTIME = Runtime.getRuntime();
  private static volatile String peakNames = "";

  private Child() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "cold-sdk":
        coldSdk(args[1]);
        break;
      case "cold-bare":
        System.out.println("RESULT id=" + new Bare(new OkHttpClient(), args[1]).submit("A slow tracking shot"));
        break;
      case "awaits":
        awaits(args[1], args[2], Integer.parseInt(args[3]), Duration.ofMillis(Long.parseLong(args[4])));
        break;
      case "download":
        download(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
        break;
      case "batch":
        batch(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Duration.ofMillis(Long.parseLong(args[5])), Path.of(args[6]));
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.exit(0);
  }

  /** B4: what an app does on its first call. */
  private static void coldSdk(String baseUrl) {
    try (DreaminaClient client = DreaminaClient.builder().apiToken("bench-token").baseUrl(baseUrl).build()) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder()
              .prompt("A slow tracking shot")
              .imageUrl("https://example.com/street.jpg")
              .frames(241)
              .seed(42)
              .build();
      System.out.println("RESULT id=" + client.submit(request).requestId());
    }
  }

  /** B2: many jobs awaited at once; samples SDK threads and heap while they wait. */
  private static void awaits(String baseUrl, String token, int jobs, Duration poll) throws Exception {
    AtomicLong peakThreads = new AtomicLong();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = sampler(peakThreads, peakHeap, 20);
    try (DreaminaClient client = DreaminaClient.builder().apiToken(token).baseUrl(baseUrl).build()) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder().prompt("bench").imageUrl("https://example.com/a.png").build();
      long start = System.nanoTime();
      List<CompletableFuture<String>> submits = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        submits.add(client.async().submit(request).thenApply(s -> s.requestId()));
      }
      AwaitOptions options =
          AwaitOptions.builder().pollInterval(poll).maxPollInterval(poll).timeout(Duration.ofMinutes(10)).build();
      List<CompletableFuture<RequestResult>> waits = new ArrayList<>();
      for (CompletableFuture<String> submit : submits) {
        waits.add(client.async().awaitResult(submit.get(5, TimeUnit.MINUTES), options));
      }
      long completed = 0;
      long failed = 0;
      for (CompletableFuture<RequestResult> wait : waits) {
        try {
          wait.get(10, TimeUnit.MINUTES);
          completed++;
        } catch (Exception e) {
          failed++;
        }
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      sampler.interrupt();
      System.out.printf(
          "RESULT completed=%d failed=%d peakThreads=%d peakHeapMiB=%d elapsedMs=%d maxHeapMiB=%d peakNames=%s%n",
          completed, failed, peakThreads.get(), peakHeap.get() >> 20, elapsed,
          Runtime.getRuntime().maxMemory() >> 20, peakNames);
    }
  }

  /** B7: a batch of jobs, each downloaded, through the batch runner; samples threads and heap. */
  private static void batch(String baseUrl, String token, int jobs, int concurrency, Duration poll, Path dir) throws Exception {
    AtomicLong peakThreads = new AtomicLong();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = sampler(peakThreads, peakHeap, 20);
    AwaitOptions options = AwaitOptions.builder().pollInterval(poll).maxPollInterval(poll).timeout(Duration.ofMinutes(10)).build();
    try (DreaminaClient client = DreaminaClient.builder().apiToken(token).baseUrl(baseUrl).awaitOptions(options).build()) {
      List<dev.dreamina.batch.BatchItem> items = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        items.add(dev.dreamina.batch.BatchItem.of("job-" + i,
            ImageToVideoRequest.builder().prompt("bench " + i).imageUrl("https://example.com/a.png").build(), dir.resolve(i + ".mp4")));
      }
      long start = System.nanoTime();
      dev.dreamina.batch.BatchReport report =
          client.async().batch(items, dev.dreamina.batch.BatchOptions.builder().concurrency(concurrency).build()).result().get(30, TimeUnit.MINUTES);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      sampler.interrupt();
      System.out.printf(
          "RESULT completed=%d elapsedMs=%d peakThreads=%d peakHeapMiB=%d maxHeapMiB=%d peakNames=%s%n",
          report.counts().getOrDefault(dev.dreamina.batch.BatchOutcome.Kind.COMPLETED, 0), elapsed, peakThreads.get(),
          peakHeap.get() >> 20, Runtime.getRuntime().maxMemory() >> 20, peakNames);
    }
  }

  /** B3: SDK and bare downloads of the same body, alternating; throughput and heap growth. */
  private static void download(String url, Path dir, int rounds) throws Exception {
    Files.createDirectories(dir);
    Bare bare = new Bare(new OkHttpClient(), "");
    StringBuilder sdkTimes = new StringBuilder();
    StringBuilder bareTimes = new StringBuilder();
    long sdkGrowth = 0;
    long bareGrowth = 0;
    try (DreaminaClient client = DreaminaClient.builder().apiToken("bench-token").baseUrl(url).build()) {
      for (int round = 0; round <= rounds; round++) { // round 0 warms up
        for (boolean sdk : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
          Path target = dir.resolve(sdk ? "sdk.mp4" : "bare.mp4");
          System.gc();
          long before = heapUsed();
          AtomicLong peak = new AtomicLong(before);
          Thread sampler = sampler(null, peak, 5);
          long start = System.nanoTime();
          if (sdk) {
            client.download(java.net.URI.create(url + "/big"), target);
          } else {
            bare.download(url + "/big", target);
          }
          long nanos = System.nanoTime() - start;
          sampler.interrupt();
          sampler.join();
          Files.delete(target);
          if (round == 0) {
            continue;
          }
          long growth = peak.get() - before;
          (sdk ? sdkTimes : bareTimes).append(nanos).append(',');
          if (sdk) {
            sdkGrowth = Math.max(sdkGrowth, growth);
          } else {
            bareGrowth = Math.max(bareGrowth, growth);
          }
        }
      }
    }
    System.out.printf(
        "RESULT sdkNanos=%s bareNanos=%s sdkHeapGrowthMiB=%.1f bareHeapGrowthMiB=%.1f%n",
        sdkTimes, bareTimes, sdkGrowth / 1048576.0, bareGrowth / 1048576.0);
  }

  private static long heapUsed() {
    return RUNTIME.totalMemory() - RUNTIME.freeMemory();
  }

  /**
   * Samples the heap in use (and, when {@code peakThreads} is given, the SDK's threads) every
   * {@code millis} until interrupted, keeping the peaks.
   */
  private static Thread sampler(AtomicLong peakThreads, AtomicLong peakHeap, long millis) {
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(heapUsed(), Math::max);
                if (peakThreads != null) {
                  List<String> names =
                      Thread.getAllStackTraces().keySet().stream()
                          .map(Thread::getName)
                          .filter(n -> n.startsWith("OkHttp") || n.startsWith("dreamina-"))
                          .sorted()
                          .collect(java.util.stream.Collectors.toList());
                  if (names.size() > peakThreads.get()) {
                    peakNames = String.join(";", names).replace(' ', '_');
                  }
                  peakThreads.accumulateAndGet(names.size(), Math::max);
                }
                try {
                  Thread.sleep(millis);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return sampler;
  }
}
