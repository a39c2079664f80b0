package dev.dreamina.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as hex: the journal's account hashes, keyed local ids, identical-request keys and published images' names. */
public final class Hashes {
  private Hashes() {}

  /** The first {@code bytes} bytes of the SHA-256 of {@code text} (UTF-8), as lower-case hex. */
  public static String sha256Hex(String text, int bytes) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8), bytes);
  }

  /** The first {@code bytes} bytes of the SHA-256 of {@code data}, as lower-case hex. */
  public static String sha256Hex(byte[] data, int bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
      return HexFormat.of().formatHex(hash, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
