package dev.dreamina.examples;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Submission;
import dev.dreamina.errors.DreaminaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Submits one image-to-video job, prints each status change (queue position included), downloads
 * the MP4 and prints its path and size.
 *
 * <p>With {@code RUNCOMFY_API_TOKEN} (or {@code RUNCOMFY_TOKEN}) set it uses RunComfy and spends
 * credits; otherwise, or with {@code --sandbox}, it runs against the embedded sandbox.
 *
 * <p>Usage: {@code Quickstart [--sandbox] [output.mp4]}
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) throws IOException {
    boolean forceSandbox = args.length > 0 && args[0].equals("--sandbox");
    Path output = Path.of(args.length > (forceSandbox ? 1 : 0) ? args[args.length - 1] : "quickstart.mp4");

    try (ExampleBackend backend = ExampleBackend.open(forceSandbox, System.getenv())) {
      System.out.println(
          backend.usingSandbox()
              ? "No RUNCOMFY_API_TOKEN set (or --sandbox given): using the embedded sandbox at "
                  + backend.sandbox().baseUrl() + ". No credits are spent."
              : "Using RunComfy with your token. This job is paid.");
      DreaminaClient client = backend.client();

      ImageToVideoRequest request =
          ImageToVideoRequest.builder()
              .prompt("A slow tracking shot down a sunlit street, golden hour, cinematic")
              .imageUrl(
                  "https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg")
              .frames(ImageToVideoRequest.FRAMES_5_SECONDS)
              .seed(42)
              .build();

      Submission submission = client.submit(request);
      System.out.println("Submitted: request_id " + submission.requestId());

      RequestResult done =
          client.awaitResult(
              submission.requestId(),
              client.awaitOptions().toBuilder()
                  .onUpdate(status -> System.out.println("Status: " + status.describe()))
                  .build());
      System.out.println("Video URL: " + done.videoUrl().orElseThrow());

      Path file = client.download(done.videoUrl().orElseThrow(), output);
      System.out.println("Saved " + file.toAbsolutePath() + " (" + Files.size(file) + " bytes)");
    } catch (DreaminaException e) {
      System.err.println("Failed: " + e.getMessage());
      e.requestId().ifPresent(id -> System.err.println("Resume with request_id " + id));
      System.exit(1);
    }
  }
}
