package dev.dreamina.internal.http;

import java.util.function.Function;
import okhttp3.Headers;

/**
 * A call's value with the HTTP status and headers of the exchange that answered it: the plain
 * calls keep only the value; a raw-response view shows the rest.
 */
public record Answered<T>(T value, int statusCode, Headers headers) {
  /** The same answer, its value parsed or mapped. */
  public <R> Answered<R> map(Function<? super T, ? extends R> mapping) {
    return new Answered<>(mapping.apply(value), statusCode, headers);
  }
}
