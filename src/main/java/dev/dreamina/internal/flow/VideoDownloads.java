package dev.dreamina.internal.flow;

import dev.dreamina.DownloadProgress;
import dev.dreamina.RequestResult;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.internal.http.Downloader;
import dev.dreamina.internal.Events;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A flow's downloads of videos, and the journal's record of each: its outcome (under the flow's
 * idempotency key, when it has one) and the listener's {@code downloaded} event.
 */
final class VideoDownloads {
  private final Downloader downloader;
  private final Events events;
  private final JournalRecorder journal;
  private final @Nullable String key;

  VideoDownloads(Downloader downloader, Events events, JournalRecorder journal, @Nullable String key) {
    this.downloader = downloader;
    this.events = events;
    this.journal = journal;
    this.key = key;
  }

  /** A video by its URL, no job known: told to the listener as a download without a request id. */
  Path download(URI url, Path target, DownloadProgress progress) {
    long start = events.nanoTime();
    downloader.download(url, target, progress, null);
    told(null, target, start);
    return target;
  }

  /** A job's video, journaled; a result without one fails as {@link JobFlow#withVideo} says. */
  Path download(RequestResult result, Path target, DownloadProgress progress) {
    journal.checkNotLost(result.requestId());
    long start = events.nanoTime();
    try {
      downloader.download(JobFlow.withVideo(result).videoUrl().orElseThrow(), target, progress, result.requestId());
    } catch (RuntimeException e) {
      downloaded(result.requestId(), target, e);
      throw e;
    }
    downloaded(result.requestId(), target, null);
    told(result.requestId(), target, start);
    return target;
  }

  /**
   * Whether the journal has this keyed flow's job downloaded to {@code target} already, and the
   * file is there: a call repeated with its idempotency key then fetches nothing. Always {@code
   * false} without a key (no I/O then); blocking, a keyed read, with one.
   */
  boolean downloadedBefore(String requestId, Path target) {
    if (key == null) {
      return false;
    }
    Optional<JournalEntry> entry = journal.byRequestId(requestId);
    return entry.isPresent()
        && entry.get().state() == JournalEntry.State.DOWNLOADED
        && entry.get().target().equals(Optional.of(target.toAbsolutePath()))
        && Files.isRegularFile(target);
  }

  private void downloaded(String requestId, Path target, @Nullable RuntimeException failure) {
    if (key == null) {
      journal.downloaded(requestId, target, failure);
    } else {
      journal.downloadedForKey(requestId, target, failure);
    }
  }

  private void told(@Nullable String requestId, Path target, long start) {
    if (events.enabled()) {
      events.downloaded(requestId, sizeOf(target), start);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
