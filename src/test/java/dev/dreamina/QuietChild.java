package dev.dreamina;

import dev.dreamina.sandbox.RunComfySandbox;

/**
 * A first request, a first client and a first submit in a JVM of their own, then a first request
 * that breaks a rule (which starts Hibernate Validator), for {@link QuietTest}: nothing may appear
 * on stdout or stderr.
 */
public final class QuietChild {
  private QuietChild() {}

  public static void main(String[] args) {
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).build()) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder()
              .prompt("A slow tracking shot down a sunlit street")
              .imageUrl("https://example.com/street.jpg")
              .build();
      client.submit(request);
      try {
        request.toBuilder().frames(5).build();
        throw new AssertionError("5 frames were accepted");
      } catch (dev.dreamina.errors.InvalidRequestException expected) {
        // named by Hibernate Validator, whose version line must not appear
      }
    }
  }
}
