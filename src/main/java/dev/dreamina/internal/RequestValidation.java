package dev.dreamina.internal;

import dev.dreamina.InvalidRequestException;
import dev.dreamina.InvalidRequestException.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.HibernateValidator;
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
    static final Validator VALIDATOR =
        Validation.byProvider(HibernateValidator.class)
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .failFast(false)
            .buildValidatorFactory()
            .getValidator();
  }

  /**
   * @throws InvalidRequestException listing every violation, when there is any
   */
  public static <T> T check(T request) {
    Set<ConstraintViolation<T>> violations = Holder.VALIDATOR.validate(request);
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
