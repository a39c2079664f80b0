package dev.dreamina.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Plain http is allowed only to these: tests and a local sandbox. */
public final class LoopbackHosts {
  private LoopbackHosts() {}

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
}
