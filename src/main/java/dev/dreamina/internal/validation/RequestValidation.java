package dev.dreamina.internal.validation;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidRequestException.Violation;
import dev.dreamina.internal.validation.Constraints.FrameCount;
import dev.dreamina.internal.validation.Constraints.FrameCountValidator;
import dev.dreamina.internal.validation.Constraints.HttpsImageUrl;
import dev.dreamina.internal.validation.Constraints.HttpsImageUrlValidator;
import dev.dreamina.internal.validation.Constraints.NotBlankText;
import dev.dreamina.internal.validation.Constraints.NotBlankTextValidator;
import dev.dreamina.internal.validation.Constraints.WellFormedUnicode;
import dev.dreamina.internal.validation.Constraints.WellFormedUnicodeValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.hibernate.validator.PredefinedScopeHibernateValidator;
import org.hibernate.validator.constraints.CodePointLength;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Checks a request's values against the rules of the page's input schema, declared as Bean
 * Validation constraints on {@link Fields} (an internal value, so the public request knows nothing
 * of the validator and only this package is opened to it), and reports every violation under the
 * API's field names.
 *
 * <p>A request that breaks no rule is passed by the constraints' own checks, called directly: no
 * validator, no allocation beyond the image URL's parse, and on a cold JVM no Hibernate Validator
 * bootstrap (about 0.2 s and 500 classes). Only a request that breaks a rule goes through Hibernate
 * Validator, which names every violation at once. {@code RequestValidationTest} shows on random and
 * edge-case values that the direct checks pass exactly what the validator passes. The validator is
 * built once, on first use; the {@link ParameterMessageInterpolator} means no Expression Language
 * implementation is needed at run time.
 */
public final class RequestValidation {
  private static final int MAX_PROMPT_LENGTH = ImageToVideoRequest.MAX_PROMPT_LENGTH;
  private static final int RANDOM_SEED = ImageToVideoRequest.RANDOM_SEED;

  /** Java property name to API field name, in the order of the page's input schema. */
  private static final Map<String, String> API_NAMES =
      Map.of("prompt", "prompt", "imageUrl", "image_urls", "frames", "frames", "seed", "seed");

  private static final List<String> ORDER = List.of("prompt", "image_urls", "frames", "seed");

  private RequestValidation() {}

  private static final class Holder {
    static {
      quietVersionLine();
    }

    // The predefined scope initialises only the built-in constraints and the bean named here,
    // instead of every built-in constraint: about half the bootstrap of a cold JVM.
    static final Validator VALIDATOR =
        Validation.byProvider(PredefinedScopeHibernateValidator.class)
            .configure()
            .builtinConstraints(
                Set.of(
                    NotNull.class.getName(),
                    Min.class.getName(),
                    CodePointLength.class.getName()))
            .initializeBeanMetaData(Set.of(Fields.class))
            .ignoreXmlConfiguration()
            .messageInterpolator(new ParameterMessageInterpolator())
            .failFast(false)
            .buildValidatorFactory()
            .getValidator();
  }

  /**
   * Hibernate Validator's logger for the one line it prints at start-up ({@code HV000001:
   * Hibernate Validator 9.x}), held strongly: the JDK forgets the level of a logger nobody holds.
   */
  private static final String VERSION_LOGGER = "org.hibernate.validator.internal.util.Version";

  private static Logger versionLogger;

  /**
   * Keeps Hibernate Validator's version line off the console on the JDK's default logging, so
   * that building a first request prints nothing the user did not ask for. Only that one logger,
   * and only when nobody has set its level; with JBoss Logging routed to SLF4J or Log4j, the
   * application's own configuration decides, as before.
   */
  private static void quietVersionLine() {
    Logger logger = Logger.getLogger(VERSION_LOGGER);
    if (logger.getLevel() == null) {
      logger.setLevel(Level.WARNING);
      versionLogger = logger;
    }
  }

  /** A request's values, with the rules of the page's input schema on them. */
  static final class Fields {
    @NotBlankText
    @CodePointLength(
        max = MAX_PROMPT_LENGTH,
        message = "must be at most {max} characters (Unicode code points)")
    @WellFormedUnicode
    private final String prompt;

    @NotNull(message = "is required: exactly one image URL")
    @HttpsImageUrl
    private final String imageUrl;

    @FrameCount private final Integer frames;

    @Min(value = RANDOM_SEED, message = "must be -1 (random) or a number from 0 up")
    private final Integer seed;

    Fields(String prompt, String imageUrl, Integer frames, Integer seed) {
      this.prompt = prompt;
      this.imageUrl = imageUrl;
      this.frames = frames;
      this.seed = seed;
    }
  }

  /**
   * Checks a request's values; {@code null} stands for unset.
   *
   * @return the image URL, parsed
   * @throws InvalidRequestException listing every violation, when there is any
   */
  public static URI check(String prompt, String imageUrl, Integer frames, Integer seed) {
    URI image = imageUrl == null ? null : HttpsImageUrlValidator.parsedIfValid(imageUrl);
    if (image != null && passes(prompt, frames, seed)) {
      return image;
    }
    Set<ConstraintViolation<Fields>> violations = violations(prompt, imageUrl, frames, seed);
    if (violations.isEmpty()) {
      throw new IllegalStateException("The request's direct checks refused what its constraints allow: " + imageUrl);
    }
    throw new InvalidRequestException(
        violations.stream()
            .map(v -> new Violation(apiName(v), v.getMessage()))
            .distinct()
            .sorted(
                Comparator.comparingInt((Violation v) -> ORDER.indexOf(v.field()))
                    .thenComparing(Violation::message))
            .collect(Collectors.toList()));
  }

  /**
   * Checks a request whose image is a local file: every rule but the image URL's, and that no URL
   * was given beside the file.
   *
   * @throws InvalidRequestException listing every violation, when there is any
   */
  public static void checkWithFile(String prompt, boolean alsoUrl, Integer frames, Integer seed) {
    if (!alsoUrl && passes(prompt, frames, seed)) {
      return;
    }
    List<Violation> found = new ArrayList<>();
    try {
      check(prompt, LOCAL_PLACEHOLDER, frames, seed);
    } catch (InvalidRequestException e) {
      found.addAll(e.violations());
    }
    if (alsoUrl) {
      found.add(new Violation("image_urls", "give an image URL or a local image file (imageFile), not both"));
    }
    found.sort(Comparator.comparingInt((Violation v) -> ORDER.indexOf(v.field())).thenComparing(Violation::message));
    throw new InvalidRequestException(found);
  }

  /** An image URL that passes every rule, standing for a local file while the other fields are checked. */
  private static final String LOCAL_PLACEHOLDER = "https://localhost/local.png";

  /**
   * The constraints on {@link Fields} other than the image URL's, checked directly: {@link
   * NotBlankText}, {@link CodePointLength}, {@link WellFormedUnicode}, {@link FrameCount} and
   * {@link Min}.
   */
  static boolean passes(String prompt, Integer frames, Integer seed) {
    return NotBlankTextValidator.valid(prompt)
        && prompt.codePointCount(0, prompt.length()) <= MAX_PROMPT_LENGTH
        && WellFormedUnicodeValidator.valid(prompt)
        && FrameCountValidator.valid(frames)
        && (seed == null || seed >= RANDOM_SEED);
  }

  /** What Hibernate Validator finds wrong with the values. */
  static Set<ConstraintViolation<Fields>> violations(String prompt, String imageUrl, Integer frames, Integer seed) {
    return Holder.VALIDATOR.validate(new Fields(prompt, imageUrl, frames, seed));
  }

  private static String apiName(ConstraintViolation<?> violation) {
    String property = violation.getPropertyPath().iterator().next().getName();
    return API_NAMES.getOrDefault(property, property);
  }
}
