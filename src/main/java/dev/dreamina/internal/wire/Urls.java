package dev.dreamina.internal.wire;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The SDK's URL rules in one place: which URLs it talks to (https, or plain http to loopback only:
 * tests and a local sandbox), and how it reads URL strings from RunComfy's answers, the way a
 * browser (or RunComfy's own Python client) would fetch them: a character that {@link URI}
 * refuses, such as a space or a {@code |} in a pre-signed query, is percent-encoded instead of
 * making a paid result unreadable.
 */
public final class Urls {
  /** Besides letters and digits, what may stand unencoded after the authority. */
  private static final String ALLOWED = "-._~!$&'()*+,;=:@/?";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Urls() {}

  /**
   * The URL as OkHttp reads it, if it is one the SDK may talk to: {@code https}, or {@code http}
   * to a loopback host. Used for the base URL, downloads and image fetches alike.
   *
   * @return the URL, or empty when it is not http(s), or is plain http to another host
   */
  public static Optional<HttpUrl> httpsOrLoopback(String text) {
    HttpUrl url = HttpUrl.parse(text.trim());
    return url != null && (url.isHttps() || isLoopback(url.host())) ? Optional.of(url) : Optional.empty();
  }

  /**
   * The API's base URL, checked: http(s), https unless the host is loopback, no query or fragment.
   *
   * @throws IllegalArgumentException saying which rule it breaks
   */
  public static HttpUrl baseUrl(String text) {
    if (HttpUrl.parse(text.trim()) == null) {
      throw new IllegalArgumentException("baseUrl is not an http or https URL: " + text);
    }
    HttpUrl url =
        httpsOrLoopback(text)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "baseUrl must use https (plain http is allowed only for loopback hosts): " + text));
    if (url.query() != null || url.fragment() != null) {
      throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + text);
    }
    return url;
  }

  /** Whether the host is {@code localhost} or a loopback IP literal. Never touches DNS. */
  public static boolean isLoopback(String host) {
    if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    boolean ipLiteral = host.contains(":") || host.matches("[0-9.]+");
    try {
      return ipLiteral && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The absolute URL a string stands for: as is when {@link URI} accepts it, else with every
   * character after the authority that a URI may not hold percent-encoded (UTF-8), existing
   * {@code %XX} escapes kept. The scheme and authority are never changed, so the host stays the
   * one the string names.
   *
   * @return the URL, or empty when the string is blank, not absolute, has no host, or has an
   *     authority that no encoding makes valid
   */
  public static Optional<URI> lenient(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return absolute(new URI(s));
    } catch (URISyntaxException notStrict) {
      try {
        return absolute(new URI(encodeAfterAuthority(s)));
      } catch (URISyntaxException unreadable) {
        return Optional.empty();
      }
    }
  }

  private static Optional<URI> absolute(URI uri) {
    return uri.isAbsolute() && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
  }

  private static String encodeAfterAuthority(String s) {
    int schemeEnd = s.indexOf("://");
    int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
    while (start < s.length() && "/?#".indexOf(s.charAt(start)) < 0) {
      start++;
    }
    StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, start);
    byte[] rest = s.substring(start).getBytes(StandardCharsets.UTF_8);
    boolean inFragment = false;
    for (int i = 0; i < rest.length; i++) {
      int b = rest[i] & 0xff;
      char c = (char) b;
      boolean keep =
          b < 0x80
              && (Character.isLetterOrDigit(c)
                  || ALLOWED.indexOf(c) >= 0
                  || (c == '#' && !inFragment)
                  || (c == '%' && i + 2 < rest.length && isHex(rest[i + 1]) && isHex(rest[i + 2])));
      if (c == '#') {
        inFragment = true;
      }
      if (keep) {
        out.append(c);
      } else {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean isHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }
}
