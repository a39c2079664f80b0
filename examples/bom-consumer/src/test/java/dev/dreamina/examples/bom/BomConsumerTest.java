package dev.dreamina.examples.bom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.spring.DreaminaAutoConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A project that imports the BOM and names the SDK, the sandbox and the starter without versions:
 * it resolves (the build fails when the BOM lacks one), compiles against all three, and the SDK
 * works against the sandbox.
 */
class BomConsumerTest {
  @Test
  void theSdkTheSandboxAndTheStarterResolveThroughTheBomAndWork() {
    assertTrue(DreaminaAutoConfiguration.class.isAnnotationPresent(org.springframework.boot.autoconfigure.AutoConfiguration.class));
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
      String id = client.submit(ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build()).requestId();
      assertTrue(id.length() > 8, id);
    }
  }
}
