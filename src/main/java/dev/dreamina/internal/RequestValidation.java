package dev.dreamina.internal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidRequestException.Violation;
import dev.dreamina.internal.Constraints.FrameCount;
import dev.dreamina.internal.Constraints.HttpsImageUrl;
import dev.dreamina.internal.Constraints.NotBlankText;
import dev.dreamina.internal.Constraints.WellFormedUnicode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.hibernate.validator.PredefinedScopeHibernateValidator;
import org.hibernate.validator.constraints.CodePointLength;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Runs Bean Validation (Hibernate Validator) over a request's values and reports every violation
 * under the API's field names. The constraints sit on {@link Fields}, an internal value, so the
 * public request knows nothing of the validator and only this package is opened to it. The validator is built once, lazily, on first use: its bootstrap is the
 * slowest part of a cold start. The {@link ParameterMessageInterpolator} means no Expression
 * Language implementation is needed at run time.
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

  private static final AtomicBoolean WARMING = new AtomicBoolean();

  /**
   * Starts building the validator on the common pool, once per JVM, so that its bootstrap (about
   * 0.2 s on a cold JVM) overlaps with whatever the caller does next, typically setting up OkHttp.
   * A request built meanwhile waits for the same single bootstrap; nothing is built twice.
   */
  public static void warmUpInBackground() {
    if (!WARMING.getAndSet(true)) {
      ForkJoinPool.commonPool().execute(() -> Holder.VALIDATOR.getClass());
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
   * @throws InvalidRequestException listing every violation, when there is any
   */
  public static void check(String prompt, String imageUrl, Integer frames, Integer seed) {
    Set<ConstraintViolation<Fields>> violations =
        Holder.VALIDATOR.validate(new Fields(prompt, imageUrl, frames, seed));
    if (!violations.isEmpty()) {
      throw new InvalidRequestException(
          violations.stream()
              .map(v -> new Violation(apiName(v), v.getMessage()))
              .distinct()
              .sorted(
                  Comparator.comparingInt((Violation v) -> ORDER.indexOf(v.field()))
                      .thenComparing(Violation::message))
              .collect(Collectors.toList()));
    }
  }

  private static String apiName(ConstraintViolation<?> violation) {
    String property = violation.getPropertyPath().iterator().next().getName();
    return API_NAMES.getOrDefault(property, property);
  }
}
