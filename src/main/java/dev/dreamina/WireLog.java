package dev.dreamina;

import java.util.Locale;

/**
 * How much of each HTTP exchange with RunComfy the client logs, through {@code System.Logger}
 * under the name {@value #LOGGER}, at level {@code INFO}. Set it with {@link
 * DreaminaClientBuilder#wireLog} or the environment variable {@value #ENV} ({@code info} or
 * {@code debug}, read by {@link DreaminaClientBuilder#fromEnv()}). A logging backend that enables
 * {@value #LOGGER} at {@code TRACE} turns on {@link #DEBUG} too (not at {@code DEBUG}, so that
 * debugging {@code dev.dreamina} logs no bodies), and one that disables it at {@code INFO}
 * silences the wire log whatever the setting.
 */
public enum WireLog {
  /** Nothing: the default. */
  OFF,
  /** One line per exchange, retries included: method, path, status (or the failure) and time. */
  INFO,
  /**
   * As {@link #INFO}, with the headers and bodies of both sides, each body cut to 4 KiB. The
   * {@code Authorization} header (and any other that carries a credential: cookies, API keys) is
   * redacted, and so is the token wherever else it would appear. Bodies hold prompts.
   */
  DEBUG;

  /** The logger the wire log writes to. */
  public static final String LOGGER = "dev.dreamina.wire";

  /** The environment variable that sets it. */
  public static final String ENV = "DREAMINA_LOG";

  /**
   * Reads a setting as {@value #ENV} holds it: {@code off}, {@code info} or {@code debug}, in any
   * case.
   *
   * @param text the setting
   * @return the level
   * @throws IllegalArgumentException for any other text
   */
  public static WireLog parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV + " must be off, info or debug, not \"" + text + "\"");
    }
  }
}
