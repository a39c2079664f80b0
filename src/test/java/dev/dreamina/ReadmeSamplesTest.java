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

/**
 * Every {@code java} block of the README is compiled code: in {@link ReadmeSamples}, or, when its
 * first line is a comment naming a file of this repository ({@code // examples/…/Foo.java}), in
 * that file (code that needs Spring, say, which the SDK's tests do not have).
 */
class ReadmeSamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern FILE_COMMENT = Pattern.compile("// ((?:examples|spring-boot-starter)/\\S+\\.java)\n");

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
    int inSamples = 0;
    for (String block : blocks) {
      Matcher file = FILE_COMMENT.matcher(block);
      if (file.lookingAt()) {
        String source = normalize(Files.readString(Path.of(file.group(1))));
        String code = block.substring(file.end());
        assertTrue(source.contains(normalize(code)), () -> "README block not in " + file.group(1) + ":\n" + code);
        continue;
      }
      inSamples++;
      assertTrue(
          samples.contains(normalize(block)),
          () -> "README block not in ReadmeSamples.java (regenerate or copy it there):\n" + block);
    }
    assertEquals(inSamples, countSamples(samples), "one method per README block");
  }

  /** Lines without their indentation, blank lines dropped. */
  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  private static long countSamples(String samples) {
    return samples.lines().filter(l -> l.startsWith("static void sample")).count();
  }
}
