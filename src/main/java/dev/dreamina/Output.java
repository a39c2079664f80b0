package dev.dreamina;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code output} object of a result, with all four fields of the page's output schema. For this
 * model the video is in {@code video}, or is the single item of {@code videos}.
 *
 * @param image the {@code image} URL, when sent
 * @param video the {@code video} URL, when sent
 * @param images the {@code images} URLs; empty when not sent
 * @param videos the {@code videos} URLs; empty when not sent
 * @param additionalProperties fields this SDK does not model
 */
public record Output(
    Optional<URI> image,
    Optional<URI> video,
    List<URI> images,
    List<URI> videos,
    Map<String, Object> additionalProperties) {

  /**
   * Creates an output.
   *
   * @param image the image URL
   * @param video the video URL
   * @param images the image URLs
   * @param videos the video URLs
   * @param additionalProperties unmodelled fields
   */
  public Output {
    Objects.requireNonNull(image, "image == null");
    Objects.requireNonNull(video, "video == null");
    images = List.copyOf(images);
    videos = List.copyOf(videos);
    additionalProperties = Models.copy(additionalProperties);
  }

  /**
   * The generated video: {@code video}, else the single item of {@code videos}.
   *
   * @return the URL, or empty when neither holds exactly one video
   */
  public Optional<URI> videoUrl() {
    if (video.isPresent()) {
      return video;
    }
    return videos.size() == 1 ? Optional.of(videos.get(0)) : Optional.empty();
  }
}
