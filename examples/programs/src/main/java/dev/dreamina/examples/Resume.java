package dev.dreamina.examples;

import dev.dreamina.DreaminaClient;
import dev.dreamina.RequestResult;
import dev.dreamina.errors.DreaminaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Awaits a job submitted earlier (by another run, a crashed app, the CLI) and downloads its video.
 * Nothing is submitted, so nothing is paid again.
 *
 * <p>Usage: {@code Resume <request_id> [output.mp4]}; needs {@code RUNCOMFY_API_TOKEN}.
 */
public final class Resume {
  private Resume() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("Usage: Resume <request_id> [output.mp4]");
      System.exit(2);
    }
    String requestId = args[0];
    Path output = Path.of(args.length > 1 ? args[1] : requestId + ".mp4");
    try (DreaminaClient client = DreaminaClient.fromEnv()) {
      RequestResult done =
          client.awaitResult(
              requestId,
              client.awaitOptions().toBuilder()
                  .onUpdate(status -> System.out.println("Status: " + status.describe()))
                  .build());
      Path file = client.download(done.videoUrl().orElseThrow(), output);
      System.out.println("Saved " + file.toAbsolutePath() + " (" + Files.size(file) + " bytes)");
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (DreaminaException e) {
      System.err.println("Failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
