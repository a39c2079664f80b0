package dev.dreamina.internal.http;

import dev.dreamina.WireLog;
import dev.dreamina.internal.SignedUrls;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.Request;

/**
 * The wire log ({@link WireLog}): one record per exchange on {@value WireLog#LOGGER} at {@code
 * INFO}, its first line the method, path, outcome and time, and at {@link WireLog#DEBUG} the
 * headers ({@code >} sent, {@code <} received) and bodies after it. Credentials never appear: a
 * header's value is shown only when its name is on {@link #SHOWN}, a fixed list of headers known
 * to carry none (every other value is {@code <redacted>}, whoever's header it is), and the token
 * is blanked wherever else it would show, before a long body is cut.
 */
final class WireLogger {
  private static final System.Logger LOG = System.getLogger(WireLog.LOGGER);
  /** The most characters of a body shown. */
  private static final int BODY_CAP = 4096;
  private static final String REDACTED = "<redacted>";

  /**
   * The headers whose values are shown, lower case: what describes the body and the connection,
   * dates and cache control, retry and rate-limit advice, and request and trace ids. Any header
   * not named here (an API key of a proxy, a cookie, a signature, a redirect's {@code Location},
   * which may be a pre-signed URL) is redacted.
   */
  static final Set<String> SHOWN =
      Set.of(
          "accept",
          "accept-encoding",
          "age",
          "cache-control",
          "cf-ray",
          "connection",
          "content-encoding",
          "content-length",
          "content-type",
          "date",
          "etag",
          "expires",
          "host",
          "keep-alive",
          "last-modified",
          "pragma",
          "ratelimit",
          "ratelimit-limit",
          "ratelimit-policy",
          "ratelimit-remaining",
          "ratelimit-reset",
          "retry-after",
          "server",
          "traceparent",
          "transfer-encoding",
          "user-agent",
          "vary",
          "via",
          "x-amzn-requestid",
          "x-amzn-trace-id",
          "x-b3-traceid",
          "x-correlation-id",
          "x-ratelimit-limit",
          "x-ratelimit-remaining",
          "x-ratelimit-reset",
          "x-request-id",
          "x-trace-id");

  private final WireLog setting;
  private final String token;

  WireLogger(WireLog setting, String token) {
    this.setting = setting;
    this.token = token;
  }

  /**
   * The level in force: the setting, or DEBUG when the logging backend enables the logger at
   * TRACE (not DEBUG, which an app that debugs {@code dev.dreamina} would pass on to it); OFF when
   * the backend drops INFO, so that no record is built for nothing. Switched off (the common
   * case), one check.
   */
  private WireLog level() {
    if (setting == WireLog.OFF && !LOG.isLoggable(Level.TRACE)) {
      return WireLog.OFF;
    }
    if (!LOG.isLoggable(Level.INFO)) {
      return WireLog.OFF;
    }
    return setting == WireLog.DEBUG || LOG.isLoggable(Level.TRACE) ? WireLog.DEBUG : WireLog.INFO;
  }

  void answered(Request request, byte[] sent, int attempt, long nanos, int status, Headers headers, byte[] received, boolean cut) {
    WireLog level = level();
    if (level == WireLog.OFF) {
      return;
    }
    StringBuilder line = first(request, String.valueOf(status), attempt, nanos);
    if (level == WireLog.DEBUG) {
      sentPart(line, request, sent);
      headers(line, '<', headers);
      body(line, '<', received, cut);
    }
    LOG.log(Level.INFO, line.toString());
  }

  void failed(Request request, byte[] sent, int attempt, long nanos, IOException failure) {
    WireLog level = level();
    if (level == WireLog.OFF) {
      return;
    }
    StringBuilder line = first(request, "failed: " + failure.getClass().getSimpleName(), attempt, nanos);
    if (level == WireLog.DEBUG) {
      sentPart(line, request, sent);
    }
    LOG.log(Level.INFO, line.toString());
  }

  private static StringBuilder first(Request request, String outcome, int attempt, long nanos) {
    String query = request.url().encodedQuery();
    return new StringBuilder(256)
        .append(request.method()).append(' ')
        .append(request.url().encodedPath()).append(query == null ? "" : "?" + SignedUrls.redact(query))
        .append(" -> ").append(outcome)
        .append(" in ").append(TimeUnit.NANOSECONDS.toMillis(nanos)).append(" ms")
        .append(" (attempt ").append(attempt).append(')');
  }

  private void sentPart(StringBuilder line, Request request, byte[] sent) {
    headers(line, '>', request.headers());
    body(line, '>', sent, false);
  }

  private void headers(StringBuilder line, char side, Headers headers) {
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      line.append('\n').append(side).append(' ').append(name).append(": ")
          .append(SHOWN.contains(name.toLowerCase(Locale.ROOT)) ? blank(headers.value(i)) : REDACTED);
    }
  }

  /** The body as text, the token blanked first, then cut to {@link #BODY_CAP} characters (never inside a pair). */
  private void body(StringBuilder line, char side, byte[] body, boolean cut) {
    if (body == null || body.length == 0) {
      return;
    }
    String text = blank(new String(body, StandardCharsets.UTF_8));
    int shown = Math.min(text.length(), BODY_CAP);
    if (shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
      shown--;
    }
    line.append('\n').append(side).append(' ').append(text, 0, shown);
    if (shown < text.length() || cut) {
      line.append(" … (").append(cut ? "over " : "").append(body.length).append(" bytes, ")
          .append(shown).append(" characters shown)");
    }
  }

  /** The token, and a pre-signed image URL's signature and credential, blanked wherever they would show. */
  private String blank(String text) {
    return SignedUrls.redact(text.contains(token) ? text.replace(token, REDACTED) : text);
  }
}
