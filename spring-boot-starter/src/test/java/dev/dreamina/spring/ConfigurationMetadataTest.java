package dev.dreamina.spring;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metadata IDEs complete {@code dreamina.*} from, generated from {@link DreaminaProperties}. */
class ConfigurationMetadataTest {
  @Test
  void everyPropertyIsDescribedForIdes() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertNotNull(in, "no configuration metadata in the jar");
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String name :
        new String[] {
          "dreamina.api-token", "dreamina.base-url", "dreamina.max-retries", "dreamina.await.poll-interval",
          "dreamina.await.timeout", "dreamina.max-download-bytes", "dreamina.preflight-images",
          "dreamina.journal.type", "dreamina.journal.path", "dreamina.journal.table",
          "dreamina.journal.recovery.enabled", "dreamina.journal.recovery.interval",
          "dreamina.sandbox.enabled", "dreamina.endpoint.show-prompts"
        }) {
      assertTrue(json.contains("\"name\": \"" + name + "\""), name + " missing from the metadata");
    }
    assertTrue(json.contains("RUNCOMFY_API_TOKEN"), "descriptions come from the javadoc");
  }
}
