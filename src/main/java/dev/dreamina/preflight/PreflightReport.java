package dev.dreamina.preflight;

import dev.dreamina.internal.SignedUrls;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ImagePreflight} found about one image: its measured type, size and dimensions, and
 * every rule of the endpoint page that it breaks, each with the page's own message.
 *
 * <p>Measured values are empty when they could not be measured: nothing is known about an image
 * that could not be fetched, and dimensions are read only from JPEG and PNG headers.
 */
public final class PreflightReport {
  private final String source;
  private final @Nullable Format format;
  private final long bytes;
  private final int width;
  private final int height;
  private final List<Failure> failures;

  PreflightReport(
      String source, @Nullable Format format, long bytes, int width, int height, List<Failure> failures) {
    this.source = SignedUrls.redact(Objects.requireNonNull(source, "source == null"));
    this.format = format;
    this.bytes = bytes;
    this.width = width;
    this.height = height;
    this.failures = List.copyOf(failures);
  }

  /**
   * Whether the image passes every rule, so RunComfy should accept it.
   *
   * @return {@code true} when {@link #failures()} is empty
   */
  public boolean passes() {
    return failures.isEmpty();
  }

  /**
   * Every rule the image breaks, in the order of {@link Rule}; at most one entry per rule.
   *
   * @return an unmodifiable list, empty when the image passes
   */
  public List<Failure> failures() {
    return failures;
  }

  /**
   * Whether the image breaks the given rule.
   *
   * @param rule a rule
   * @return {@code true} when {@link #failures()} has an entry for it
   */
  public boolean breaks(Rule rule) {
    return failures.stream().anyMatch(f -> f.rule() == rule);
  }

  /**
   * The URL or file path that was checked.
   *
   * @return the source, as given
   */
  public String source() {
    return source;
  }

  /**
   * The file's real type, read from its first bytes (its "magic number"), not from its name or
   * {@code Content-Type}.
   *
   * @return the type, or empty when nothing could be read
   */
  public Optional<Format> format() {
    return Optional.ofNullable(format);
  }

  /**
   * The file's size in bytes. When the body was cut off at the size limit and the server gave no
   * {@code Content-Length}, this is the number of bytes read, and the real size is at least this.
   *
   * @return the size, or empty when nothing could be read
   */
  public OptionalLong bytes() {
    return bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
  }

  /**
   * The width in pixels, from the image header.
   *
   * @return the width, or empty for a type other than JPEG or PNG, or an unreadable header
   */
  public OptionalInt width() {
    return width < 0 ? OptionalInt.empty() : OptionalInt.of(width);
  }

  /**
   * The height in pixels, from the image header.
   *
   * @return the height, or empty for a type other than JPEG or PNG, or an unreadable header
   */
  public OptionalInt height() {
    return height < 0 ? OptionalInt.empty() : OptionalInt.of(height);
  }

  @Override
  public String toString() {
    return "PreflightReport{source="
        + source
        + ", passes="
        + passes()
        + ", format="
        + (format == null ? "unknown" : format)
        + ", bytes="
        + (bytes < 0 ? "unknown" : bytes)
        + ", width="
        + (width < 0 ? "unknown" : width)
        + ", height="
        + (height < 0 ? "unknown" : height)
        + ", failures="
        + failures
        + "}";
  }

  /** A file type, as told by the file's first bytes. Only {@link #JPEG} and {@link #PNG} pass. */
  public enum Format {
    /** JPEG ({@code FF D8 FF}). Accepted. */
    JPEG,
    /** PNG ({@code 89 'PNG' 0D 0A 1A 0A}). Accepted. */
    PNG,
    /** GIF ({@code GIF87a} or {@code GIF89a}). */
    GIF,
    /** WebP ({@code RIFF....WEBP}). */
    WEBP,
    /** BMP ({@code BM}). */
    BMP,
    /** TIFF ({@code II*.} or {@code MM.*}). */
    TIFF,
    /** HEIF, HEIC or AVIF (an ISO media file with an {@code ftyp} box of an image brand). */
    HEIF,
    /** A video: MP4, MOV or another ISO media file whose {@code ftyp} brand is not an image's. */
    VIDEO,
    /** HTML or other markup, such as a login or error page served in place of an image. */
    HTML,
    /** Plain text, such as a JSON error or a renamed text file. */
    TEXT,
    /** Anything else. */
    UNKNOWN;

    /**
     * Whether RunComfy takes this type: only JPEG and PNG.
     *
     * @return {@code true} for {@link #JPEG} and {@link #PNG}
     */
    public boolean accepted() {
      return this == JPEG || this == PNG;
    }
  }

  /**
   * The rules an input image must meet. All but {@link #REACHABLE} are the endpoint page's image
   * validations, and {@link #message()} is the page's own text for each.
   */
  public enum Rule {
    /** RunComfy fetches the image itself: it must be reachable with no login or cookies. */
    REACHABLE("The image URL must be publicly reachable over HTTPS, with no login or cookies."),
    /** JPEG or PNG, by the file's content. */
    FORMAT("Upload JPEG or PNG only."),
    /** Smaller than 4.7 MB, read strictly as 4,700,000 bytes. */
    FILE_SIZE("File size must be less than 4.7 MB."),
    /** Width and height at most 4096 pixels. */
    MAX_RESOLUTION("Maximum resolution is 4096x4096."),
    /** Width and height over 320 pixels. */
    MIN_SIDE("The shortest side must be at least 320 pixels."),
    /** Width / height below 3. */
    MAX_RATIO("The ratio of long side to short side must be within 3:1."),
    /** Width / height above 0.33. */
    MIN_RATIO("The ratio of long side to short side must be greater than 0.33.");

    private final String message;

    Rule(String message) {
      this.message = message;
    }

    /**
     * The rule's message, word for word from the endpoint page where the page has one.
     *
     * @return the message
     */
    public String message() {
      return message;
    }
  }

  /**
   * One broken rule.
   *
   * @param rule the rule
   * @param detail what was measured, for example {@code "4097x2000 px"}
   */
  public record Failure(Rule rule, String detail) {
    /**
     * Creates a failure.
     *
     * @param rule the rule
     * @param detail what was measured
     */
    public Failure {
      Objects.requireNonNull(rule, "rule == null");
      Objects.requireNonNull(detail, "detail == null");
    }

    /**
     * The page's message for the rule, then the measured detail.
     *
     * @return for example {@code "Maximum resolution is 4096x4096. (measured 4097x2000 px)"}
     */
    public String message() {
      return rule.message() + " (" + detail + ")";
    }

    @Override
    public String toString() {
      return rule + ": " + message();
    }
  }
}
