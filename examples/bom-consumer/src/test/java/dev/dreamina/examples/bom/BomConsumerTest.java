package dev.dreamina.examples.bom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.spring.DreaminaAutoConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A project that imports the BOM and names the SDK and the starter without versions: it resolves
 * (the build fails when the BOM lacks either), compiles against both, and the SDK works.
 */
class BomConsumerTest {
  @Test
  void theSdkAndTheStarterResolveThroughTheBomAndWork() {
    assertTrue(DreaminaAutoConfiguration.class.isAnnotationPresent(org.springframework.boot.autoconfigure.AutoConfiguration.class));
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = sandbox.clientBuilder().build()) {
      String id = client.submit(ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build()).requestId();
      assertTrue(id.length() > 8, id);
    }
  }
}
