package dev.dreamina.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Locale;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * What RunComfy does with a job's image before it runs: fetches {@code image_urls[0]} (https only,
 * no credentials, redirects followed, at most the page's 4.7 MB read) and applies the page's rules
 * (JPEG or PNG by their first bytes; each side over 320 and at most 4096 pixels, from the header;
 * width / height strictly between 0.33 and 3). {@link #problem} says what broke a rule, as the
 * failed job's error, or {@code null} when the image passes.
 */
final class ImageFetch {
  static final int MAX_BYTES_EXCLUSIVE = 4_700_000;
  static final int MIN_SIDE_EXCLUSIVE = 320;
  static final int MAX_SIDE = 4096;

  private final SSLSocketFactory sockets;

  /** @param sockets the TLS the fetch trusts, or {@code null} for the JDK's default trust */
  ImageFetch(SSLSocketFactory sockets) {
    this.sockets = sockets;
  }

  /** The error a job whose image is at {@code url} fails with, or {@code null} when it passes. */
  String problem(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return failed("image_urls[0] is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return failed("image_urls[0] must be an https URL, not " + uri.getScheme());
    }
    byte[] bytes;
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      if (sockets != null && connection instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(sockets);
      }
      connection.setConnectTimeout(10_000);
      connection.setReadTimeout(10_000);
      connection.setInstanceFollowRedirects(true);
      try {
        int code = connection.getResponseCode();
        if (code != 200) {
          return failed("fetching image_urls[0] answered HTTP " + code);
        }
        try (InputStream in = connection.getInputStream()) {
          bytes = in.readNBytes(MAX_BYTES_EXCLUSIVE);
          if (bytes.length >= MAX_BYTES_EXCLUSIVE) {
            return failed("the image is 4.7 MB or more");
          }
        }
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return failed("image_urls[0] could not be fetched (" + e.getClass().getSimpleName() + ")");
    }
    int[] size = size(bytes);
    if (size == null) {
      return failed("the image is not a JPEG or PNG");
    }
    int width = size[0];
    int height = size[1];
    if (width <= MIN_SIDE_EXCLUSIVE || height <= MIN_SIDE_EXCLUSIVE || width > MAX_SIDE || height > MAX_SIDE) {
      return failed(String.format(Locale.ROOT, "the image is %dx%d; each side must be over %d and at most %d pixels",
          width, height, MIN_SIDE_EXCLUSIVE, MAX_SIDE));
    }
    double ratio = (double) width / height;
    if (!(ratio > 0.33 && ratio < 3)) {
      return failed(String.format(Locale.ROOT, "the image is %dx%d; its aspect ratio must be between 1:3 and 3:1", width, height));
    }
    return null;
  }

  private static String failed(String why) {
    return "Invalid input image: " + why;
  }

  /** Width and height from a PNG's IHDR or a JPEG's start-of-frame marker; {@code null} for anything else. */
  static int[] size(byte[] b) {
    if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return new int[] {int32(b, 16), int32(b, 20)};
    }
    if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
      int i = 2;
      while (i + 9 < b.length) {
        if ((b[i] & 0xff) != 0xFF) {
          return null;
        }
        int marker = b[i + 1] & 0xff;
        int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
        boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame) {
          int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
          int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
          return new int[] {width, height};
        }
        i += 2 + length;
      }
    }
    return null;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }
}
