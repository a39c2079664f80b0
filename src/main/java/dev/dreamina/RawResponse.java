package dev.dreamina;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A call's parsed answer together with the HTTP status and headers it came with: what a view from
 * {@link DreaminaClient#withRawResponse()} returns. When the call was retried, they are those of
 * the last exchange, the one that answered.
 *
 * @param <T> the parsed answer's type
 */
public final class RawResponse<T> {
  private final T value;
  private final int statusCode;
  private final Map<String, List<String>> headers;

  RawResponse(T value, int statusCode, Map<String, List<String>> headers) {
    this.value = Objects.requireNonNull(value, "value == null");
    this.statusCode = statusCode;
    TreeMap<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> sorted.put(name, List.copyOf(values)));
    this.headers = Collections.unmodifiableMap(sorted);
  }

  /**
   * The parsed answer, as the plain call returns it.
   *
   * @return the value
   */
  public T value() {
    return value;
  }

  /**
   * The HTTP status code.
   *
   * @return the status, 2xx
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * Every response header, looked up by name in any case.
   *
   * @return an unmodifiable map from name to its values, in the order sent
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * A header's first value.
   *
   * @param name its name, in any case
   * @return the value, or empty when the answer had no such header
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(Objects.requireNonNull(name, "name == null"));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public String toString() {
    return "RawResponse{statusCode=" + statusCode + ", headers=" + headers.keySet() + ", value=" + value + "}";
  }
}
