package dev.dreamina.s3;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Real images made with the JDK's ImageIO, and the bad files a user has on disk. */
public final class TestImages {
  private TestImages() {}

  /** A JPEG of this size; {@code shade} changes its content, so its hash. */
  public static byte[] jpeg(int width, int height, int shade) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(width / 2, height / 2, 0, shade & 0xff);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A PDF's first bytes, as a file renamed {@code .jpg} would have them. */
  public static byte[] pdf() {
    return "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj << /Type /Catalog >> endobj\n".getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A JPEG padded with zeros to {@code size} bytes. */
  public static byte[] paddedJpeg(int size) {
    return Arrays.copyOf(jpeg(640, 480, 1), size);
  }
}
