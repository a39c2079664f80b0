package dev.dreamina.examples;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.errors.DreaminaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Generates several videos at once with one shared client, then reports each outcome: the file,
 * or the failure and the request id to resume with.
 *
 * <p>Usage: {@code Batch [--sandbox] [output-dir]}. Against the sandbox, one job (whichever is
 * submitted first) is scripted to fail, to show what a failure looks like.
 */
public final class Batch {
  private static final List<String> PROMPTS =
      List.of(
          "Waves rolling onto a quiet beach at dawn",
          "A paper boat drifting down a rainy street",
          "Snow falling on a mountain cabin at night");

  private Batch() {}

  public static void main(String[] args) throws InterruptedException {
    boolean forceSandbox = args.length > 0 && args[0].equals("--sandbox");
    Path outputDir = Path.of(args.length > (forceSandbox ? 1 : 0) ? args[args.length - 1] : "batch-output");

    try (ExampleBackend backend = ExampleBackend.open(forceSandbox, System.getenv())) {
      if (backend.usingSandbox()) {
        System.out.println("Using the embedded sandbox; one job is scripted to fail.");
        backend.sandbox().failNextJob("(sandbox) scripted failure for the batch example");
      }
      DreaminaClient client = backend.client();
      ExecutorService pool = Executors.newFixedThreadPool(PROMPTS.size());
      List<Future<RequestResult>> futures = new ArrayList<>();
      for (int i = 0; i < PROMPTS.size(); i++) {
        ImageToVideoRequest request =
            ImageToVideoRequest.builder()
                .prompt(PROMPTS.get(i))
                .imageUrl("https://example.com/inputs/scene-" + i + ".jpg")
                .build();
        Path target = outputDir.resolve("video-" + i + ".mp4");
        futures.add(pool.submit(() -> client.generateAndDownload(request, target)));
      }
      int failures = 0;
      for (int i = 0; i < futures.size(); i++) {
        try {
          RequestResult done = futures.get(i).get();
          System.out.println("#" + i + " ok     " + done.requestId() + " -> " + outputDir.resolve("video-" + i + ".mp4"));
        } catch (ExecutionException e) {
          failures++;
          Throwable cause = e.getCause();
          String id =
              cause instanceof DreaminaException
                  ? ((DreaminaException) cause).requestId().orElse("(none: not submitted)")
                  : "(unknown)";
          System.out.println("#" + i + " FAILED request_id " + id + ": " + cause.getMessage());
        }
      }
      pool.shutdown();
      System.out.println(PROMPTS.size() - failures + " of " + PROMPTS.size() + " videos generated.");
    }
  }
}
