package dev.dreamina.internal.http;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import okhttp3.OkHttpClient;

/**
 * The SDK runs on whichever OkHttp wins the class path, 4.12.x or 5.x: an application that also
 * carries an OkHttp 4 library (Retrofit 2, another AI SDK) ends up with {@code okhttp} 4.12 and
 * {@code okhttp-jvm} 5 side by side, the same {@code okhttp3.*} classes in two jars. The SDK uses
 * only what both lines offer, and reaches OkHttp 5's extras by name, so that they degrade cleanly.
 */
public final class OkHttpVersion {
  /** The oldest OkHttp the SDK runs on. */
  static final int MIN_MAJOR = 4;

  static final int MIN_MINOR = 12;

  private static final Method FAST_FALLBACK = fastFallbackSetter();

  private OkHttpVersion() {}

  /**
   * The version of the OkHttp classes loaded, such as {@code 5.5.1}, {@code 4.12.0} or {@code
   * 3.14.9}: read at run time, since a compile-time constant would give the version the SDK was
   * built with. OkHttp 4 and 5 say it in {@code okhttp3.OkHttp.VERSION}; OkHttp 3, which has no
   * such class, in {@code okhttp3.internal.Version.userAgent()} ("okhttp/3.14.9").
   */
  public static String loaded() {
    try {
      return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
    } catch (ReflectiveOperationException | LinkageError notFourOrLater) {
      try {
        String agent = String.valueOf(Class.forName("okhttp3.internal.Version").getMethod("userAgent").invoke(null));
        return agent.startsWith("okhttp/") ? agent.substring("okhttp/".length()) : agent;
      } catch (ReflectiveOperationException | LinkageError e) {
        return "unknown (no okhttp3.OkHttp.VERSION)";
      }
    }
  }

  /**
   * Fails at once, with what to change, when the OkHttp on the class path is older than 4.12.
   *
   * @throws IllegalStateException naming the version found and the fix
   */
  static void check() {
    String version = loaded();
    if (!atLeast(version, MIN_MAJOR, MIN_MINOR)) {
      throw new IllegalStateException(
          "dreamina-java needs OkHttp 4.12 or newer, but the OkHttp on the class path is "
              + version
              + ". Another dependency brings the older one: exclude com.squareup.okhttp3:okhttp from it, or"
              + " declare com.squareup.okhttp3:okhttp:4.12.0 (or okhttp-jvm 5.x) in your own build.");
    }
  }

  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.split("[.-]");
    try {
      int foundMajor = Integer.parseInt(parts[0]);
      int foundMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return foundMajor > major || (foundMajor == major && foundMinor >= minor);
    } catch (NumberFormatException e) {
      return true; // an unreadable version is not proof of an old one
    }
  }

  /**
   * Turns OkHttp 5's fast fallback (happy eyeballs) off, so that a connect runs on the dispatcher
   * thread that needs it rather than on OkHttp's shared task threads, one per parallel connect.
   * OkHttp 4 has no fast fallback: there this changes nothing.
   */
  static OkHttpClient.Builder withoutFastFallback(OkHttpClient.Builder builder) {
    if (FAST_FALLBACK != null) {
      try {
        FAST_FALLBACK.invoke(builder, false);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("Could not configure OkHttp " + loaded(), e);
      }
    }
    return builder;
  }

  private static Method fastFallbackSetter() {
    try {
      return OkHttpClient.Builder.class.getMethod("fastFallback", boolean.class);
    } catch (NoSuchMethodException okHttp4) {
      return null;
    }
  }
}
