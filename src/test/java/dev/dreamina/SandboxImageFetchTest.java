package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What an app sees when the sandbox fetches images as RunComfy does and the link is wrong. */
class SandboxImageFetchTest {
  @Test
  void anImageThatCannotBeFetchedIsAFailedJobSayingWhy() {
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).fetchImages(true).start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).build()) {
      ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("p").imageUrl("https://127.0.0.1:1/gone.png").build();
      GenerationFailedException e = assertThrows(GenerationFailedException.class, () -> client.generate(request));
      assertEquals(Status.FAILED, e.status());
      assertTrue(e.error().orElseThrow().startsWith("Invalid input image: image_urls[0] could not be fetched"), e.getMessage());
      assertEquals(0, sandbox.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), "no video");
    }
  }
}
