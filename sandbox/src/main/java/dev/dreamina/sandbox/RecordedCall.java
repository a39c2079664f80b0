package dev.dreamina.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request the sandbox received, for tests that check what their code sent.
 *
 * @param method the HTTP method
 * @param path the path, without the query
 * @param query the raw query, or an empty string
 * @param headers the request headers, names in lower case
 * @param body the request body as UTF-8 text, or an empty string
 */
public record RecordedCall(
    String method, String path, String query, Map<String, List<String>> headers, String body) {

  /**
   * Creates a recorded call.
   *
   * @param method the HTTP method
   * @param path the path
   * @param query the query
   * @param headers the headers, names in lower case
   * @param body the body
   */
  public RecordedCall {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(query, "query == null");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body == null");
  }

  /**
   * The first value of a header, by case-insensitive name.
   *
   * @param name the header name
   * @return the value, or empty when the header was not sent
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Method, path and query only: headers (which hold the token) are left out. */
  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query);
  }
}
