package dev.dreamina;

import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.internal.SignedUrls;
import dev.dreamina.internal.validation.RequestValidation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * An image-to-video job for Dreamina 3.0 Pro: a prompt, one JPEG or PNG image URL (or a local image
 * file, which the client publishes to its {@link dev.dreamina.images.ImageHost image host} on
 * submit), and optionally a frame count and a seed. Immutable and thread-safe; made with {@link
 * #builder()}, which checks every rule of the API's input schema in {@link Builder#build()}.
 *
 * <pre>{@code
 * ImageToVideoRequest request = ImageToVideoRequest.builder()
 *     .prompt("A slow tracking shot down a sunlit street")
 *     .imageUrl("https://example.com/street.jpg")
 *     .frames(ImageToVideoRequest.FRAMES_10_SECONDS)
 *     .seed(42)
 *     .build();
 * }</pre>
 */
public final class ImageToVideoRequest {
  /** 121 frames: a video of about 5 seconds. The server's default when frames are unset. */
  public static final int FRAMES_5_SECONDS = 121;

  /** 241 frames: a video of about 10 seconds. */
  public static final int FRAMES_10_SECONDS = 241;

  /** The seed that asks the server for a random seed. The server's default when unset. */
  public static final int RANDOM_SEED = -1;

  /** The longest prompt, in Unicode code points (as JSON Schema counts {@code maxLength}). */
  public static final int MAX_PROMPT_LENGTH = 800;

  private final String prompt;
  private final String imageUrl;
  private final URI imageUri;
  private final @Nullable Integer frames;
  private final @Nullable Integer seed;
  private final @Nullable Path imageFile;

  private ImageToVideoRequest(Builder builder, URI imageUri, @Nullable Path imageFile) {
    this.prompt = Objects.requireNonNull(builder.prompt, "validated");
    this.imageUrl = imageUri.toString();
    this.imageUri = imageUri;
    this.frames = builder.frames;
    this.seed = builder.seed;
    this.imageFile = imageFile;
  }

  /**
   * Starts a request.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this request's values, to make a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.prompt = prompt;
    if (imageFile != null) {
      b.imageFile = imageFile;
    } else {
      b.imageUrl = imageUrl;
    }
    b.frames = frames;
    b.seed = seed;
    return b;
  }

  /**
   * The text prompt: at most {@value #MAX_PROMPT_LENGTH} Unicode code points.
   *
   * @return the prompt
   */
  public String prompt() {
    return prompt;
  }

  /**
   * The input image: an absolute https URL of a JPEG or PNG, sent as the single item of {@code
   * image_urls}. For a request made with {@link Builder#imageFile}, the file's {@code file:} URI:
   * the client sends the URL it publishes the file at instead.
   *
   * @return the URL
   */
  public URI imageUrl() {
    return imageUri;
  }

  /**
   * The local image the client publishes on submit, for a request made with {@link
   * Builder#imageFile}.
   *
   * @return the file, as an absolute path, or empty for a request with an image URL
   */
  public Optional<Path> imageFile() {
    return Optional.ofNullable(imageFile);
  }

  /**
   * The frame count, {@value #FRAMES_5_SECONDS} or {@value #FRAMES_10_SECONDS}.
   *
   * @return the frames, or empty when unset (the server then uses 121)
   */
  public OptionalInt frames() {
    return frames == null ? OptionalInt.empty() : OptionalInt.of(frames);
  }

  /**
   * The seed; {@value #RANDOM_SEED} asks for a random one.
   *
   * @return the seed, or empty when unset (the server then uses -1)
   */
  public OptionalInt seed() {
    return seed == null ? OptionalInt.empty() : OptionalInt.of(seed);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ImageToVideoRequest that)) {
      return false;
    }
    return prompt.equals(that.prompt)
        && imageUrl.equals(that.imageUrl)
        && Objects.equals(frames, that.frames)
        && Objects.equals(seed, that.seed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompt, imageUrl, frames, seed);
  }

  @Override
  public String toString() {
    String shortPrompt = prompt.length() <= 60 ? prompt : prompt.substring(0, 60) + "…";
    return "ImageToVideoRequest{prompt=\""
        + shortPrompt
        + (imageFile != null ? "\", imageFile=" + imageFile : "\", imageUrl=" + SignedUrls.redact(imageUrl))
        + ", frames="
        + (frames == null ? "default" : frames)
        + ", seed="
        + (seed == null ? "default" : seed)
        + "}";
  }

  /** Collects a request's values; {@link #build()} checks them all at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable String prompt;
    private @Nullable String imageUrl;
    private @Nullable Integer frames;
    private @Nullable Integer seed;
    private @Nullable Path imageFile;

    private Builder() {}

    /**
     * Sets the prompt. Required; not blank; at most {@value #MAX_PROMPT_LENGTH} Unicode code
     * points, so 800 emoji are fine.
     *
     * @param prompt the text prompt; {@code null} leaves it unset, which {@link #build()} reports
     * @return this builder
     */
    public Builder prompt(@Nullable String prompt) {
      this.prompt = prompt;
      return this;
    }

    /**
     * Sets the input image. Required: an absolute {@code https} URL, publicly reachable, of a JPEG
     * or PNG. If the path ends in a file extension it must be {@code .jpg}, {@code .jpeg} or
     * {@code .png}; a URL without one (a pre-signed URL, say) is accepted.
     *
     * @param imageUrl the image's URL; {@code null} leaves it unset, which {@link #build()} reports
     * @return this builder
     */
    public Builder imageUrl(@Nullable String imageUrl) {
      this.imageUrl = imageUrl;
      return this;
    }

    /**
     * Sets the input image; see {@link #imageUrl(String)}.
     *
     * @param imageUrl the image's URL; {@code null} leaves it unset, which {@link #build()} reports
     * @return this builder
     */
    public Builder imageUrl(@Nullable URI imageUrl) {
      this.imageUrl = imageUrl == null ? null : imageUrl.toString();
      return this;
    }

    /**
     * Sets the input image to a local JPEG or PNG file, instead of a URL. On submit the client
     * checks it with the image preflight, publishes it to its {@link
     * DreaminaClientBuilder#imageHost image host} under its content's hash (once: the same image
     * is not uploaded again) and submits the URL the host signs. A client without an image host
     * refuses such a request before anything is uploaded or paid. The file is read on submit, not
     * here.
     *
     * @param imageFile the image file; {@code null} leaves it unset
     * @return this builder
     */
    public Builder imageFile(@Nullable Path imageFile) {
      this.imageFile = imageFile == null ? null : imageFile.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets the frame count: {@link #FRAMES_5_SECONDS} (121) or {@link #FRAMES_10_SECONDS} (241).
     * Unset, nothing is sent and the server uses 121.
     *
     * @param frames the frame count
     * @return this builder
     */
    public Builder frames(int frames) {
      this.frames = frames;
      return this;
    }

    /**
     * Sets the seed: {@link #RANDOM_SEED} (-1) for a random one, or 0 up to {@link
     * Integer#MAX_VALUE} to repeat a result. Unset, nothing is sent and the server uses -1.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(int seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Checks every rule and builds the request.
     *
     * @return the request
     * @throws InvalidRequestException listing every broken rule, each under the API's field name
     */
    public ImageToVideoRequest build() {
      if (imageFile == null) {
        URI image = RequestValidation.check(prompt, imageUrl == null ? null : imageUrl.trim(), frames, seed);
        return new ImageToVideoRequest(this, image, null);
      }
      RequestValidation.checkWithFile(prompt, imageUrl != null, frames, seed);
      return new ImageToVideoRequest(this, imageFile.toUri(), imageFile);
    }
  }
}
