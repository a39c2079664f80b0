package dev.dreamina.internal.http;

import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.internal.SignedUrls;
import dev.dreamina.internal.wire.Urls;
import dev.dreamina.preflight.PreflightReport.Format;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Reads the start of an image (from a URL or a file) and tells its type and dimensions. Reads at
 * most {@code limit} bytes whatever the source holds, and decodes no pixels.
 */
public final class ImageProbe {
  /** The major brands of HEIF and AVIF images; any other {@code ftyp} brand is a video's. */
  private static final java.util.Set<String> HEIF_BRANDS =
      java.util.Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis");

  private ImageProbe() {}

  /**
   * The first bytes of an image.
   *
   * @param data at most the limit's worth of bytes from the start
   * @param size the whole size when known, else the number of bytes read
   * @param sizeIsExact false when reading stopped at the limit and the whole size is unknown
   * @param contentType the server's {@code Content-Type}, or {@code null}
   */
  public record Sample(byte[] data, long size, boolean sizeIsExact, String contentType) {}

  /** The image could not be fetched; the message says why in words for a user. */
  public static final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message) {
      super(message);
    }
  }

  public static Sample read(Path file, int limit) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      return new Sample(in.readNBytes(limit), size, true, null);
    }
  }

  /**
   * Fetches an image without the {@code Authorization} header (the client must not add one),
   * following redirects.
   *
   * @param http a client that follows redirects
   * @throws CallInterruptedException when the thread is interrupted
   */
  public static Sample fetch(OkHttpClient http, URI url, int limit) throws UnreachableException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    HttpUrl httpUrl = HttpUrl.parse(url.toString());
    if (httpUrl == null) {
      throw new UnreachableException("not an http or https URL: " + SignedUrls.redact(url.toString()));
    }
    if (Urls.httpsOrLoopback(url.toString()).isEmpty()) {
      throw new UnreachableException("RunComfy fetches images over https only, not " + scheme);
    }
    Request request =
        new Request.Builder()
            .url(httpUrl)
            .header("User-Agent", SdkVersion.USER_AGENT)
            .header("Accept", "image/jpeg, image/png;q=0.9, */*;q=0.1")
            .build();
    try (Response response = http.newCall(request).execute()) {
      String where = response.request().url().equals(httpUrl) ? "" : " (after redirects, at " + SignedUrls.redact(response.request().url().toString()) + ")";
      if (!response.isSuccessful()) {
        throw new UnreachableException("HTTP " + response.code() + " from " + httpUrl.host() + where);
      }
      ResponseBody body = response.body();
      byte[] data;
      try (InputStream in = body.byteStream()) {
        data = in.readNBytes(limit);
      }
      long length = body.contentLength();
      boolean exact = length >= 0 || data.length < limit;
      return new Sample(data, Math.max(length, data.length), exact, response.header("Content-Type"));
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CallInterruptedException("Interrupted while fetching from " + httpUrl.host(), null, e);
      }
      throw new UnreachableException(describe(e, httpUrl.host()));
    }
  }

  private static String describe(IOException e, String host) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + host;
    }
    if (e instanceof ConnectException) {
      return "could not connect to " + host + ": " + e.getMessage();
    }
    if (e instanceof InterruptedIOException) {
      return "timed out fetching from " + host;
    }
    return "fetching from " + host + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** The type the first bytes announce. */
  public static Format sniff(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return Format.JPEG;
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Format.PNG;
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8') && (startsWith(b, 4, '7', 'a') || startsWith(b, 4, '9', 'a'))) {
      return Format.GIF;
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return Format.WEBP;
    }
    if (startsWith(b, 0, 'B', 'M')) {
      return Format.BMP;
    }
    if (startsWith(b, 0, 'I', 'I', '*', 0) || startsWith(b, 0, 'M', 'M', 0, '*')) {
      return Format.TIFF;
    }
    if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
      // An ISO media file: its major brand tells a HEIF or AVIF image from an MP4 or MOV video.
      String brand = b.length >= 12 ? new String(b, 8, 4, StandardCharsets.ISO_8859_1) : "";
      return HEIF_BRANDS.contains(brand) ? Format.HEIF : Format.VIDEO;
    }
    String head = new String(b, 0, Math.min(b.length, 512), StandardCharsets.UTF_8).stripLeading();
    if (head.startsWith("\uFEFF")) {
      head = head.substring(1).stripLeading();
    }
    if (head.startsWith("<")) {
      return Format.HTML;
    }
    boolean text = !head.isEmpty() && head.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
    return text ? Format.TEXT : Format.UNKNOWN;
  }

  private static boolean startsWith(byte[] b, int offset, int... expected) {
    if (b.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((b[offset + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Width and height from a JPEG or PNG header, by the JDK's ImageIO reader, without decoding the
   * pixels.
   *
   * @return {width, height}
   * @throws IOException when the header cannot be read
   */
  public static int[] dimensions(Format format, byte[] data) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format == Format.JPEG ? "jpeg" : "png");
    if (!readers.hasNext()) {
      throw new IOException("this JDK has no ImageIO reader for " + format);
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      return new int[] {reader.getWidth(0), reader.getHeight(0)};
    } catch (RuntimeException e) {
      // A malformed header can make a reader throw unchecked exceptions; it is still just unreadable.
      throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }
}
