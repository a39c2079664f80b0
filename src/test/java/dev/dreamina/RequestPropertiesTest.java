package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property-based tests of the request builder: random prompts (any Unicode, control characters,
 * lengths around 800 code points), URLs, frames and seeds, each field valid or not. Every invalid
 * field is named in the one {@link InvalidRequestException}; every valid request is accepted by
 * the sandbox, which checks the page's schema on its own.
 */
class RequestPropertiesTest {
  private static RunComfySandbox sandbox;
  private static DreaminaClient client;

  @BeforeContainer
  static void start() {
    sandbox = RunComfySandbox.start();
    client = sandbox.clientBuilder().maxRetries(0).build();
  }

  @AfterContainer
  static void stop() {
    client.close();
    sandbox.close();
  }

  /** A value for a field, and whether the page's rules allow it. */
  record Field<T>(T value, boolean valid) {}

  @Property(tries = 1000)
  void invalidFieldsAreNamedAndValidRequestsAreAccepted(
      @ForAll("prompts") Field<String> prompt,
      @ForAll("urls") Field<String> url,
      @ForAll("frames") Field<Integer> frames,
      @ForAll("seeds") Field<Integer> seed) {
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
    Statistics.collect(expected.isEmpty() ? "valid, submitted to the sandbox" : "invalid");
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
      return;
    }
    assertTrue(expected.isEmpty(), "built although " + expected + " are invalid: " + request);
    // The sandbox validates the JSON body against the page's schema: 422 would throw here.
    Submission submission = client.submit(request);
    assertTrue(submission.requestId().length() > 0);
  }

  @Provide
  Arbitrary<Field<String>> prompts() {
    Arbitrary<Integer> codePoints =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
            Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
            Tuple.of(2, Arbitraries.integers().between(0xA0, 0xD7FF)),
            Tuple.of(1, Arbitraries.integers().between(0x1F300, 0x1FAFF)), // emoji: two chars each
            Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
    Arbitrary<String> wellFormed =
        codePoints.list().ofMinSize(1).ofMaxSize(820).map(RequestPropertiesTest::fromCodePoints);
    Arbitrary<String> around800 =
        codePoints.list().ofMinSize(795).ofMaxSize(805).map(RequestPropertiesTest::fromCodePoints);
    Arbitrary<String> loneSurrogate =
        Combinators.combine(wellFormed, Arbitraries.chars().range('\uD800', '\uDFFF'))
            .as((text, half) -> "a" + half + text.replaceAll("[\\uD800-\\uDFFF]", ""));
    Arbitrary<String> blank = Arbitraries.of("", " ", "\t\n", "\u0001\u0002", "   \r\n ");
    return Arbitraries.oneOf(wellFormed, around800, loneSurrogate, blank)
        .map(p -> new Field<>(p, promptValid(p)));
  }

  private static boolean promptValid(String p) {
    boolean wellFormed = !p.matches("(?s).*(?:[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]).*");
    // Blank means whitespace only (Character.isWhitespace); control characters are text the API
    // accepts, however odd.
    return !p.isBlank() && p.codePointCount(0, p.length()) <= 800 && wellFormed;
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  @Provide
  Arbitrary<Field<String>> urls() {
    Arbitrary<String> host = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(20);
    Arbitrary<String> goodExtension = Arbitraries.of(".jpg", ".jpeg", ".png", ".PNG", ".JPG", "");
    Arbitrary<String> badExtension = Arbitraries.of(".gif", ".webp", ".bmp", ".txt", ".heic");
    Arbitrary<String> query = Arbitraries.of("", "?X-Amz-Signature=abc123&X-Amz-Expires=300", "?v=2");
    Arbitrary<Field<String>> good =
        Combinators.combine(host, path, goodExtension, query)
            .as((h, p, e, q) -> new Field<>("https://" + h + ".example.com/" + p + e + q, true));
    Arbitrary<Field<String>> badScheme =
        Combinators.combine(Arbitraries.of("http", "ftp", "file"), host, path)
            .as((s, h, p) -> new Field<>(s + "://" + h + ".example.com/" + p + ".png", false));
    Arbitrary<Field<String>> badType =
        Combinators.combine(host, path, badExtension)
            .as((h, p, e) -> new Field<>("https://" + h + ".example.com/" + p + e, false));
    Arbitrary<Field<String>> notAUrl =
        Arbitraries.of("", "not a url", "https://", "//example.com/a.png", "https://exa mple.com/a.png", "https:///a.png")
            .map(u -> new Field<>(u, false));
    return Arbitraries.oneOf(good, good, badScheme, badType, notAUrl);
  }

  @Provide
  Arbitrary<Field<Integer>> frames() {
    return Arbitraries.oneOf(
        Arbitraries.of(121, 241).map(f -> new Field<>(f, true)),
        Arbitraries.just(new Field<Integer>(null, true)),
        Arbitraries.integers().filter(f -> f != 121 && f != 241).map(f -> new Field<>(f, false)));
  }

  @Provide
  Arbitrary<Field<Integer>> seeds() {
    return Arbitraries.oneOf(
        Arbitraries.integers().greaterOrEqual(-1).map(s -> new Field<>(s, true)),
        Arbitraries.just(new Field<Integer>(null, true)),
        Arbitraries.integers().lessOrEqual(-2).map(s -> new Field<>(s, false)));
  }
}
