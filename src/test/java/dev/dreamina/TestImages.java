package dev.dreamina;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import mockwebserver3.MockResponse;
import okio.Buffer;

/** Real images, made with the JDK's ImageIO writers and cached: large ones take a moment. */
final class TestImages {
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private TestImages() {}

  /** An image of the given ImageIO format ("jpeg", "png", "gif", "bmp") and size. */
  static byte[] image(String format, int width, int height) {
    return CACHE.computeIfAbsent(format + width + "x" + height, key -> encode(format, width, height));
  }

  private static byte[] encode(String format, int width, int height) {
    // PNG and GIF can be 1 bit deep, which keeps 4097-pixel images cheap; JPEG and BMP need gray.
    int type =
        format.equals("png") || format.equals("gif")
            ? BufferedImage.TYPE_BYTE_BINARY
            : BufferedImage.TYPE_BYTE_GRAY;
    BufferedImage image = new BufferedImage(width, height, type);
    image.getRaster().setSample(width / 2, height / 2, 0, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The image with zero bytes appended after its end, to exactly {@code size} bytes. */
  static byte[] paddedTo(byte[] image, int size) {
    if (size < image.length) {
      throw new IllegalArgumentException("image is already " + image.length + " bytes");
    }
    return Arrays.copyOf(image, size);
  }

  static MockResponse serve(byte[] body, String contentType) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", contentType)
        .body(new Buffer().write(body))
        .build();
  }
}
