package dev.dreamina.internal.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dreamina.errors.InvalidRequestException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct checks that pass a valid request without Hibernate Validator pass exactly what the
 * validator passes: on edge values of each field, and on random combinations of values around them.
 */
class RequestValidationTest {
  private static final String EMOJI = "\uD83C\uDF0A";

  private static final List<String> PROMPTS =
      Arrays.asList(
          null, "", " ", "\t\n", "\u2003", "\u00A0", "\u0001", "a", "a\uD800", "\uDC00b", "a" + EMOJI, EMOJI.substring(0, 1),
          "a".repeat(799), "a".repeat(800), "a".repeat(801), EMOJI.repeat(800), EMOJI.repeat(801),
          "a".repeat(799) + EMOJI, "a".repeat(800) + EMOJI, " ".repeat(900) + "a");

  private static final List<String> URLS =
      Arrays.asList(
          null, "", " ", "not a url", "https://example.com/a.png", "https://example.com/a.PNG", "https://example.com/a.Jpeg",
          "https://example.com/a.jpg", "https://example.com/a.gif", "https://example.com/a", "https://example.com/",
          "https://example.com", "https://example.com/a.", "https://example.com/dir.gif/a", "https://example.com/dir.png/",
          "https://example.com/a.png?x=1.gif", "https://example.com/a.png#b.gif", "https://example.com/a.gif?x=.png",
          "HTTPS://EXAMPLE.COM/A.PNG", "http://example.com/a.png", "ftp://example.com/a.png", "https:///a.png",
          "https://exa mple.com/a.png", "//example.com/a.png", "https:example.com/a.png", "mailto:x@example.com",
          "https://user@example.com:8443/a.jpg", "https://[::1]/a.png", "https://ex_ample.com/a.png",
          "https://example.com/%7Ea.png", "https://example.com/a%.png", "https://example.com/ü.png", "https://例え.jp/a.png",
          "https://example.com/a.png ", "https://example.com/a.tar.png", "https://example.com/.png");

  private static final List<Integer> FRAMES =
      Arrays.asList(null, 121, 241, 0, -1, 120, 122, 240, 242, Integer.MIN_VALUE, Integer.MAX_VALUE);

  private static final List<Integer> SEEDS = Arrays.asList(null, -1, 0, 42, -2, Integer.MIN_VALUE, Integer.MAX_VALUE);

  /** Whether the direct checks pass the values, as {@link RequestValidation#check} decides. */
  private static boolean direct(String prompt, String url, Integer frames, Integer seed) {
    return url != null && Constraints.HttpsImageUrlValidator.parsedIfValid(url) != null
        && RequestValidation.passes(prompt, frames, seed);
  }

  private static void agree(String prompt, String url, Integer frames, Integer seed) {
    boolean validator = RequestValidation.violations(prompt, url, frames, seed).isEmpty();
    assertEquals(validator, direct(prompt, url, frames, seed), () -> List.of(String.valueOf(prompt), String.valueOf(url), String.valueOf(frames), String.valueOf(seed)).toString());
  }

  @Test
  void theDirectChecksPassWhatTheValidatorPassesOnEveryEdgeValue() {
    String prompt = "p";
    String url = "https://example.com/a.png";
    PROMPTS.forEach(p -> agree(p, url, 241, 42));
    URLS.forEach(u -> agree(prompt, u, 241, 42));
    FRAMES.forEach(f -> agree(prompt, url, f, 42));
    SEEDS.forEach(s -> agree(prompt, url, 241, s));
  }

  @Test
  void theDirectChecksPassWhatTheValidatorPassesOnRandomValues() {
    Random random = new Random(20261130);
    int[][] ranges = {{0x20, 0x7E}, {0, 0x1F}, {0xA0, 0xD7FF}, {0xD800, 0xDFFF}, {0x1F300, 0x1FAFF}, {0xE000, 0x10FFFF}};
    for (int i = 0; i < 5_000; i++) {
      StringBuilder prompt = new StringBuilder();
      int length = random.nextBoolean() ? random.nextInt(12) : 790 + random.nextInt(20);
      for (int c = 0; c < length; c++) {
        int[] range = ranges[random.nextInt(ranges.length)];
        prompt.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
      }
      StringBuilder url = new StringBuilder(URLS.get(1 + random.nextInt(URLS.size() - 1)));
      for (int edits = random.nextInt(3); edits > 0 && url.length() > 0; edits--) {
        url.setCharAt(random.nextInt(url.length()), " ./:?#%@[]aZ9é".charAt(random.nextInt(14)));
      }
      Integer frames = random.nextInt(4) == 0 ? (Integer) random.nextInt() : FRAMES.get(random.nextInt(FRAMES.size()));
      Integer seed = random.nextInt(4) == 0 ? (Integer) random.nextInt() : SEEDS.get(random.nextInt(SEEDS.size()));
      agree(prompt.toString(), url.toString(), frames, seed);
    }
  }

  @Test
  void aValidRequestGivesItsParsedImageUrlAndAnInvalidOneEveryViolation() {
    assertEquals(URI.create("https://example.com/a.png"), RequestValidation.check("p", "https://example.com/a.png", 241, 42));
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> RequestValidation.check(" ", "http://example.com/a.gif", 5, -7));
    List<String> fields = new ArrayList<>();
    e.violations().forEach(v -> fields.add(v.field()));
    assertEquals(List.of("prompt", "image_urls", "image_urls", "frames", "seed"), fields, "the URL's scheme and extension apart");
  }
}
