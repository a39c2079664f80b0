package dev.dreamina.internal.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The request rules that Bean Validation has no built-in constraint for. */
public final class Constraints {
  private Constraints() {}

  /**
   * An absolute {@code https} URL whose path, if it ends in a file extension, ends in {@code .jpg},
   * {@code .jpeg} or {@code .png} (any case). No extension is fine: pre-signed URLs often have
   * none. {@code null} is left to {@code @NotNull}.
   */
  @Target(FIELD)
  @Retention(RUNTIME)
  @Constraint(validatedBy = HttpsImageUrlValidator.class)
  public @interface HttpsImageUrl {
    String message() default "must be an absolute https URL of a JPEG or PNG image";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Checks {@link HttpsImageUrl}, with a message that says which part is wrong. */
  public static final class HttpsImageUrlValidator
      implements ConstraintValidator<HttpsImageUrl, String> {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");

    /** One violation for each thing wrong with the URL: its scheme, its host and its extension are checked apart. */
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      List<String> problems = problems(value);
      if (problems.isEmpty()) {
        return true;
      }
      context.disableDefaultConstraintViolation();
      problems.forEach(problem -> context.buildConstraintViolationWithTemplate(escape(problem)).addConstraintViolation());
      return false;
    }

    /** The URL, parsed, when it is valid; else {@code null}. */
    static URI parsedIfValid(String value) {
      return problems(value).isEmpty() ? URI.create(value.trim()) : null;
    }

    /** What is wrong with the URL; empty when it is valid. */
    private static List<String> problems(String value) {
      URI uri;
      try {
        uri = new URI(value.trim());
      } catch (URISyntaxException e) {
        return List.of("is not a valid URL (" + e.getReason() + ")");
      }
      if (!uri.isAbsolute() || uri.getScheme() == null) {
        return List.of("must be an absolute URL, such as https://example.com/image.png");
      }
      List<String> problems = new ArrayList<>(3);
      if (!"https".equalsIgnoreCase(uri.getScheme())) {
        problems.add("must use https (RunComfy fetches the image over HTTPS), not " + uri.getScheme());
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        problems.add("must name a host");
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      int slash = path.lastIndexOf('/');
      int dot = path.lastIndexOf('.');
      if (dot > slash && dot < path.length() - 1) {
        String extension = path.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!IMAGE_EXTENSIONS.contains(extension)) {
          problems.add("must point to a JPEG or PNG image (.jpg, .jpeg or .png), not ." + extension);
        }
      }
      return problems;
    }

    /** Message templates treat {, } and \ specially; the user's URL text must come out as is. */
    private static String escape(String text) {
      return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
  }

  /** One of the frame counts the model supports: 121 (about 5 s) or 241 (about 10 s). */
  @Target(FIELD)
  @Retention(RUNTIME)
  @Constraint(validatedBy = FrameCountValidator.class)
  public @interface FrameCount {
    String message() default "must be 121 (about 5 s) or 241 (about 10 s)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Checks {@link FrameCount}; {@code null} (unset) is valid. */
  public static final class FrameCountValidator
      implements ConstraintValidator<FrameCount, Integer> {
    @Override
    public boolean isValid(Integer value, ConstraintValidatorContext context) {
      return valid(value);
    }

    static boolean valid(Integer value) {
      return value == null || value == 121 || value == 241;
    }
  }

  /**
   * Text that can be encoded as JSON in UTF-8: no unpaired surrogate halves, which Java strings
   * allow but JSON writers reject.
   */
  @Target(FIELD)
  @Retention(RUNTIME)
  @Constraint(validatedBy = WellFormedUnicodeValidator.class)
  public @interface WellFormedUnicode {
    String message() default "must be well-formed Unicode (it holds an unpaired surrogate)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Checks {@link WellFormedUnicode}. */
  public static final class WellFormedUnicodeValidator
      implements ConstraintValidator<WellFormedUnicode, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || valid(value);
    }

    static boolean valid(String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
          if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
            return false;
          }
          i++;
        } else if (Character.isLowSurrogate(c)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Present and not blank, where blank means {@link String#isBlank()}: empty or only whitespace.
   * Not Bean Validation's {@code @NotBlank}, whose meaning changed between Hibernate Validator 8
   * (which also counts control characters as blank) and 9 (which does not): the SDK supports both,
   * and a prompt must mean the same on each.
   */
  @Target(FIELD)
  @Retention(RUNTIME)
  @Constraint(validatedBy = NotBlankTextValidator.class)
  public @interface NotBlankText {
    String message() default "is required and must not be blank";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Checks {@link NotBlankText}. */
  public static final class NotBlankTextValidator implements ConstraintValidator<NotBlankText, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return valid(value);
    }

    static boolean valid(String value) {
      return value != null && !value.isBlank();
    }
  }
}
