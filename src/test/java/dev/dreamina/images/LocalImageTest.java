package dev.dreamina.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.preflight.PreflightReport.Format;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageTest {
  @TempDir Path dir;

  private static byte[] encode(String format, int shade) throws IOException {
    BufferedImage image = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
    image.setRGB(1, 1, shade);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  @Test
  void theNameIsTheContentsHashWithTheTypeToldByTheBytes() throws IOException {
    byte[] png = encode("png", 7);
    Path misnamed = Files.write(dir.resolve("photo.jpg"), png);
    LocalImage read = LocalImage.read(misnamed);
    LocalImage same = LocalImage.of(png);
    assertEquals(Format.PNG, read.format());
    assertEquals("image/png", read.contentType());
    assertEquals(64, read.sha256().length());
    assertEquals(read.sha256() + ".png", read.name());
    assertEquals(read.name(), same.name());
    assertEquals(misnamed.toString(), read.source());
    assertArrayEquals(png, read.bytes());
    assertEquals(png.length, read.size());
    LocalImage jpeg = LocalImage.of(encode("jpeg", 9));
    assertEquals("image/jpeg", jpeg.contentType());
    assertTrue(jpeg.name().endsWith(".jpg"), jpeg.name());
    assertNotEquals(LocalImage.of(encode("png", 8)).name(), read.name());
  }

  @Test
  void theBytesAreCopiedInAndOut() throws IOException {
    byte[] png = encode("png", 1);
    LocalImage image = LocalImage.of(png);
    String name = image.name();
    png[png.length - 1] ^= 1;
    image.bytes()[0] = 0;
    assertEquals(name, LocalImage.of(image.bytes()).name());
  }

  @Test
  void whatNoHostShouldStoreIsRefused() throws IOException {
    byte[] pdf = "%PDF-1.7\n1 0 obj << >> endobj\n".getBytes(StandardCharsets.ISO_8859_1);
    IllegalArgumentException notImage = assertThrows(IllegalArgumentException.class, () -> LocalImage.of(pdf));
    assertTrue(notImage.getMessage().contains("not a JPEG or PNG"), notImage.getMessage());
    Path big = Files.write(dir.resolve("big.jpg"), Arrays.copyOf(encode("jpeg", 1), 5_000_000));
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> LocalImage.read(big));
    assertTrue(tooBig.getMessage().startsWith(big + " is 4700000 bytes"), tooBig.getMessage());
  }

  @Test
  void aPublishedImageIsHttpsAndShowsNoSignature() {
    URI signed = URI.create("https://b.example/p/a.jpg?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=feed");
    PublishedImage image = new PublishedImage(signed, "a.jpg", Instant.EPOCH, false);
    assertEquals(URI.create("https://b.example/p/a.jpg"), image.unsignedUrl());
    assertTrue(image.toString().contains("X-Amz-Signature=REDACTED"), image.toString());
    assertTrue(!image.toString().contains("feed") && !image.toString().contains("AKIA"), image.toString());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PublishedImage(URI.create("http://b.example/a.jpg"), "a.jpg", Instant.EPOCH, false));
  }
}
