package dev.dreamina.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

  /**
   * Every {@code dreamina.*} property the guide and the SDK's javadoc name is one the starter
   * reads: a name that drifted from the code (say {@code dreamina.journal.retention} for {@code
   * dreamina.journal.recovery.retention}) would be silently ignored by Spring in an app.
   */
  /** Names in the guide that are not properties: the meters, and the sandbox's system property. */
  private static final List<String> NOT_PROPERTIES =
      List.of(
          "dreamina.jobs.", "dreamina.calls.", "dreamina.downloads.", "dreamina.budget.committed", "dreamina.budget.remaining",
          "dreamina.sandbox.answerVariety"); // meters, and a system property

  @Test
  void everyPropertyTheGuideNamesExists() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> known = new TreeSet<>();
    Matcher name = Pattern.compile("\"name\": \"(dreamina\\.[a-z0-9.-]+)\"").matcher(json);
    while (name.find()) {
      known.add(name.group(1));
    }
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath(); // the starter's folder, or boot4-tests in it
    while (!Files.isDirectory(root.resolve("docs")) || !Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
    }
    files.add(root.resolve("README.md"));
    files.add(root.resolve("src/main/java/dev/dreamina/DreaminaClient.java"));
    // dreamina.x.y or dreamina.x.y=..., in backticks or {@code}; a shorthand `.timeout` after a full name is not one
    Pattern named = Pattern.compile("(?:`|\\{@code )(dreamina\\.[a-zA-Z][a-zA-Z0-9-]*(?:\\.[a-zA-Z][a-zA-Z0-9-]*)+)");
    List<String> unknown = new ArrayList<>();
    for (Path file : files) {
      Matcher m = named.matcher(Files.readString(file));
      while (m.find()) {
        String property = m.group(1);
        boolean prefix = known.stream().anyMatch(k -> k.startsWith(property + "."));
        if (!known.contains(property) && !prefix && NOT_PROPERTIES.stream().noneMatch(property::startsWith)) {
          unknown.add(root.relativize(file) + ": " + property);
        }
      }
    }
    assertTrue(known.size() > 20, "the metadata's names: " + known);
    assertEquals(List.of(), unknown, "properties named in the guide that the starter does not read");
  }
}
