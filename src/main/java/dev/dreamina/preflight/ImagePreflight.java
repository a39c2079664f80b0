package dev.dreamina.preflight;

import dev.dreamina.DreaminaClient;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.internal.Arguments;
import dev.dreamina.internal.http.ImageProbe;
import dev.dreamina.internal.http.ImageProbe.Sample;
import dev.dreamina.internal.http.ImageProbe.UnreachableException;
import dev.dreamina.internal.http.Transport;
import dev.dreamina.preflight.PreflightReport.Failure;
import dev.dreamina.preflight.PreflightReport.Format;
import dev.dreamina.preflight.PreflightReport.Rule;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Checks an input image against the endpoint page's rules before anything is paid for. RunComfy
 * checks these only after it has fetched the image, so a bad image otherwise costs a round trip,
 * and perhaps a failed job:
 *
 * <ul>
 *   <li>JPEG or PNG, told by the file's first bytes, not its name or {@code Content-Type};
 *   <li>smaller than 4.7 MB, read the strict way: under {@value #MAX_FILE_BYTES_EXCLUSIVE} bytes;
 *   <li>{@value #MIN_SIDE_EXCLUSIVE} &lt; width &le; {@value #MAX_SIDE} and the same for height,
 *       from the image header (no pixels are decoded);
 *   <li>0.33 &lt; width / height &lt; 3, exactly as the page states it (so a 1:3 portrait, at
 *       0.333, passes, while a 3:1 landscape does not).
 * </ul>
 *
 * <p>A URL is fetched without the {@code Authorization} header, following redirects (pre-signed
 * URLs often redirect), and no more than {@value #MAX_FILE_BYTES_EXCLUSIVE} bytes are read. One
 * attempt is made: an image that cannot be fetched (an HTTP error, a timeout, an HTML page in its
 * place) fails {@link Rule#REACHABLE} or {@link Rule#FORMAT} in the report rather than throwing.
 * Thread-safe.
 *
 * <pre>{@code
 * PreflightReport report = ImagePreflight.create().check(URI.create("https://example.com/a.png"));
 * if (!report.passes()) {
 *   List<String> problems = report.failures().stream().map(Failure::message).toList();
 * }
 * }</pre>
 *
 * <p>{@link DreaminaClient#imagePreflight()} gives one that shares the client's connections, and
 * {@link dev.dreamina.DreaminaClientBuilder#preflightImages(boolean)} runs it before every submit.
 */
public final class ImagePreflight {
  /** A file must be smaller than this many bytes: the page's 4.7 MB, read as 4,700,000 bytes. */
  public static final int MAX_FILE_BYTES_EXCLUSIVE = 4_700_000;

  /** Width and height must be greater than this many pixels. */
  public static final int MIN_SIDE_EXCLUSIVE = 320;

  /** Width and height must be at most this many pixels. */
  public static final int MAX_SIDE = 4096;

  private final OkHttpClient http;

  /** @param prepared a client from {@link Transport#prepare}; redirects are turned on here */
  ImagePreflight(OkHttpClient prepared) {
    this.http = prepared.newBuilder().followRedirects(true).followSslRedirects(true).build();
  }

  /**
   * A preflight with its own HTTP client: 10 s to connect, 30 s for the whole fetch.
   *
   * @return a new preflight
   */
  public static ImagePreflight create() {
    return builder().build();
  }

  /**
   * Starts configuring a preflight.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fetches the image at {@code url} and checks it.
   *
   * @param url the image's URL: {@code https} ({@code http} only for loopback hosts)
   * @return the report; an unreachable image is a failed report, not an exception
   * @throws CallInterruptedException when the thread is interrupted
   */
  public PreflightReport check(URI url) {
    Objects.requireNonNull(url, "url == null");
    try {
      return check(url.toString(), ImageProbe.fetch(http, url, MAX_FILE_BYTES_EXCLUSIVE));
    } catch (UnreachableException e) {
      return unreachable(url.toString(), String.valueOf(e.getMessage()));
    }
  }

  /**
   * Checks a local image file, for example before uploading it somewhere RunComfy can fetch it.
   *
   * @param file the image file
   * @return the report; a missing or unreadable file is a failed report, not an exception
   */
  public PreflightReport check(Path file) {
    Objects.requireNonNull(file, "file == null");
    try {
      return check(file.toString(), ImageProbe.read(file, MAX_FILE_BYTES_EXCLUSIVE));
    } catch (NoSuchFileException e) {
      return unreachable(file.toString(), "no such file");
    } catch (IOException e) {
      return unreachable(file.toString(), "could not read the file: " + e.getMessage());
    }
  }

  /**
   * Checks an image in memory, for example before publishing it.
   *
   * @param image the image's bytes
   * @return the report
   */
  public PreflightReport check(byte[] image) {
    Objects.requireNonNull(image, "image == null");
    return check("the image", new Sample(image, image.length, true, null));
  }

  private static PreflightReport unreachable(String source, String why) {
    return new PreflightReport(source, null, -1, -1, -1, List.of(new Failure(Rule.REACHABLE, why)));
  }

  private static PreflightReport check(String source, Sample sample) {
    List<Failure> failures = new ArrayList<>();
    Format format = ImageProbe.sniff(sample.data());
    long size = sample.size();
    int width = -1;
    int height = -1;
    if (!format.accepted()) {
      failures.add(new Failure(Rule.FORMAT, formatDetail(format, sample.contentType())));
    } else {
      try {
        int[] dimensions = ImageProbe.dimensions(format, sample.data());
        width = dimensions[0];
        height = dimensions[1];
      } catch (IOException e) {
        failures.add(
            new Failure(Rule.FORMAT, "it starts like a " + format + " but its header cannot be read: " + e.getMessage()));
      }
    }
    if (size >= MAX_FILE_BYTES_EXCLUSIVE) {
      failures.add(
          new Failure(
              Rule.FILE_SIZE,
              (sample.sizeIsExact() ? "" : "at least ") + size + " bytes; it must be under " + MAX_FILE_BYTES_EXCLUSIVE));
    }
    if (width >= 0) {
      String measured = "measured " + width + "x" + height + " px";
      if (width > MAX_SIDE || height > MAX_SIDE) {
        failures.add(new Failure(Rule.MAX_RESOLUTION, measured));
      }
      if (width <= MIN_SIDE_EXCLUSIVE || height <= MIN_SIDE_EXCLUSIVE) {
        failures.add(new Failure(Rule.MIN_SIDE, measured + "; each side must be over " + MIN_SIDE_EXCLUSIVE));
      }
      // Integer arithmetic, so the bounds are exact: width/height < 3 and width/height > 0.33.
      if ((long) width >= 3L * height) {
        failures.add(new Failure(Rule.MAX_RATIO, measured + "; width/height must be below 3"));
      }
      if (100L * width <= 33L * height) {
        failures.add(new Failure(Rule.MIN_RATIO, measured + "; width/height must be above 0.33"));
      }
    }
    return new PreflightReport(source, format, size, width, height, failures);
  }

  private static String formatDetail(Format format, String contentType) {
    String served = contentType == null ? "" : " (served as " + contentType + ")";
    return switch (format) {
      case HTML -> "got an HTML page, not an image" + served + "; does the URL need a login or cookies?";
      case TEXT -> "got text, not an image" + served;
      case UNKNOWN -> "the content is not a JPEG or PNG" + served;
      case VIDEO -> "got a video (MP4 or MOV), not an image" + served;
      default -> "the content is " + format + served;
    };
  }

  @Override
  public String toString() {
    return "ImagePreflight{}";
  }

  /** Configures an {@link ImagePreflight}. Not thread-safe. */
  public static final class Builder {
    private @Nullable OkHttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Shares an existing OkHttp client (its connection pool, proxy and TLS settings). The preflight
     * derives its own with {@code newBuilder()}.
     *
     * @param httpClient the client to share
     * @return this builder
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
      return this;
    }

    /**
     * Sets the time allowed to open a connection. Default 10 s.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Arguments.positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the time allowed for a whole fetch, redirects included. Default 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Arguments.positive(timeout, "timeout");
      return this;
    }

    /**
     * Builds the preflight.
     *
     * @return a new preflight
     */
    public ImagePreflight build() {
      OkHttpClient base = httpClient != null ? httpClient : new OkHttpClient();
      return new ImagePreflight(Transport.prepare(base, connectTimeout, timeout));
    }
  }
}
