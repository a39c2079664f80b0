package dev.dreamina.errors;

/** HTTP 5xx, or {@code error_code} 500001: RunComfy failed. Reads are retried; a submit is not (see {@link SubmissionUnknownException}). */
public class ServerException extends ApiException {
  private static final long serialVersionUID = 1L;

  ServerException(Builder b) {
    super(b);
  }
}
