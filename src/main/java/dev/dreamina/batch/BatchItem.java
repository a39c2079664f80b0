package dev.dreamina.batch;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.internal.Arguments;
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
 * @param idempotencyKey its idempotency key, if it has one ({@link #withIdempotencyKey})
 */
public record BatchItem(String key, ImageToVideoRequest request, Optional<Path> target, Optional<String> idempotencyKey) {
  /**
   * Creates an item.
   *
   * @param key the key
   * @param request the request
   * @param target the download target
   * @param idempotencyKey the item's idempotency key
   */
  public BatchItem {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
  }

  /**
   * Creates an item with no idempotency key.
   *
   * @param key the key
   * @param request the request
   * @param target the download target
   */
  public BatchItem(String key, ImageToVideoRequest request, Optional<Path> target) {
    this(key, request, target, Optional.empty());
  }

  /**
   * This item with an idempotency key ({@link dev.dreamina.CallOptions.Builder#idempotencyKey}):
   * it is submitted as a keyed submit is, so that it makes one paid job per key whatever batch,
   * run or instance it is in; a batch's journal then finds it by the key, not by the batch's id.
   * Needs the client's journal.
   *
   * @param idempotencyKey the key, as {@link dev.dreamina.CallOptions.Builder#idempotencyKey} takes it
   * @return the item with the key
   */
  public BatchItem withIdempotencyKey(String idempotencyKey) {
    return new BatchItem(key, request, target, Optional.of(Arguments.idempotencyKey(idempotencyKey)));
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
