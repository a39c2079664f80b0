package dev.dreamina.internal;

import java.util.regex.Pattern;

/** Request ids go into URL paths, so they are checked before any URL is built. */
public final class RequestIds {
  /** What RunComfy's own client accepts. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private RequestIds() {}

  public static boolean isValid(String requestId) {
    return requestId != null && VALID.matcher(requestId).matches();
  }

  /**
   * @throws IllegalArgumentException when the id is not 1 to 128 of {@code [A-Za-z0-9_-]}
   */
  public static String check(String requestId) {
    if (requestId == null) {
      throw new IllegalArgumentException("requestId == null");
    }
    if (!isValid(requestId)) {
      throw new IllegalArgumentException(
          "Invalid request id: expected 1 to 128 characters of [A-Za-z0-9_-], got "
              + (requestId.length() > 140 ? requestId.length() + " characters" : "\"" + requestId + "\""));
    }
    return requestId;
  }
}
