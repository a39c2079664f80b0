package dev.dreamina.compat;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The SDK with OkHttp 4.12's classes loaded: validation, a client, price, an async generate, a
 * download, and a blocking generate-and-download against the sandbox. Exits non-zero on any
 * failure. Usage: {@code OkHttp4Compat <target.mp4>}
 */
public final class OkHttp4Compat {
  private OkHttp4Compat() {}

  public static void main(String[] args) throws Exception {
    String okhttp = String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
    check(okhttp.startsWith("4.12."), "expected OkHttp 4.12.x on the class path, found " + okhttp);
    try {
      ImageToVideoRequest.builder().prompt(" ").imageUrl("http://x/a.gif").build();
      throw new AssertionError("an invalid request was accepted");
    } catch (InvalidRequestException expected) {
      check(expected.violations().size() == 3, "violations: " + expected.violations());
    }
    ImageToVideoRequest request =
        ImageToVideoRequest.builder()
            .prompt("A slow tracking shot down a sunlit street")
            .imageUrl("https://example.com/street.jpg")
            .frames(241)
            .build();
    Path target = Path.of(args[0]);
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofMillis(100)).start();
        DreaminaClient client = DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
      check(client.price().estimate(request).isPresent(), "no price estimate");
      RequestResult done = client.async().generate(request).get(60, TimeUnit.SECONDS);
      check(done.status() == Status.COMPLETED, "status " + done.status());
      client.async().download(done, target, null).get(60, TimeUnit.SECONDS);
      check(Files.size(target) > 10_000, "the video is too small: " + Files.size(target));
      Path second = target.resolveSibling("okhttp4-compat-blocking.mp4");
      client.generateAndDownload(request, second);
      check(Files.size(second) == Files.size(target), "the blocking download differs");
    }
    System.out.println("OkHttp " + okhttp + ": validated, priced, generated (async and blocking), downloaded " + target);
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new AssertionError(problem);
    }
  }
}
