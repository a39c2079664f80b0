package dev.dreamina.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pre-signed URLs (AWS Signature V4, and Google Cloud Storage's V4, which R2, MinIO, Backblaze and
 * GCS interoperability all speak): a signed URL is a credential for its object, so its signature,
 * credential and session token are blanked wherever the SDK would show or keep one.
 */
public final class SignedUrls {
  /** What a blanked value reads. */
  public static final String REDACTED = "REDACTED";

  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)(X-(?:Amz|Goog)-(?:Signature|Credential|Security-Token)=)[^&\\s\"'<>\\\\]*");

  private SignedUrls() {}

  /**
   * The text with the value of every signing parameter ({@code X-Amz-Signature}, {@code
   * X-Amz-Credential}, {@code X-Amz-Security-Token} and their {@code X-Goog-} forms) blanked.
   */
  public static String redact(String text) {
    if (text == null || text.indexOf('=') < 0) {
      return text;
    }
    Matcher m = SECRET_PARAMETER.matcher(text);
    return m.find() ? m.replaceAll("$1" + REDACTED) : text;
  }

  /** Whether the URL carries a signature. */
  public static boolean isSigned(URI url) {
    String query = url.getRawQuery();
    return query != null && SECRET_PARAMETER.matcher(query).find();
  }

  /**
   * The URL without its signing parameters (every {@code X-Amz-} and {@code X-Goog-} one): the
   * object it names, which is the same for every signature of it. Other URLs are returned as they
   * are.
   */
  public static URI unsigned(URI url) {
    if (!isSigned(url)) {
      return url;
    }
    List<String> kept = new ArrayList<>();
    for (String parameter : url.getRawQuery().split("&")) {
      String name = parameter.toLowerCase(Locale.ROOT);
      if (!name.startsWith("x-amz-") && !name.startsWith("x-goog-")) {
        kept.add(parameter);
      }
    }
    try {
      return new URI(
          url.getScheme()
              + "://"
              + url.getRawAuthority()
              + url.getRawPath()
              + (kept.isEmpty() ? "" : "?" + String.join("&", kept)));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("A parsed URL cannot be rebuilt: " + redact(url.toString()), e);
    }
  }
}
