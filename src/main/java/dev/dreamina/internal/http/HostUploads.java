package dev.dreamina.internal.http;

import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.images.ImageUploads;
import dev.dreamina.images.LocalImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.OkHttpClient;

/**
 * {@link ImageUploads} on the client's prepared OkHttp client (no redirects, no resends, no
 * {@code Authorization}): one attempt per call. Messages name the method, the host and the answer
 * (with an S3 error's {@code <Code>}), never the URL's query, which holds its signature.
 */
public final class HostUploads implements ImageUploads {
  private static final Pattern S3_CODE = Pattern.compile("<Code>([A-Za-z0-9.]{1,64})</Code>");
  private static final int ERROR_BODY_BYTES = 2048;

  private final OkHttpClient http;

  public HostUploads(OkHttpClient prepared) {
    this.http = prepared;
  }

  @Override
  public boolean exists(URI signedGet) throws IOException {
    Request request = request(signedGet).header("Range", "bytes=0-0").get().build();
    try (Response response = call(request)) {
      int code = response.code();
      if (code == 200 || code == 206) {
        return true;
      }
      if (code == 404 || code == 403) {
        return false;
      }
      throw refused(request, response);
    }
  }

  @Override
  public void put(URI signedPut, Map<String, String> headers, LocalImage image) throws IOException {
    Request.Builder builder = request(signedPut);
    headers.forEach(builder::header);
    String type = headers.entrySet().stream()
        .filter(h -> h.getKey().equalsIgnoreCase("Content-Type")).map(Map.Entry::getValue).findFirst()
        .orElse(image.contentType());
    Request request = builder.put(RequestBody.create(image.bytes(), MediaType.get(type))).build();
    try (Response response = call(request)) {
      if (!response.isSuccessful()) {
        throw refused(request, response);
      }
    }
  }

  @Override
  public void delete(URI signedDelete) throws IOException {
    Request request = request(signedDelete).delete().build();
    try (Response response = call(request)) {
      if (!response.isSuccessful() && response.code() != 404) {
        throw refused(request, response);
      }
    }
  }

  private static Request.Builder request(URI url) {
    HttpUrl parsed = HttpUrl.parse(url.toString());
    if (parsed == null || !parsed.isHttps()) {
      throw new IllegalArgumentException("An image host's URL must be https, not " + url.getScheme());
    }
    return new Request.Builder().url(parsed).header("User-Agent", SdkVersion.USER_AGENT);
  }

  private Response call(Request request) throws IOException {
    try {
      return http.newCall(request).execute();
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CallInterruptedException("Interrupted during a " + request.method() + " to " + request.url().host(), null, e);
      }
      String why = e instanceof InterruptedIOException ? "timed out" : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new IOException(request.method() + " to " + request.url().host() + " failed: " + why, e);
    }
  }

  private static IOException refused(Request request, Response response) throws IOException {
    ResponseBody body = response.body();
    String text = new String(body.byteStream().readNBytes(ERROR_BODY_BYTES), java.nio.charset.StandardCharsets.UTF_8);
    Matcher code = S3_CODE.matcher(text);
    return new IOException(
        request.method() + " to " + request.url().host() + " answered " + response.code()
            + (code.find() ? " (" + code.group(1) + ")" : ""));
  }
}
