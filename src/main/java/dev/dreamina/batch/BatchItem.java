package dev.dreamina.batch;

import dev.dreamina.ImageToVideoRequest;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One request of a batch.
 *
 * @param key the caller's key for it, unique in the batch (a row number, a product id): outcomes
 *     carry it, and a resumed batch matches requests to journaled jobs by it
 * @param request the validated request
 * @param target where to download its video, if anywhere
 */
public record BatchItem(String key, ImageToVideoRequest request, Optional<Path> target) {
  /**
   * Creates an item.
   *
   * @param key the key
   * @param request the request
   * @param target the download target
   */
  public BatchItem {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(target, "target == null");
  }

  /**
   * An item whose video is downloaded to {@code target}.
   *
   * @param key the key
   * @param request the request
   * @param target where the video goes
   * @return the item
   */
  public static BatchItem of(String key, ImageToVideoRequest request, Path target) {
    return new BatchItem(key, request, Optional.of(target));
  }

  /**
   * An item whose video is not downloaded (its URL is in the outcome).
   *
   * @param key the key
   * @param request the request
   * @return the item
   */
  public static BatchItem of(String key, ImageToVideoRequest request) {
    return new BatchItem(key, request, Optional.empty());
  }
}
