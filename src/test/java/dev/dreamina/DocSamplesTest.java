package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of the README and of the guide ({@code docs/*.md}) is compiled code:
 * in {@link DocSamples}, word for word under a javadoc naming its page, or, when its first line is
 * a comment naming a file of this repository ({@code // examples/…/Foo.java}, {@code // s3/…}), in that file (code
 * that needs Spring, say, which the SDK's tests do not have). A {@code kotlin} block always names
 * its file, which the test command compiles.
 */
class DocSamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern FILE_COMMENT = Pattern.compile("// ((?:examples|spring-boot-starter|s3)/\\S+\\.(?:java|kt))\n");
  private static final Pattern KOTLIN_BLOCK = Pattern.compile("```kotlin\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SAMPLE = Pattern.compile("/\\*\\* (\\S+\\.md) block (\\d+)\\. \\*/\n\\s*static void sample\\w*\\(");

  @Test
  void everyJavaBlockOfTheReadmeAndTheGuideIsCompiledWordForWord() throws Exception {
    String samples = Files.readString(Path.of("src/test/java/dev/dreamina/DocSamples.java"));
    List<String> expected = new ArrayList<>();
    for (Path page : pages()) {
      String name = page.toString().replace('\\', '/');
      String text = Files.readString(page);
      Matcher m = JAVA_BLOCK.matcher(text);
      for (int index = 0; m.find(); index++) {
        String block = m.group(1);
        Matcher file = FILE_COMMENT.matcher(block);
        if (file.lookingAt()) {
          assertInNamedFile(name, block, file);
          continue;
        }
        String label = name + " block " + index;
        expected.add(label);
        String method = sampleMethod(samples, label);
        assertTrue(
            normalize(method).contains(normalize(block)),
            () -> label + " differs from its sample in DocSamples.java (copy it there):\n" + block);
      }
      Matcher kotlin = KOTLIN_BLOCK.matcher(text);
      while (kotlin.find()) {
        String block = kotlin.group(1);
        Matcher file = FILE_COMMENT.matcher(block);
        assertTrue(file.lookingAt(), () -> name + ": a kotlin block must name its file in its first line:\n" + block);
        assertInNamedFile(name, block, file);
      }
    }
    assertTrue(expected.size() >= 10, "the java blocks were not found: " + expected);
    List<String> labels = new ArrayList<>();
    Matcher m = SAMPLE.matcher(samples);
    while (m.find()) {
      labels.add(m.group(1) + " block " + m.group(2));
    }
    assertEquals(expected, labels, "one sample per block, in the pages' order");
  }

  /** A block whose first line names a file of this repository: the rest of it is in that file. */
  private static void assertInNamedFile(String page, String block, Matcher file) throws IOException {
    String code = block.substring(file.end());
    assertTrue(
        normalize(Files.readString(Path.of(file.group(1)))).contains(normalize(code)),
        () -> page + ": a block not in " + file.group(1) + ":\n" + code);
  }

  /** README.md, then the guide's pages by name. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The body of the sample whose javadoc names the label, up to the next sample. */
  private static String sampleMethod(String samples, String label) {
    int start = samples.indexOf("/** " + label + ". */");
    assertTrue(start >= 0, () -> "DocSamples.java has no sample for " + label);
    int end = samples.indexOf("/** ", start + 4);
    return samples.substring(start, end < 0 ? samples.length() : end);
  }

  /** Lines without their indentation, blank lines dropped. */
  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }
}
