package dev.dreamina;

import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.journal.FileSubmissionJournal;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One process of {@link FileJournalProcessesTest}: a client on the shared file journal, eight
 * threads, started together with the other processes once the go file appears. {@code key}: the
 * threads make {@code calls} submits of one idempotency key between them, printing each request
 * id. {@code budget}: they submit until a 10 USD daily budget refuses them, printing each id.
 */
final class FileJournalRacer {
  private FileJournalRacer() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path journal = Path.of(args[1]);
    int calls = Integer.parseInt(args[4]);
    Path go = Path.of(args[5]);
    DreaminaClientBuilder builder =
        DreaminaClient.builder().baseUrl(URI.create(args[2])).apiToken(args[3]).journal(FileSubmissionJournal.open(journal));
    if (mode.equals("budget")) {
      builder.spendLimit(Budget.perDay(new BigDecimal("10.00")));
    }
    ImageToVideoRequest request =
        ImageToVideoRequest.builder().prompt("a lighthouse").imageUrl("https://example.com/l.png").frames(121).seed(7).build();
    try (DreaminaClient client = builder.build()) {
      DreaminaClient caller = mode.equals("key") ? client.withOptions(o -> o.idempotencyKey("order-across-processes")) : client;
      Files.createFile(Path.of(go + ".ready." + ProcessHandle.current().pid()));
      while (!Files.exists(go)) {
        Thread.onSpinWait(); // every process starts at once
      }
      AtomicInteger left = new AtomicInteger(calls);
      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(threads.submit(() -> {
          List<String> ids = new ArrayList<>();
          while (mode.equals("budget") || left.getAndDecrement() > 0) {
            try {
              ids.add(caller.submit(request).requestId());
            } catch (SpendLimitException full) {
              break;
            }
          }
          return ids;
        }));
      }
      try {
        for (Future<List<String>> result : results) {
          for (String id : result.get()) {
            System.out.println("id " + id);
          }
        }
      } finally {
        threads.shutdownNow(); // a failure ends the process, rather than leaving its threads running
      }
    }
  }
}
