package dev.dreamina.internal.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import okhttp3.Headers;

/**
 * A call's value with the HTTP status and headers of the exchange that answered it: the plain
 * calls keep only the value; a raw-response view shows the rest.
 */
public record Answered<T>(T value, int statusCode, Headers headers) {
  /** The headers by name, in any case, each with its values in the order sent: for a raw response. */
  public Map<String, List<String>> headersByName() {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (String name : headers.names()) {
      byName.put(name, headers.values(name));
    }
    return byName;
  }

  /** The same answer, its value parsed or mapped. */
  public <R> Answered<R> map(Function<? super T, ? extends R> mapping) {
    return new Answered<>(mapping.apply(value), statusCode, headers);
  }
}
