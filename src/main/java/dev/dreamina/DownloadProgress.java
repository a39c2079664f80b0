package dev.dreamina;

import java.util.OptionalLong;

/** Told how a download is going; called on the downloading thread after each chunk. */
@FunctionalInterface
public interface DownloadProgress {
  /**
   * Reports progress.
   *
   * @param bytesSoFar bytes written so far
   * @param totalBytes the size the server announced ({@code Content-Length}), when it did
   */
  void onProgress(long bytesSoFar, OptionalLong totalBytes);
}
