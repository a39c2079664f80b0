package dev.dreamina.examples.web;

import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.NotFoundException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The SDK's exceptions as RFC 9457 problem details. */
@RestControllerAdvice
class ApiErrors {
  /** A request that breaks the rules: 400, with every violation. */
  @ExceptionHandler(InvalidRequestException.class)
  ProblemDetail invalid(InvalidRequestException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The video request is not valid.");
    problem.setTitle("Invalid video request");
    List<Map<String, String>> violations =
        e.violations().stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList();
    problem.setProperty("violations", violations);
    return problem;
  }

  /** A request id RunComfy does not know: 404. */
  @ExceptionHandler(NotFoundException.class)
  ProblemDetail notFound(NotFoundException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No such video job.");
  }

  /** Anything else from RunComfy: 502, with the request id to resume with when there is one. */
  @ExceptionHandler(DreaminaException.class)
  ProblemDetail upstream(DreaminaException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
    e.requestId().ifPresent(id -> problem.setProperty("requestId", id));
    return problem;
  }
}
