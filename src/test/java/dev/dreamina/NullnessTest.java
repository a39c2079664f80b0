package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.batch.BatchOptions;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.preflight.ImagePreflight;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The nullness Kotlin, IntelliJ and NullAway read from the class files: every exported package
 * is {@code @NullMarked}, and the values the javadoc calls optional are {@code @Nullable} types,
 * no more. (NullAway checks, in the build, that the code keeps to them.)
 */
class NullnessTest {
  @Test
  void everyExportedPackageIsNullMarked() {
    // One class of each package module-info.java exports.
    for (Class<?> type : List.of(DreaminaClient.class, DreaminaException.class, BatchOptions.class, JournalEntry.class, ImagePreflight.class)) {
      assertTrue(type.getPackage().isAnnotationPresent(NullMarked.class), type.getPackage().getName());
    }
  }

  @Test
  void optionalArgumentsAreNullableAndRequiredOnesAreNot() throws Exception {
    Method submit = DreaminaClient.class.getMethod("submit", ImageToVideoRequest.class, Path.class);
    assertFalse(nullable(submit.getAnnotatedParameterTypes()[0]), "the request is required");
    assertTrue(nullable(submit.getAnnotatedParameterTypes()[1]), "downloadTo may be null");
    assertTrue(nullable(DreaminaClientAsync.class.getMethod("submit", ImageToVideoRequest.class, Path.class).getAnnotatedParameterTypes()[1]));
    assertTrue(nullable(ImageToVideoRequest.Builder.class.getMethod("imageUrl", URI.class).getAnnotatedParameterTypes()[0]));
    assertFalse(nullable(DreaminaClient.class.getMethod("status", String.class).getAnnotatedParameterTypes()[0]));
    assertFalse(nullable(DreaminaClient.class.getMethod("status", String.class).getAnnotatedReturnType()));

    // fromEnv(Function<String, @Nullable String>): the function may answer null, and is itself required.
    AnnotatedType env = DreaminaClientBuilder.class.getMethod("fromEnv", Function.class).getAnnotatedParameterTypes()[0];
    assertFalse(nullable(env));
    AnnotatedType[] arguments = ((AnnotatedParameterizedType) env).getAnnotatedActualTypeArguments();
    assertFalse(nullable(arguments[0]));
    assertTrue(nullable(arguments[1]));

    assertTrue(
        nullable(DreaminaException.class.getConstructor(String.class, String.class, Throwable.class).getAnnotatedParameterTypes()[1]),
        "an exception's request id may be null");
  }

  private static boolean nullable(AnnotatedType type) {
    return type.isAnnotationPresent(Nullable.class);
  }
}
