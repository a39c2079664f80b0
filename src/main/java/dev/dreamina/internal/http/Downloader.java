package dev.dreamina.internal.http;

import dev.dreamina.DownloadProgress;
import dev.dreamina.errors.CallInterruptedException;
import dev.dreamina.errors.DownloadException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.NetworkException;
import dev.dreamina.internal.Events;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.wire.Urls;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;

/**
 * Streams a video to a temp file beside the target, then moves it into place, so the target is
 * either the whole file or untouched. Never sends the API token: output URLs are on a CDN.
 * Memory use is a few Okio segments (8 KiB each), whatever the size.
 *
 * <p>Accepts what RunComfy's partner nodes accept: {@code video/*}, {@code
 * application/octet-stream}, {@code binary/octet-stream} (S3's default), and no {@code
 * Content-Type} at all when the body starts like an MP4/MOV ({@code ftyp} box) or a WebM (EBML).
 * The saved file gets the permissions of any file the process creates (its umask applies), not a
 * temp file's {@code 0600}.
 */
public final class Downloader {
  private static final int CHUNK = 64 * 1024;

  private final OkHttpClient http;
  private final RetryPolicy retryPolicy;
  private final Events events;
  private final TimeSource time;
  private final long maxBytes;

  /**
   * @param apiClient the API's prepared client; downloads derive from it (same pool) but follow
   *     redirects and have no overall call timeout, since videos can be large
   */
  public Downloader(OkHttpClient apiClient, RetryPolicy retryPolicy, TimeSource time, long maxBytes, Events events) {
    this.events = events;
    this.http =
        apiClient.newBuilder().followRedirects(true).followSslRedirects(true).callTimeout(Duration.ZERO).build();
    this.retryPolicy = retryPolicy;
    this.time = time;
    this.maxBytes = maxBytes;
  }

  /** The exchanges of the downloads under way: cancelled at close. */
  private final Set<Call> active = ConcurrentHashMap.newKeySet();

  private volatile boolean closed;

  public Path download(URI url, Path target, DownloadProgress progress, String requestId) {
    HttpUrl httpUrl = checkUrl(url);
    return RetryPolicy.retrying(
        attempt -> attempt(url, httpUrl, target, progress, requestId),
        (attempt, failure) -> {
          if (closed || attempt > retryPolicy.maxRetries() || !transientFailure(failure)) {
            return null;
          }
          events.retried("download", requestId, attempt, failure);
          return retryPolicy.delayBefore(attempt, Optional.empty()).orElseThrow();
        },
        time,
        e -> new CallInterruptedException("Interrupted while downloading " + url, requestId, e));
  }

  private static boolean transientFailure(DreaminaException failure) {
    if (failure instanceof NetworkException) {
      return true;
    }
    return failure instanceof DownloadException refused
        && refused.statusCode().stream().anyMatch(RetryPolicy::isRetryableStatus);
  }

  private static HttpUrl checkUrl(URI url) {
    return Urls.httpsOrLoopback(url.toString())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Download URL must be https (http only for loopback hosts): " + url));
  }

  private Path attempt(
      URI url, HttpUrl httpUrl, Path target, DownloadProgress progress, String requestId) {
    Path absolute = target.toAbsolutePath();
    Path temp = null;
    Request request =
        new Request.Builder()
            .url(httpUrl)
            .header("User-Agent", SdkVersion.USER_AGENT)
            .header("Accept", "video/*, application/octet-stream")
            .build();
    Call call = http.newCall(request);
    active.add(call);
    try {
      if (closed) {
        throw new DownloadException("The client was closed: " + url + " was not downloaded", url, null, requestId);
      }
      Files.createDirectories(absolute.getParent());
      temp = createPartFile(absolute);
      try (Response response = call.execute()) {
        boolean typeMissing = check(response, url, requestId);
        copy(response.body(), temp, url, progress, requestId, typeMissing);
      }
      move(temp, absolute);
      temp = null;
      return target;
    } catch (IOException e) {
      if (closed) {
        throw closedDuring(url, requestId);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new CallInterruptedException("Interrupted while downloading " + url, requestId, e);
      }
      throw new NetworkException(
          "Downloading " + url + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          requestId,
          e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // Best effort: the target itself was never touched.
        }
      }
      synchronized (active) {
        active.remove(call);
        active.notifyAll();
      }
    }
  }

  private static DownloadException closedDuring(URI url, String requestId) {
    return new DownloadException(
        "The client was closed: the download of " + url + " was stopped, and nothing of it kept", url, null, requestId);
  }

  /**
   * Refuses new downloads, lets those under way finish for up to {@code finishWithin}, then stops
   * the rest (their exchanges cancelled, their part files removed, their targets never touched)
   * and waits a little for them to be gone.
   */
  public void close(Duration finishWithin) {
    closed = true;
    if (!awaitNoneActive(finishWithin)) {
      active.forEach(Call::cancel);
      awaitNoneActive(Duration.ofSeconds(1));
    }
  }

  /** Whether no download is under way by the end of {@code bound}. */
  private boolean awaitNoneActive(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (active) {
      for (long left; !active.isEmpty(); ) {
        left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          active.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return active.isEmpty();
        }
      }
      return true;
    }
  }

  /**
   * A part file beside the target, created like any other file (so the umask sets its mode, unlike
   * {@link Files#createTempFile}, which always makes it {@code 0600}).
   */
  private static Path createPartFile(Path target) throws IOException {
    while (true) {
      String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      try {
        return Files.createFile(target.resolveSibling("." + target.getFileName() + "." + suffix + ".part"));
      } catch (FileAlreadyExistsException taken) {
        // another download picked the same name: draw again
      }
    }
  }

  /**
   * Refuses an error status, a content type that is not a video's, or an announced size over the
   * cap.
   *
   * @return whether the answer has no content type, so the body's first bytes must tell
   */
  private boolean check(Response response, URI url, String requestId) {
    if (!response.isSuccessful()) {
      throw new DownloadException(
          "Downloading " + url + " failed: HTTP " + response.code(), url, response.code(), requestId);
    }
    String type = response.header("Content-Type", "");
    String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.isEmpty()
        && !mime.startsWith("video/")
        && !mime.equals("application/octet-stream")
        && !mime.equals("binary/octet-stream")) {
      throw new DownloadException(
          "Refused to download " + url + ": its content type is " + mime
              + ", not video/*, application/octet-stream or binary/octet-stream",
          url,
          null,
          requestId);
    }
    long length = response.body().contentLength();
    if (length > maxBytes) {
      throw tooLarge(url, length, requestId);
    }
    return mime.isEmpty();
  }

  /** Whether the body starts with an MP4/MOV {@code ftyp} box or WebM's EBML magic. */
  private static boolean startsLikeVideo(BufferedSource source) throws IOException {
    source.request(8);
    Buffer head = source.getBuffer();
    boolean ftyp =
        head.size() >= 8
            && head.getByte(4) == 'f'
            && head.getByte(5) == 't'
            && head.getByte(6) == 'y'
            && head.getByte(7) == 'p';
    boolean ebml =
        head.size() >= 4
            && head.getByte(0) == 0x1A
            && head.getByte(1) == 0x45
            && head.getByte(2) == (byte) 0xDF
            && head.getByte(3) == (byte) 0xA3;
    return ftyp || ebml;
  }

  private static String looksLike(BufferedSource source) {
    Buffer head = source.getBuffer();
    if (head.size() == 0) {
      return "it is empty";
    }
    byte first = head.getByte(0);
    return first == '<' ? "it looks like HTML or XML"
        : first == '{' || first == '[' ? "it looks like JSON"
        : "its first bytes are " + head.snapshot(Math.min(8, (int) head.size())).hex();
  }

  private void copy(
      ResponseBody body,
      Path temp,
      URI url,
      DownloadProgress progress,
      String requestId,
      boolean typeMissing)
      throws IOException {
    long length = body.contentLength();
    OptionalLong total = length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
    long written = 0;
    BufferedSource source = body.source();
    if (typeMissing && !startsLikeVideo(source)) {
      throw new DownloadException(
          "Refused to download " + url + ": it has no Content-Type and does not start like an MP4,"
              + " MOV or WebM video; " + looksLike(source),
          url,
          null,
          requestId);
    }
    // Okio moves the socket's segments into the file sink without copying them in between.
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        BufferedSink sink = Okio.buffer(Okio.sink(Channels.newOutputStream(channel)))) {
      for (long n; (n = source.read(sink.getBuffer(), CHUNK)) != -1; ) {
        written += n;
        if (written > maxBytes) {
          throw tooLarge(url, written, requestId);
        }
        sink.emitCompleteSegments();
        if (progress != null) {
          progress.onProgress(written, total);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new CallInterruptedException("Interrupted while downloading " + url, requestId, null);
        }
      }
      if (written == 0) {
        throw new DownloadException(
            "Refused to keep the download of " + url + ": the body is empty, not a video",
            url,
            null,
            requestId);
      }
      sink.flush();
      channel.force(true);
    }
  }

  private DownloadException tooLarge(URI url, long bytes, String requestId) {
    return new DownloadException(
        "Refused to download " + url + ": it is larger than the cap of " + maxBytes
            + " bytes (maxDownloadBytes); at least " + bytes + " bytes were announced or read",
        url,
        null,
        requestId);
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
