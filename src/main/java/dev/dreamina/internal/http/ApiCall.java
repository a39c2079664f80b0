package dev.dreamina.internal.http;

import dev.dreamina.internal.TimeSource;

/**
 * One API exchange to make: what to send, whether it is the paid submit, and how far it may be
 * retried.
 *
 * @param method the HTTP method
 * @param path the path below the base URL, without a leading slash
 * @param query an encoded query string without {@code ?}, or {@code null}
 * @param body the JSON body, or {@code null} for none
 * @param submit whether this is a paid submit, which is retried only when no job can exist
 * @param requestId the job this concerns, for errors and logs, or {@code null}
 * @param retries whether transient failures are retried at all
 * @param deadlineNanos a {@link TimeSource#nanoTime()} past which no retry is slept towards
 */
public record ApiCall(
    String method,
    String path,
    String query,
    byte[] body,
    boolean submit,
    String requestId,
    boolean retries,
    long deadlineNanos) {

  /** No deadline: retries follow the policy alone. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  public static ApiCall submit(String path, byte[] body) {
    return new ApiCall("POST", path, null, body, true, null, true, NO_DEADLINE);
  }

  public static ApiCall get(String path, String query, String requestId) {
    return new ApiCall("GET", path, query, null, false, requestId, true, NO_DEADLINE);
  }

  public static ApiCall post(String path, String requestId) {
    return new ApiCall("POST", path, null, new byte[0], false, requestId, true, NO_DEADLINE);
  }

  /** The same call, retried only while the retry wait ends before {@code deadlineNanos}. */
  public ApiCall withDeadline(long deadlineNanos) {
    return new ApiCall(method, path, query, body, submit, requestId, retries, deadlineNanos);
  }

  /**
   * The call's name for metrics: {@code submit}, {@code price} (a GET of the model path), or the
   * last segment of a request's path ({@code status}, {@code result}, {@code cancel}).
   */
  public String name() {
    if (submit) {
      return "submit";
    }
    if (requestId == null) {
      return "price";
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The same call, made once. */
  public ApiCall once() {
    return new ApiCall(method, path, query, body, submit, requestId, false, deadlineNanos);
  }
}
