package dev.dreamina.images;

import dev.dreamina.internal.Hashes;
import dev.dreamina.internal.http.ImageProbe;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport.Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A JPEG or PNG in memory, to publish: its bytes, its type (told by its first bytes, never its
 * name) and its content's SHA-256, from which its published {@link #name()} is made, so the same
 * image is stored once however often it is used. Immutable.
 *
 * <p>Making one checks only what no host should store: the type, and the API's size limit. The
 * client runs the full {@link ImagePreflight} (dimensions and ratio too) before it publishes.
 */
public final class LocalImage {
  private final byte[] bytes;
  private final Format format;
  private final String sha256;
  private final String source;

  private LocalImage(byte[] bytes, String source) {
    if (bytes.length >= ImagePreflight.MAX_FILE_BYTES_EXCLUSIVE) {
      throw new IllegalArgumentException(
          source + " is " + bytes.length + " bytes; the API takes images under " + ImagePreflight.MAX_FILE_BYTES_EXCLUSIVE);
    }
    Format sniffed = ImageProbe.sniff(bytes);
    if (sniffed != Format.JPEG && sniffed != Format.PNG) {
      throw new IllegalArgumentException(source + " is not a JPEG or PNG (its first bytes say " + sniffed + ")");
    }
    this.bytes = bytes;
    this.format = sniffed;
    this.sha256 = Hashes.sha256Hex(bytes, 32);
    this.source = source;
  }

  /**
   * An image from memory.
   *
   * @param bytes the image; copied
   * @return the image
   * @throws IllegalArgumentException when it is not a JPEG or PNG, or not under 4.7 MB
   */
  public static LocalImage of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes == null");
    return new LocalImage(bytes.clone(), "the image");
  }

  /**
   * An image read from a file; no more than the API's limit is read.
   *
   * @param file the image file
   * @return the image
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a JPEG or PNG, or not under 4.7 MB
   */
  public static LocalImage read(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    try (InputStream in = Files.newInputStream(file)) {
      return new LocalImage(in.readNBytes(ImagePreflight.MAX_FILE_BYTES_EXCLUSIVE), file.toString());
    }
  }

  /**
   * The image's bytes.
   *
   * @return a copy of them
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Its size.
   *
   * @return the number of bytes
   */
  public int size() {
    return bytes.length;
  }

  /**
   * Its type.
   *
   * @return {@link Format#JPEG} or {@link Format#PNG}
   */
  public Format format() {
    return format;
  }

  /**
   * Its media type.
   *
   * @return {@code image/jpeg} or {@code image/png}
   */
  public String contentType() {
    return format == Format.JPEG ? "image/jpeg" : "image/png";
  }

  /**
   * The SHA-256 of its bytes.
   *
   * @return 64 lower-case hex digits
   */
  public String sha256() {
    return sha256;
  }

  /**
   * The name to publish it under: its {@link #sha256()} and {@code .jpg} or {@code .png}. Two
   * requests with the same image share one object.
   *
   * @return the name
   */
  public String name() {
    return sha256 + (format == Format.JPEG ? ".jpg" : ".png");
  }

  /**
   * Where it came from, for messages: the file's path, or {@code "the image"}.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "LocalImage{" + source + ", " + format + ", " + bytes.length + " bytes, " + name() + "}";
  }
}
