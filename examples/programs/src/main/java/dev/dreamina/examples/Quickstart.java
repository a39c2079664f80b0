package dev.dreamina.examples;

import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaException;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Submission;

/**
 * Submits one image-to-video job, prints each status change, and prints the video URL.
 *
 * <p>Needs {@code RUNCOMFY_API_TOKEN} (or {@code RUNCOMFY_TOKEN}); this spends credits.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) {
    try (DreaminaClient client = DreaminaClient.fromEnv()) {
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
      System.out.println("Video: " + done.videoUrl().orElseThrow());
    } catch (IllegalStateException noToken) {
      System.err.println(noToken.getMessage());
      System.exit(2);
    } catch (DreaminaException e) {
      System.err.println("Failed: " + e.getMessage());
      e.requestId().ifPresent(id -> System.err.println("Resume with request_id " + id));
      System.exit(1);
    }
  }
}
