package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.AuthenticationException;
import dev.dreamina.errors.BadRequestException;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.InsufficientBalanceException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NotFoundException;
import dev.dreamina.errors.PermissionDeniedException;
import dev.dreamina.errors.RateLimitException;
import dev.dreamina.errors.ServerException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the error table in docs/client.md, on a read call with retries off. */
class ErrorMappingTest extends ApiTest {
  @Override
  DreaminaClientBuilder configure(DreaminaClientBuilder builder) {
    return builder.maxRetries(0);
  }

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of(400, "{\"error_code\":400001,\"error_message\":\"bad model\"}", BadRequestException.class),
        Arguments.of(422, "{\"error_code\":422001,\"detail\":[]}", BadRequestException.class),
        Arguments.of(401, "{\"error_code\":401001,\"message\":\"Unauthorized\"}", AuthenticationException.class),
        Arguments.of(401, "{}", AuthenticationException.class),
        Arguments.of(400, "{\"error_code\":400004,\"error_message\":\"token expired\"}", AuthenticationException.class),
        Arguments.of(403, "{\"error_code\":403001}", PermissionDeniedException.class),
        Arguments.of(403, "{\"error_code\":403003}", PermissionDeniedException.class),
        Arguments.of(402, "{}", InsufficientBalanceException.class),
        Arguments.of(400, "{\"error_code\":400002,\"error_message\":\"no balance\"}", InsufficientBalanceException.class),
        Arguments.of(404, "{\"error_code\":404001,\"error_message\":\"expired\"}", NotFoundException.class),
        Arguments.of(429, "{}", RateLimitException.class),
        Arguments.of(500, "{\"error_code\":500001}", ServerException.class),
        Arguments.of(502, "<html>bad gateway</html>", ServerException.class),
        Arguments.of(503, "", ServerException.class),
        Arguments.of(504, "{}", ServerException.class),
        Arguments.of(409, "{\"message\":\"conflict\"}", ApiException.class),
        Arguments.of(418, "{}", ApiException.class));
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @MethodSource("errorTable")
  void statusAndErrorCodeMapToTheDocumentedException(
      int status, String body, Class<? extends ApiException> expected) {
    server.enqueue(json(status, body));
    ApiException e = assertThrows(ApiException.class, () -> client.status(ID));
    assertEquals(expected, e.getClass());
    assertEquals(status, e.statusCode());
    assertEquals(body, e.body());
    assertEquals(Optional.of(ID), e.requestId());
    assertEquals(1, server.getRequestCount());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void errorFieldsAreExposed(Mode mode) {
    server.enqueue(json(404, "{\"error_code\":404001,\"error_message\":\"Request expired\"}"));
    NotFoundException e = assertThrows(NotFoundException.class, () -> mode.of(client).result(ID));
    assertEquals(OptionalInt.of(404001), e.errorCode());
    assertEquals(Optional.of("Request expired"), e.errorMessage());
    assertEquals(
        "RunComfy answered HTTP 404 with error_code 404001: Request expired (request_id " + ID + ")",
        e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void validationDetailIsSummarised(Mode mode) {
    server.enqueue(
        json(
            422,
            "{\"error_code\":422001,\"detail\":[{\"loc\":[\"body\",\"prompt\"],"
                + "\"msg\":\"String should have at most 800 characters\",\"type\":\"string_too_long\"},"
                + "{\"loc\":[\"body\",\"frames\"],\"msg\":\"Input should be 121 or 241\"}]}"));
    BadRequestException e = assertThrows(BadRequestException.class, () -> mode.of(client).status(ID));
    assertEquals(
        Optional.of(
            "body.prompt: String should have at most 800 characters; body.frames: Input should be 121 or 241"),
        e.errorMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void http200WithTopLevelErrorCodeIsAnError(Mode mode) {
    server.enqueue(json(200, "{\"error_code\":401001,\"error_message\":\"Invalid token\"}"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> mode.of(client).status(ID));
    assertEquals(200, e.statusCode());
    assertEquals(OptionalInt.of(401001), e.errorCode());
    assertEquals(Optional.of("Invalid token"), e.errorMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void http200WithUnknownErrorCodeIsAPlainApiException(Mode mode) {
    server.enqueue(json(200, "{\"error_code\":\"999999\",\"message\":\"odd\"}"));
    ApiException e = assertThrows(ApiException.class, () -> mode.of(client).status(ID));
    assertEquals(ApiException.class, e.getClass());
    assertEquals(OptionalInt.of(999999), e.errorCode());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rateLimitCarriesRetryAfter(Mode mode) {
    server.enqueue(
        new MockResponse(429, Headers.of("Retry-After", "7"), "{\"error_code\":429001}"));
    RateLimitException e = assertThrows(RateLimitException.class, () -> mode.of(client).status(ID));
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void longErrorBodiesAreCut(Mode mode) {
    String big = "x".repeat(ApiException.MAX_BODY_CHARS + 500);
    server.enqueue(json(500, big));
    ServerException e = assertThrows(ServerException.class, () -> mode.of(client).status(ID));
    assertEquals(ApiException.MAX_BODY_CHARS + 1, e.body().length());
    assertTrue(e.body().endsWith("…"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void htmlOn200IsAnInvalidResponse(Mode mode) {
    server.enqueue(
        new MockResponse(200, Headers.of("Content-Type", "text/html"), "<html>login</html>"));
    InvalidResponseException e =
        assertThrows(InvalidResponseException.class, () -> mode.of(client).status(ID));
    assertEquals(Optional.of(ID), e.requestId());
    assertTrue(e.getMessage().contains("<html>login</html>"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void emptyTruncatedAndWrongTypedBodiesAreInvalidResponses(Mode mode) {
    for (String body :
        new String[] {
          "", "{\"request_id\":", "[1,2]", "\"completed\"", "{\"request_id\":\"" + ID + "\"}",
          "{\"request_id\":\"" + ID + "\",\"status\":7}",
          "{\"request_id\":\"req_other\",\"status\":\"completed\"}",
          "{\"request_id\":\"" + ID + "\",\"status\":\"completed\"} trailing"
        }) {
      server.enqueue(json(body));
      InvalidResponseException e =
          assertThrows(InvalidResponseException.class, () -> mode.of(client).status(ID), body);
      assertEquals(Optional.of(ID), e.requestId(), body);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void bodyOverOneMebibyteIsRefusedNotBuffered(Mode mode) {
    server.enqueue(json("{\"pad\":\"" + "a".repeat(1024 * 1024) + "\"}"));
    InvalidResponseException e =
        assertThrows(InvalidResponseException.class, () -> mode.of(client).status(ID));
    assertTrue(e.getMessage().contains("over 1048576 bytes"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void apiExceptionsAreDreaminaExceptions(Mode mode) {
    server.enqueue(json(401, "{}"));
    DreaminaException e = assertThrows(DreaminaException.class, () -> mode.of(client).cancel(ID));
    assertInstanceOf(AuthenticationException.class, e);
    assertFalse(e.getMessage().contains(TestServer.TOKEN));
  }
}
