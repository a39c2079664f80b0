package dev.dreamina.errors;

import dev.dreamina.preflight.ImagePreflight;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A request failed client-side validation, or its image failed {@link ImagePreflight}. Nothing
 * was sent to RunComfy.
 *
 * <p>{@link #violations()} lists <em>every</em> broken rule at once, each with the API's field name
 * ({@code prompt}, {@code image_urls}, {@code frames}, {@code seed}) and a message.
 */
public class InvalidRequestException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  private final List<Violation> violations;

  /**
   * Creates an exception listing the given violations.
   *
   * @param violations at least one violation
   */
  public InvalidRequestException(List<Violation> violations) {
    super(describe(violations), null, null);
    this.violations = List.copyOf(violations);
  }

  /**
   * Every rule the request broke, in the order of the API's input schema.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<Violation> violations() {
    return violations;
  }

  private static String describe(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("violations is empty");
    }
    return "Invalid image-to-video request: "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /**
   * One broken rule.
   *
   * @param field the API's name for the field, for example {@code image_urls}
   * @param message what is wrong with it
   */
  public record Violation(String field, String message) {
    /**
     * Creates a violation.
     *
     * @param field the API's field name
     * @param message what is wrong
     */
    public Violation {
      Objects.requireNonNull(field, "field == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override
    public String toString() {
      return field + ": " + message;
    }
  }
}
