package dev.dreamina;

import dev.dreamina.internal.Arguments;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a view made by {@link DreaminaClient#withOptions} changes for its API calls (submit,
 * status, result, cancel, price, and the polls of a wait): the time one exchange may take, how many
 * times a failed one is retried, and headers sent with each; and the idempotency key of its
 * submits. Anything unset is the client's.
 * Downloads and the image preflight keep the client's settings, and no header of a view reaches
 * a download host. Immutable.
 *
 * <p>However many retries a view allows, a paid submit is retried only when no job can exist (the
 * connection was never made, or the server answered 429), as for the client itself.
 */
public final class CallOptions {
  /**
   * Headers a view may not set, lower case: those the SDK sets itself, {@code Accept-Encoding}
   * (OkHttp unzips an answer only when it asked for gzip itself), those that describe the body it
   * sends, and the connection-level ones of RFC 9110 section 7.6.1, which belong to OkHttp.
   */
  private static final Set<String> SDK_HEADERS =
      Set.of(
          "accept",
          "accept-encoding",
          "user-agent",
          "content-type",
          "content-length",
          "content-encoding",
          "cache-control",
          "pragma",
          "host",
          "expect",
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade");

  static final CallOptions NONE = new CallOptions(null, null, Map.of(), null);

  /** The longest idempotency key taken. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = Arguments.MAX_IDEMPOTENCY_KEY_LENGTH;

  private final @Nullable Duration requestTimeout;
  private final @Nullable Integer maxRetries;
  private final Map<String, String> headers;
  private final @Nullable String idempotencyKey;

  private CallOptions(
      @Nullable Duration requestTimeout, @Nullable Integer maxRetries, Map<String, String> headers, @Nullable String idempotencyKey) {
    this.requestTimeout = requestTimeout;
    this.maxRetries = maxRetries;
    this.headers = headers;
    this.idempotencyKey = idempotencyKey;
  }

  /**
   * The time one HTTP exchange may take, instead of the client's {@link
   * DreaminaClientBuilder#requestTimeout}.
   *
   * @return the timeout, or empty for the client's
   */
  public Optional<Duration> requestTimeout() {
    return Optional.ofNullable(requestTimeout);
  }

  /**
   * How many times a failed exchange is retried, instead of the client's {@link
   * DreaminaClientBuilder#maxRetries}.
   *
   * @return the count, or empty for the client's
   */
  public OptionalInt maxRetries() {
    return maxRetries == null ? OptionalInt.empty() : OptionalInt.of(maxRetries);
  }

  /**
   * The headers sent with each API call, in the order they were set.
   *
   * @return an unmodifiable map from name (as given) to value
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * The key that makes the view's submits one job ({@link Builder#idempotencyKey}).
   *
   * @return the key, or empty when the view's submits have none
   */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  Builder toBuilder() {
    Builder builder = new Builder();
    builder.requestTimeout = requestTimeout;
    builder.maxRetries = maxRetries;
    builder.headers.putAll(headers);
    builder.idempotencyKey = idempotencyKey;
    return builder;
  }

  /** Names the settings; header values are left out, since they may be credentials of a proxy. */
  @Override
  public String toString() {
    return "CallOptions{"
        + (requestTimeout == null ? "" : "requestTimeout=" + requestTimeout + ", ")
        + (maxRetries == null ? "" : "maxRetries=" + maxRetries + ", ")
        + (idempotencyKey == null ? "" : "idempotencyKey=" + idempotencyKey + ", ")
        + "headers=" + headers.keySet()
        + "}";
  }

  /** Sets the options of a view, on top of those of the client or view it is made from. */
  public static final class Builder {
    private @Nullable Duration requestTimeout;
    private @Nullable Integer maxRetries;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String idempotencyKey;

    private Builder() {}

    /**
     * Makes every submit of the view (and its {@code generate}, {@code generateAndDownload} and
     * their async forms) one job per key, for this account, on every instance that shares the
     * client's journal, in this run and any later one: an order id, say. Needs a {@link
     * DreaminaClientBuilder#journal journal}, which is the ledger of keys.
     *
     * <ul>
     *   <li>The first submit with the key journals the key with its intent, in one atomic step,
     *       then submits: of several instances racing on one key, exactly one submits.
     *   <li>A later one submits nothing: it returns that job ({@link Submission} with its request id;
     *       a {@code generate} waits for its result; a download is skipped when the journal has it
     *       downloaded and the file is there). One while the first submit is in flight elsewhere
     *       waits for its answer, for at most one journal lease.
     *   <li>A key whose first submit's outcome is unknown (it timed out, or its instance died before
     *       the answer) is never submitted again: {@link
     *       dev.dreamina.errors.SubmissionUnknownException}, naming the key. So is one whose first
     *       submit is still unanswered after a lease.
     *   <li>The same key with another request (prompt, image, frames or seed) is refused before
     *       anything is submitted: {@link dev.dreamina.errors.IdempotencyKeyReusedException}.
     *   <li>A key whose submit was refused (no job was made) may be submitted again.
     * </ul>
     *
     * <p>A key is kept as long as its journal entry: retention ({@link
     * DreaminaClient#deleteFinishedJournalEntries}) forgets it with the entry.
     *
     * @param idempotencyKey 1 to {@value CallOptions#MAX_IDEMPOTENCY_KEY_LENGTH} characters, no
     *     line breaks or other control characters
     * @return this builder
     * @throws IllegalArgumentException when it is empty, too long or holds a control character
     */
    public Builder idempotencyKey(String idempotencyKey) {
      this.idempotencyKey = Arguments.idempotencyKey(idempotencyKey);
      return this;
    }

    /**
     * The time one HTTP exchange may take: connecting, sending and reading the whole answer. Each
     * retry gets its own.
     *
     * @param requestTimeout more than zero
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Arguments.positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * How many times a failed exchange is retried; {@code 0} makes one attempt.
     *
     * @param maxRetries zero or more
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * A header sent with each API call of the view (a trace id, a proxy's routing header); one of
     * the same name (in any case) set before is replaced. Not {@code Authorization}, which carries
     * the client's token, nor a header the SDK or OkHttp owns: {@code Accept}, {@code
     * Accept-Encoding}, {@code User-Agent}, {@code Content-Type}, {@code Content-Length}, {@code
     * Content-Encoding}, {@code Cache-Control}, {@code Pragma}, {@code Host}, {@code Expect}, and
     * those of the connection ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection},
     * {@code Transfer-Encoding}, {@code TE}, {@code Trailer}, {@code Upgrade}; RFC 9110 section
     * 7.6.1).
     *
     * @param name an HTTP header name: letters, digits and {@code !#$%&'*+-.^_`|~}
     * @param value printable ASCII, spaces and tabs; no line breaks
     * @return this builder
     * @throws IllegalArgumentException for a malformed or reserved name, or a malformed value
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      String lower = name.toLowerCase(Locale.ROOT);
      if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
        throw new IllegalArgumentException("Not an HTTP header name: \"" + name + "\"");
      }
      if (lower.equals("authorization")) {
        throw new IllegalArgumentException(
            "Authorization carries the client's API token: set it with apiToken(...) on the client's builder");
      }
      if (SDK_HEADERS.contains(lower)) {
        throw new IllegalArgumentException(
            "The SDK and OkHttp set " + name + " themselves (content negotiation, the body, the connection);"
                + " a view cannot replace it");
      }
      if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
        // The value is not echoed: it may be a credential.
        throw new IllegalArgumentException(
            "The value of header " + name + " holds a line break, a control or a non-ASCII character");
      }
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    private static boolean isTokenChar(int c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    CallOptions build() {
      return new CallOptions(requestTimeout, maxRetries, Collections.unmodifiableMap(new LinkedHashMap<>(headers)), idempotencyKey);
    }
  }
}
