package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property-based tests of the request builder: random prompts (any Unicode, control characters,
 * lengths around 800 code points), URLs, frames and seeds, each field valid or not, 1,000 seeded
 * cases ({@link Cases}). Every invalid field is named in the one {@link InvalidRequestException};
 * every valid request is accepted by the sandbox, which checks the page's schema on its own.
 */
class RequestPropertiesTest {
  private static RunComfySandbox sandbox;
  private static DreaminaClient client;

  @BeforeAll
  static void start() {
    sandbox = RunComfySandbox.start();
    client = SandboxClients.builderFor(sandbox).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    sandbox.close();
  }

  /** A value for a field, and whether the page's rules allow it. */
  record Field<T>(T value, boolean valid) {}

  @Test
  void invalidFieldsAreNamedAndValidRequestsAreAccepted() {
    int[] submitted = new int[1];
    Cases.check("invalidFieldsAreNamedAndValidRequestsAreAccepted", 1000, random -> {
      if (check(prompt(random), url(random), frames(random), seed(random))) {
        submitted[0]++;
      }
    });
    assertTrue(submitted[0] >= 20 && submitted[0] <= 980, "both valid and invalid requests were tried: " + submitted[0] + " valid of 1000");
  }

  /** Builds the request; returns whether it was valid (and so submitted). */
  private static boolean check(Field<String> prompt, Field<String> url, Field<Integer> frames, Field<Integer> seed) {
    Set<String> expected = new TreeSet<>();
    if (!prompt.valid()) {
      expected.add("prompt");
    }
    if (!url.valid()) {
      expected.add("image_urls");
    }
    if (!frames.valid()) {
      expected.add("frames");
    }
    if (!seed.valid()) {
      expected.add("seed");
    }
    ImageToVideoRequest.Builder builder =
        ImageToVideoRequest.builder().prompt(prompt.value()).imageUrl(url.value());
    if (frames.value() != null) {
      builder.frames(frames.value());
    }
    if (seed.value() != null) {
      builder.seed(seed.value());
    }
    ImageToVideoRequest request;
    try {
      request = builder.build();
    } catch (InvalidRequestException e) {
      Set<String> named =
          e.violations().stream().map(InvalidRequestException.Violation::field).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(expected, named, e.getMessage());
      return false;
    }
    assertTrue(expected.isEmpty(), "built although " + expected + " are invalid: " + request);
    // The sandbox validates the JSON body against the page's schema: 422 would throw here.
    Submission submission = client.submit(request);
    assertTrue(submission.requestId().length() > 0);
    return true;
  }

  private static final int[][] CODE_POINTS = {{0x20, 0x7E}, {0, 0x1F}, {0xA0, 0xD7FF}, {0x1F300, 0x1FAFF}, {0xE000, 0x10FFFF}};

  /** Printable ASCII most often, then control characters, BMP letters, emoji (two chars each) and the rest. */
  private static int codePoint(Random random) {
    int[] range = CODE_POINTS[Cases.weighted(random, new int[] {6, 1, 2, 1, 1}, List.of(r -> 0, r -> 1, r -> 2, r -> 3, r -> 4))];
    return Cases.between(random, range[0], range[1]);
  }

  private static String codePoints(Random random, int min, int max) {
    StringBuilder text = new StringBuilder();
    for (int n = Cases.between(random, min, max); n > 0; n--) {
      text.appendCodePoint(codePoint(random));
    }
    return text.toString();
  }

  static Field<String> prompt(Random random) {
    String p =
        Cases.weighted(
            random,
            new int[] {1, 1, 1, 1},
            List.of(
                r -> codePoints(r, 1, 820), // well formed
                r -> codePoints(r, 795, 805), // around 800
                r -> "a" + (char) Cases.between(r, 0xD800, 0xDFFF) + codePoints(r, 1, 820).replaceAll("[\\uD800-\\uDFFF]", ""),
                r -> Cases.pick(r, List.of("", " ", "\t\n", "\u0001\u0002", "   \r\n "))));
    return new Field<>(p, promptValid(p));
  }

  private static boolean promptValid(String p) {
    boolean wellFormed = !p.matches("(?s).*(?:[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]).*");
    // Blank means whitespace only (Character.isWhitespace); control characters are text the API
    // accepts, however odd.
    return !p.isBlank() && p.codePointCount(0, p.length()) <= 800 && wellFormed;
  }

  private static String letters(Random random, String alphabet, int min, int max) {
    StringBuilder text = new StringBuilder();
    for (int n = Cases.between(random, min, max); n > 0; n--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  static Field<String> url(Random random) {
    String host = letters(random, "abcdefghijklmnopqrstuvwxyz", 1, 12);
    String path = letters(random, "abcdefghijklmnopqrstuvwxyz0123456789", 0, 20);
    switch (random.nextInt(5)) {
      case 0:
      case 1: // good, twice as often
        String extension = Cases.pick(random, List.of(".jpg", ".jpeg", ".png", ".PNG", ".JPG", ""));
        String query = Cases.pick(random, List.of("", "?X-Amz-Signature=abc123&X-Amz-Expires=300", "?v=2"));
        return new Field<>("https://" + host + ".example.com/" + path + extension + query, true);
      case 2:
        return new Field<>(Cases.pick(random, List.of("http", "ftp", "file")) + "://" + host + ".example.com/" + path + ".png", false);
      case 3:
        return new Field<>("https://" + host + ".example.com/" + path + Cases.pick(random, List.of(".gif", ".webp", ".bmp", ".txt", ".heic")), false);
      default:
        return new Field<>(
            Cases.pick(random, List.of("", "not a url", "https://", "//example.com/a.png", "https://exa mple.com/a.png", "https:///a.png")),
            false);
    }
  }

  static Field<Integer> frames(Random random) {
    switch (random.nextInt(3)) {
      case 0:
        return new Field<>(Cases.pick(random, List.of(121, 241)), true);
      case 1:
        return new Field<>(null, true);
      default:
        int f;
        do {
          f = random.nextInt();
        } while (f == 121 || f == 241);
        return new Field<>(f, false);
    }
  }

  static Field<Integer> seed(Random random) {
    switch (random.nextInt(3)) {
      case 0:
        return new Field<>(Cases.between(random, -1, Integer.MAX_VALUE), true);
      case 1:
        return new Field<>(null, true);
      default:
        return new Field<>(Cases.between(random, Integer.MIN_VALUE, -2), false);
    }
  }
}
