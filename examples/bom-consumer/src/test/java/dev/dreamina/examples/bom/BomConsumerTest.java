package dev.dreamina.examples.bom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.s3.S3ImageHost;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.spring.DreaminaAutoConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A project that imports the BOM and names the SDK, the sandbox, the S3 image host and the starter
 * without versions: it resolves (the build fails when the BOM lacks one), compiles against all
 * four, and the SDK works against the sandbox.
 */
class BomConsumerTest {
  @Test
  void theSdkTheSandboxTheS3HostAndTheStarterResolveThroughTheBomAndWork() {
    assertTrue(S3ImageHost.builder().location("s3://bucket/prefix").region("eu-west-1").build().location().equals("s3://bucket/prefix/"));
    assertTrue(DreaminaAutoConfiguration.class.isAnnotationPresent(org.springframework.boot.autoconfigure.AutoConfiguration.class));
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
      String id = client.submit(ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build()).requestId();
      assertTrue(id.length() > 8, id);
    }
  }
}
