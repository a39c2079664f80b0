package dev.dreamina.internal.wire;


/** Request ids go into URL paths, so they are checked before any URL is built. */
public final class RequestIds {
  private RequestIds() {}

  /** What RunComfy's own client accepts: 1 to 128 of {@code [A-Za-z0-9_-]}. */
  public static boolean isValid(String requestId) {
    // [A-Za-z0-9_-]{1,128}, as a loop: it runs on every answer, and allocates nothing.
    if (requestId == null || requestId.isEmpty() || requestId.length() > 128) {
      return false;
    }
    for (int i = 0; i < requestId.length(); i++) {
      char c = requestId.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
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
