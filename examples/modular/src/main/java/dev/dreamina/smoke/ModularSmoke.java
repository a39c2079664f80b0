package dev.dreamina.smoke;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The SDK on the module path: validation (Hibernate Validator reading the SDK's internal package),
 * a client, and, unless {@code --without-sandbox}, a sandbox job generated and its video
 * downloaded. Without the sandbox (its module left out) it checks that neither it nor {@code
 * jdk.httpserver} is even there: the SDK's module needs no HTTP server. Exits non-zero on any
 * failure.
 *
 * <p>Usage: {@code ModularSmoke <target.mp4>} or {@code ModularSmoke --without-sandbox}
 */
public final class ModularSmoke {
  private ModularSmoke() {}

  public static void main(String[] args) throws Exception {
    check(DreaminaClient.class.getModule().isNamed(), "the SDK is not on the module path");
    check(ModularSmoke.class.getModule().getName().equals("dev.dreamina.smoke"), "not run as a module");
    ImageToVideoRequest request =
        ImageToVideoRequest.builder()
            .prompt("A slow tracking shot down a sunlit street")
            .imageUrl("https://example.com/street.jpg")
            .frames(241)
            .build();
    try {
      ImageToVideoRequest.builder().prompt(" ").imageUrl("http://x/a.gif").frames(120).build();
      throw new AssertionError("an invalid request was accepted");
    } catch (InvalidRequestException expected) {
      check(expected.violations().size() == 4, "violations: " + expected.violations());
    }

    if (args.length > 0 && args[0].equals("--without-sandbox")) {
      check(ModuleLayer.boot().findModule("jdk.httpserver").isEmpty(), "jdk.httpserver was loaded");
      check(ModuleLayer.boot().findModule("dev.dreamina.sandbox").isEmpty(), "the sandbox was loaded");
      try (DreaminaClient client = DreaminaClient.builder().apiToken("modular-smoke").build()) {
        check(client.async().sync() == client, "the async view");
      }
      System.out.println("Module path without the sandbox or jdk.httpserver: requests validate, clients build.");
      return;
    }
    Path target = Path.of(args[0]);
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(100)).runTime(Duration.ofMillis(100)).start();
        DreaminaClient client =
            DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
      check(RunComfySandbox.class.getModule().getName().equals("dev.dreamina.sandbox"), "the sandbox is not a module");
      RequestResult done = client.generate(request);
      client.download(done, target);
      check(Files.size(target) > 10_000, "the video is too small: " + Files.size(target));
    }
    System.out.println("Module path: generated and downloaded " + target + " (" + Files.size(target) + " bytes).");
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new AssertionError(problem);
    }
  }
}
