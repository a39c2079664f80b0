package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidRequestException.Violation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageToVideoRequestTest {
  private static ImageToVideoRequest.Builder valid() {
    return ImageToVideoRequest.builder()
        .prompt("a cat walks")
        .imageUrl("https://example.com/cat.png");
  }

  private static List<String> fieldsOf(InvalidRequestException e) {
    return e.violations().stream().map(Violation::field).collect(Collectors.toList());
  }

  private static InvalidRequestException invalid(ImageToVideoRequest.Builder builder) {
    return assertThrows(InvalidRequestException.class, builder::build);
  }

  @Test
  void buildsWithRequiredFieldsOnly() {
    ImageToVideoRequest request = valid().build();
    assertEquals("a cat walks", request.prompt());
    assertEquals(URI.create("https://example.com/cat.png"), request.imageUrl());
    assertEquals(OptionalInt.empty(), request.frames());
    assertEquals(OptionalInt.empty(), request.seed());
  }

  @Test
  void listsEveryViolationAtOnceInSchemaOrder() {
    InvalidRequestException e =
        invalid(
            ImageToVideoRequest.builder()
                .prompt(" ")
                .imageUrl("http://example.com/cat.gif")
                .frames(120)
                .seed(-2));
    assertEquals(List.of("prompt", "image_urls", "image_urls", "frames", "seed"), fieldsOf(e));
    assertEquals("prompt: is required and must not be blank", e.violations().get(0).toString());
    assertEquals("must point to a JPEG or PNG image (.jpg, .jpeg or .png), not .gif", e.violations().get(1).message());
    assertEquals("must use https (RunComfy fetches the image over HTTPS), not http", e.violations().get(2).message());
    assertEquals("must be 121 (about 5 s) or 241 (about 10 s)", e.violations().get(3).message());
    assertEquals("must be -1 (random) or a number from 0 up", e.violations().get(4).message());
    assertTrue(e.getMessage().startsWith("Invalid image-to-video request: prompt: "), e.getMessage());
    assertFalse(e.requestId().isPresent());
  }

  @Test
  void missingPromptAndImageAreBothReported() {
    InvalidRequestException e = invalid(ImageToVideoRequest.builder());
    assertEquals(List.of("prompt", "image_urls"), fieldsOf(e));
    assertEquals("is required: exactly one image URL", e.violations().get(1).message());
  }

  @Test
  void promptLengthCountsCodePointsSo800EmojiAreValid() {
    String emoji = "\uD83C\uDFAC"; // one code point, two UTF-16 chars
    ImageToVideoRequest request = valid().prompt(emoji.repeat(800)).build();
    assertEquals(1600, request.prompt().length());

    InvalidRequestException e = invalid(valid().prompt(emoji.repeat(801)));
    assertEquals(
        List.of(new Violation("prompt", "must be at most 800 characters (Unicode code points)")),
        e.violations());
  }

  @Test
  void promptOf800CharactersIsValidAnd801IsNot() {
    valid().prompt("x".repeat(800)).build();
    assertEquals(List.of("prompt"), fieldsOf(invalid(valid().prompt("x".repeat(801)))));
  }

  @Test
  void promptWithUnpairedSurrogateIsRejected() {
    InvalidRequestException e = invalid(valid().prompt("ok \uD83C then"));
    assertEquals(List.of("prompt"), fieldsOf(e));
    assertTrue(e.violations().get(0).message().contains("unpaired surrogate"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/a.jpg",
        "https://example.com/a.JPEG",
        "https://example.com/dir/a.Png?X-Amz-Signature=abc.def",
        "https://bucket.s3.amazonaws.com/presigned-no-extension?sig=1",
        "https://example.com/",
        "https://example.com",
        "HTTPS://example.com/a.jpg"
      })
  void acceptsHttpsJpegOrPngOrExtensionlessUrls(String url) {
    assertEquals(url, valid().imageUrl(url).build().imageUrl().toString());
  }

  @Test
  void rejectsPlainHttpWithAReason() {
    InvalidRequestException e = invalid(valid().imageUrl("http://example.com/a.jpg"));
    assertEquals(
        List.of(
            new Violation(
                "image_urls",
                "must use https (RunComfy fetches the image over HTTPS), not http")),
        e.violations());
  }

  @Test
  void rejectsOtherExtensionsNamingTheExtension() {
    InvalidRequestException e = invalid(valid().imageUrl("https://example.com/a.webp"));
    assertEquals(
        "must point to a JPEG or PNG image (.jpg, .jpeg or .png), not .webp",
        e.violations().get(0).message());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com/a.jpg",
        "/relative/a.png",
        "https:///a.png",
        "https://exa mple.com/a.png",
        "ftp://example.com/a.png",
        "https://example.com/a.gif",
        "https://example.com/a.jpg.exe",
        ""
      })
  void rejectsUnusableUrls(String url) {
    assertEquals(List.of("image_urls"), fieldsOf(invalid(valid().imageUrl(url))));
  }

  @Test
  void urlTextWithBracesIsReportedVerbatimNotInterpolated() {
    InvalidRequestException e = invalid(valid().imageUrl("https://example.com/a.%7Bmax%7D"));
    assertEquals(
        "must point to a JPEG or PNG image (.jpg, .jpeg or .png), not .{max}",
        e.violations().get(0).message());
  }

  @Test
  void uriOverloadIsTheSameAsTheString() {
    assertEquals(
        valid().imageUrl("https://example.com/b.jpeg").build(),
        valid().imageUrl(URI.create("https://example.com/b.jpeg")).build());
  }

  @Test
  void framesAcceptOnly121And241() {
    assertEquals(121, valid().frames(ImageToVideoRequest.FRAMES_5_SECONDS).build().frames().getAsInt());
    assertEquals(241, valid().frames(ImageToVideoRequest.FRAMES_10_SECONDS).build().frames().getAsInt());
    for (int frames : new int[] {0, 120, 122, 240, 242, -121}) {
      assertEquals(List.of("frames"), fieldsOf(invalid(valid().frames(frames))), "frames " + frames);
    }
  }

  @Test
  void seedAcceptsMinusOneUpToIntMax() {
    assertEquals(-1, valid().seed(ImageToVideoRequest.RANDOM_SEED).build().seed().getAsInt());
    assertEquals(0, valid().seed(0).build().seed().getAsInt());
    assertEquals(Integer.MAX_VALUE, valid().seed(Integer.MAX_VALUE).build().seed().getAsInt());
    assertEquals(List.of("seed"), fieldsOf(invalid(valid().seed(-2))));
    assertEquals(List.of("seed"), fieldsOf(invalid(valid().seed(Integer.MIN_VALUE))));
  }

  @Test
  void isImmutableValueWithToBuilder() {
    ImageToVideoRequest a = valid().frames(241).seed(7).build();
    ImageToVideoRequest b = a.toBuilder().seed(8).build();
    assertEquals(7, a.seed().getAsInt());
    assertEquals(8, b.seed().getAsInt());
    assertEquals(a, a.toBuilder().build());
    assertEquals(a.hashCode(), a.toBuilder().build().hashCode());
    assertFalse(a.equals(b));
    assertEquals(
        "ImageToVideoRequest{prompt=\"a cat walks\", imageUrl=https://example.com/cat.png,"
            + " frames=241, seed=7}",
        a.toString());
  }

  @Test
  void violationsListIsUnmodifiable() {
    InvalidRequestException e = invalid(ImageToVideoRequest.builder());
    assertThrows(UnsupportedOperationException.class, () -> e.violations().clear());
  }

  @Test
  void aLocalImageFileStandsForTheUrlAndIsCheckedWithTheOtherRules() {
    ImageToVideoRequest local =
        ImageToVideoRequest.builder().prompt("a cat walks").imageFile(Path.of("photos/../cat.jpg")).frames(121).build();
    Path absolute = Path.of("cat.jpg").toAbsolutePath();
    assertEquals(Optional.of(absolute), local.imageFile());
    assertEquals(absolute.toUri(), local.imageUrl());
    assertEquals(local, local.toBuilder().build());
    assertEquals(Optional.empty(), local.toBuilder().imageFile(null).imageUrl("https://example.com/cat.png").build().imageFile());
    assertTrue(local.toString().contains("imageFile=" + absolute), local.toString());
    assertEquals(Optional.empty(), valid().build().imageFile());

    InvalidRequestException both =
        assertThrows(
            InvalidRequestException.class,
            () -> ImageToVideoRequest.builder().prompt(" ").imageUrl("https://example.com/cat.png").imageFile(absolute).frames(5).build());
    assertEquals(
        List.of("prompt", "image_urls", "frames"),
        both.violations().stream().map(Violation::field).collect(Collectors.toList()));
    assertTrue(both.violations().get(1).message().contains("not both"), both.getMessage());
  }

  @Test
  void aSignedUrlIsShownWithoutItsSignature() {
    ImageToVideoRequest signed =
        valid().imageUrl("https://b.example/cat.png?X-Amz-Credential=AKIA%2Fme&X-Amz-Signature=c0ffee").build();
    assertFalse(signed.toString().contains("c0ffee") || signed.toString().contains("AKIA"), signed.toString());
    assertTrue(signed.imageUrl().toString().contains("c0ffee"));
  }
}
