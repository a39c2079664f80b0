package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * An OkHttp older than the SDK's floor wins the class path (OkHttp 3.14.9, what older Retrofit 2
 * apps carry): {@code build()} fails at once with a message that names the version and the fix,
 * rather than a {@code NoSuchMethodError} at the first call. Runs only in the test command's
 * {@code okhttp-3.14} execution, where okhttp-jvm 5 is replaced by okhttp 3.14.9.
 */
class OkHttpFloorTest {
  @Test
  void buildNamesTheOldVersionAndTheFix() throws Exception {
    Class<?> version = Class.forName("okhttp3.internal.Version");
    assertEquals("okhttp/3.14.9", version.getMethod("userAgent").invoke(null), "this execution's class path");
    assertThrows(ClassNotFoundException.class, () -> Class.forName("okhttp3.OkHttp"), "OkHttp 3 has no okhttp3.OkHttp");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> DreaminaClient.builder().apiToken("rc-floor-TOKEN").baseUrl("http://127.0.0.1:9/").build());
    assertTrue(e.getMessage().contains("needs OkHttp 4.12 or newer"), e.getMessage());
    assertTrue(e.getMessage().contains("the OkHttp on the class path is 3.14.9"), e.getMessage());
    assertTrue(e.getMessage().contains("exclude com.squareup.okhttp3:okhttp"), e.getMessage());
    assertFalse(e.getMessage().contains("rc-floor-TOKEN"), e.getMessage());
  }
}
