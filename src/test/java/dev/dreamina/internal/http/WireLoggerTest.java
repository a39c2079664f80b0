package dev.dreamina.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WireLoggerTest {
  /** docs/configuration.md says exactly which headers' values the debug wire log shows: this list. */
  @Test
  void theGuideListsExactlyTheHeadersWhoseValuesAreShown() throws Exception {
    String page = Files.readString(Path.of("docs/configuration.md"));
    int start = page.indexOf("- **Header values by allow-list.**");
    int end = page.indexOf("Every other header", start);
    assertTrue(start >= 0 && end > start, "the allow-list paragraph of docs/configuration.md");
    Set<String> listed = new TreeSet<>();
    Matcher name = Pattern.compile("`([A-Za-z0-9-]+)`").matcher(page.substring(start, end));
    while (name.find()) {
      listed.add(name.group(1).toLowerCase(Locale.ROOT));
    }
    assertEquals(new TreeSet<>(WireLogger.SHOWN), listed);
  }
}
