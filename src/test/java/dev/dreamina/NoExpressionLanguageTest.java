package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dreamina.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

/**
 * Hibernate Validator normally wants a Jakarta Expression Language implementation for message
 * interpolation. The SDK configures its parameter interpolator instead, so it runs without one;
 * the test class path has none, which this test checks before validating.
 */
class NoExpressionLanguageTest {
  @Test
  void validatesAndInterpolatesWithoutAnyElImplementation() {
    for (String elClass :
        new String[] {
          "jakarta.el.ExpressionFactory",
          "org.glassfish.expressly.ExpressionFactoryImpl",
          "com.sun.el.ExpressionFactoryImpl",
          "org.apache.el.ExpressionFactoryImpl"
        }) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(elClass), elClass);
    }

    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () ->
                ImageToVideoRequest.builder()
                    .prompt("p".repeat(801))
                    .imageUrl("https://example.com/a.png")
                    .build());
    // {max} was interpolated by the parameter interpolator.
    assertEquals(
        "must be at most 800 characters (Unicode code points)", e.violations().get(0).message());
  }
}
