package dev.dreamina.errors;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * RunComfy answered with an error: a non-2xx status, or a 2xx body with a top-level
 * {@code error_code}. Subclasses name the common cases; see the error table in the guide (docs/client.md).
 */
public class ApiException extends DreaminaException {
  private static final long serialVersionUID = 1L;

  /** The longest response body kept on an exception, in characters. */
  public static final int MAX_BODY_CHARS = 8 * 1024;

  private final int statusCode;
  private final @Nullable Integer errorCode;
  private final @Nullable String errorMessage;
  private final String body;
  private final @Nullable Duration retryAfter;

  /** Made by {@link Builder#build()}, which picks the subclass. */
  ApiException(Builder b) {
    super(describe(b.statusCode, b.errorCode, b.errorMessage, b.requestId), b.requestId, null);
    this.statusCode = b.statusCode;
    this.errorCode = b.errorCode;
    this.errorMessage = b.errorMessage;
    this.body = b.body == null ? "" : cut(b.body);
    this.retryAfter = b.retryAfter;
  }

  /**
   * Starts describing an error answer. {@link Builder#build()} returns the exception the SDK
   * throws for such an answer (the subclass chosen exactly as for a real one), so tests of your
   * own error handling can make any of them: {@code
   * ApiException.builder().statusCode(429).retryAfter(Duration.ofSeconds(5)).build()}. This
   * builder, not a constructor, is the way to make one, so new fields never break your code.
   *
   * @return a builder; the status code defaults to 500
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The HTTP status code of the answer; 200 when a 2xx body carried an {@code error_code}.
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * RunComfy's numeric {@code error_code}, for example 404001.
   *
   * @return the code, or empty when the body had none
   */
  public OptionalInt errorCode() {
    return errorCode == null ? OptionalInt.empty() : OptionalInt.of(errorCode);
  }

  /**
   * RunComfy's error message ({@code error_message}, else {@code message}, else {@code detail}).
   *
   * @return the message, or empty when the body had none
   */
  public Optional<String> errorMessage() {
    return Optional.ofNullable(errorMessage);
  }

  /**
   * The response body as text, cut to {@link #MAX_BODY_CHARS} characters.
   *
   * @return the body, or an empty string when there was none
   */
  public String body() {
    return body;
  }

  /**
   * How long the server asked the client to wait, from its {@code Retry-After} header (seconds or
   * an HTTP date). Usually sent with 429 or 503.
   *
   * @return the wait, or empty when the header was absent or unreadable
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  private static String cut(String body) {
    return body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "…";
  }

  private static String describe(
      int statusCode, @Nullable Integer errorCode, @Nullable String errorMessage, @Nullable String requestId) {
    StringBuilder sb = new StringBuilder("RunComfy answered HTTP ").append(statusCode);
    if (errorCode != null) {
      sb.append(" with error_code ").append(errorCode);
    }
    if (errorMessage != null && !errorMessage.isBlank()) {
      sb.append(": ").append(errorMessage);
    }
    if (requestId != null) {
      sb.append(" (request_id ").append(requestId).append(')');
    }
    return sb.toString();
  }

  /** Describes an error answer; {@link #build()} makes the matching exception. Not thread-safe. */
  public static final class Builder {
    private int statusCode = 500;
    private @Nullable Integer errorCode;
    private @Nullable String errorMessage;
    private @Nullable String body;
    private @Nullable String requestId;
    private @Nullable Duration retryAfter;

    private Builder() {}

    /**
     * Sets the HTTP status code; 200 for a 2xx body that carried an {@code error_code}.
     *
     * @param statusCode the status code
     * @return this builder
     */
    public Builder statusCode(int statusCode) {
      this.statusCode = statusCode;
      return this;
    }

    /**
     * Sets RunComfy's numeric {@code error_code}, for example 404001.
     *
     * @param errorCode the code, or {@code null} for none
     * @return this builder
     */
    public Builder errorCode(@Nullable Integer errorCode) {
      this.errorCode = errorCode;
      return this;
    }

    /**
     * Sets RunComfy's error message.
     *
     * @param errorMessage the message, or {@code null} for none
     * @return this builder
     */
    public Builder errorMessage(@Nullable String errorMessage) {
      this.errorMessage = errorMessage;
      return this;
    }

    /**
     * Sets the response body as text; it is cut to {@link #MAX_BODY_CHARS}.
     *
     * @param body the body, or {@code null} for none
     * @return this builder
     */
    public Builder body(@Nullable String body) {
      this.body = body;
      return this;
    }

    /**
     * Sets the request id the answer concerns.
     *
     * @param requestId the id, or {@code null} for none
     * @return this builder
     */
    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * Sets the server's {@code Retry-After}.
     *
     * @param retryAfter the wait, or {@code null} for none
     * @return this builder
     */
    public Builder retryAfter(@Nullable Duration retryAfter) {
      this.retryAfter = retryAfter;
      return this;
    }

    /**
     * The exception the SDK throws for this answer: by {@code error_code} first (401001 and
     * 400004 {@link AuthenticationException}, 400002 {@link InsufficientBalanceException},
     * 403001 and 403003 {@link PermissionDeniedException}, 404001 {@link NotFoundException},
     * 400001 and 422001 {@link BadRequestException}, 500001 {@link ServerException}), then by
     * status (429 {@link RateLimitException} before any code; 400 and 422, 401, 402, 403, 404 as
     * above; 5xx {@link ServerException}), else a plain {@link ApiException}.
     *
     * @return the exception
     */
    public ApiException build() {
      if (statusCode == 429) {
        return new RateLimitException(this);
      }
      if (errorCode != null) {
        switch (errorCode) {
          case 401001, 400004 -> {
            return new AuthenticationException(this);
          }
          case 400002 -> {
            return new InsufficientBalanceException(this);
          }
          case 403001, 403003 -> {
            return new PermissionDeniedException(this);
          }
          case 404001 -> {
            return new NotFoundException(this);
          }
          case 400001, 422001 -> {
            return new BadRequestException(this);
          }
          case 500001 -> {
            return new ServerException(this);
          }
          default -> {
            // not a code with an exception of its own: the status decides
          }
        }
      }
      return switch (statusCode) {
        case 400, 422 -> new BadRequestException(this);
        case 401 -> new AuthenticationException(this);
        case 402 -> new InsufficientBalanceException(this);
        case 403 -> new PermissionDeniedException(this);
        case 404 -> new NotFoundException(this);
        default -> statusCode >= 500 ? new ServerException(this) : new ApiException(this);
      };
    }
  }
}
