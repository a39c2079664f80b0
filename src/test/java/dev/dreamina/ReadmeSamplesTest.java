package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@code java} block of the README is in {@link ReadmeSamples}, so it compiles. */
class ReadmeSamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyReadmeJavaBlockIsCompiledWordForWord() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String samples = normalize(Files.readString(Path.of("src/test/java/dev/dreamina/ReadmeSamples.java")));
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertTrue(blocks.size() >= 10, "the README's java blocks were not found: " + blocks.size());
    for (String block : blocks) {
      assertTrue(
          samples.contains(normalize(block)),
          () -> "README block not in ReadmeSamples.java (regenerate or copy it there):\n" + block);
    }
    assertEquals(blocks.size(), countSamples(samples), "one method per README block");
  }

  /** Lines without their indentation, blank lines dropped. */
  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  private static long countSamples(String samples) {
    return samples.lines().filter(l -> l.startsWith("static void sample")).count();
  }
}
