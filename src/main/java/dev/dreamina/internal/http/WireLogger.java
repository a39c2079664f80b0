package dev.dreamina.internal.http;

import dev.dreamina.WireLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.Request;

/**
 * The wire log ({@link WireLog}): one record per exchange on {@value WireLog#LOGGER} at {@code
 * INFO}, its first line the method, path, outcome and time, and at {@link WireLog#DEBUG} the
 * headers ({@code >} sent, {@code <} received) and bodies after it. Credentials never appear: the
 * headers that carry one are redacted, and the token is blanked wherever else it would show.
 */
final class WireLogger {
  private static final System.Logger LOG = System.getLogger(WireLog.LOGGER);
  private static final int BODY_CAP = 4096;
  private static final String REDACTED = "<redacted>";

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
        .append(request.url().encodedPath()).append(query == null ? "" : "?" + query)
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
          .append(secret(name) ? REDACTED : blank(headers.value(i)));
    }
  }

  private void body(StringBuilder line, char side, byte[] body, boolean cut) {
    if (body == null || body.length == 0) {
      return;
    }
    int shown = Math.min(body.length, BODY_CAP);
    line.append('\n').append(side).append(' ')
        .append(blank(new String(body, 0, shown, StandardCharsets.UTF_8)));
    if (shown < body.length || cut) {
      line.append(" … (").append(cut ? "over " : "").append(body.length).append(" bytes, ").append(shown).append(" shown)");
    }
  }

  /** Headers that carry credentials: their values are never logged. */
  private static boolean secret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.contains("authorization")
        || lower.contains("cookie")
        || lower.contains("token")
        || lower.contains("api-key")
        || lower.contains("apikey")
        || lower.contains("secret");
  }

  /** The token, blanked wherever it would show. */
  private String blank(String text) {
    return text.contains(token) ? text.replace(token, REDACTED) : text;
  }
}
