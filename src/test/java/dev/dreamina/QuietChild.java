package dev.dreamina;

import dev.dreamina.sandbox.RunComfySandbox;

/**
 * A first request, a first client and a first submit in a JVM of their own, for {@link
 * QuietTest}: nothing may appear on stdout or stderr.
 */
public final class QuietChild {
  private QuietChild() {}

  public static void main(String[] args) {
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = sandbox.clientBuilder().build()) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder()
              .prompt("A slow tracking shot down a sunlit street")
              .imageUrl("https://example.com/street.jpg")
              .build();
      client.submit(request);
    }
  }
}
