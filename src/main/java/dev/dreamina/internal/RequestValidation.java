package dev.dreamina.internal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidRequestException.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.hibernate.validator.PredefinedScopeHibernateValidator;
import org.hibernate.validator.constraints.CodePointLength;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Runs Bean Validation (Hibernate Validator) over a request and reports every violation under the
 * API's field names. The validator is built once, lazily, on first use: its bootstrap is the
 * slowest part of a cold start. The {@link ParameterMessageInterpolator} means no Expression
 * Language implementation is needed at run time.
 */
public final class RequestValidation {
  /** Java property name to API field name, in the order of the page's input schema. */
  private static final Map<String, String> API_NAMES =
      Map.of("prompt", "prompt", "imageUrl", "image_urls", "frames", "frames", "seed", "seed");

  private static final List<String> ORDER = List.of("prompt", "image_urls", "frames", "seed");

  private RequestValidation() {}

  private static final class Holder {
    // The predefined scope initialises only the built-in constraints and the bean named here,
    // instead of every built-in constraint: about half the bootstrap of a cold JVM.
    static final Validator VALIDATOR =
        Validation.byProvider(PredefinedScopeHibernateValidator.class)
            .configure()
            .builtinConstraints(
                Set.of(
                    NotNull.class.getName(),
                    NotBlank.class.getName(),
                    Min.class.getName(),
                    CodePointLength.class.getName()))
            .initializeBeanMetaData(Set.of(ImageToVideoRequest.class))
            .ignoreXmlConfiguration()
            .messageInterpolator(new ParameterMessageInterpolator())
            .failFast(false)
            .buildValidatorFactory()
            .getValidator();
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

  /**
   * @throws InvalidRequestException listing every violation, when there is any
   */
  public static ImageToVideoRequest check(ImageToVideoRequest request) {
    Set<ConstraintViolation<ImageToVideoRequest>> violations = Holder.VALIDATOR.validate(request);
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
    return request;
  }

  private static String apiName(ConstraintViolation<?> violation) {
    String property = violation.getPropertyPath().iterator().next().getName();
    return API_NAMES.getOrDefault(property, property);
  }
}
