package dev.dreamina.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.errors.ApiException;
import dev.dreamina.internal.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads an error answer's code and message; {@link ApiException.Builder#build()} picks the exception. */
final class ApiErrors {
  private ApiErrors() {}

  /** Whether a 2xx body is really an error: some RunComfy APIs answer 200 with an error_code. */
  static boolean isErrorBody(JsonNode json) {
    return json != null && json.isObject() && json.hasNonNull("error_code");
  }

  /**
   * @param json the parsed body, or {@code null} when it was not JSON
   * @param bodyText the body as text, for {@link ApiException#body()}
   */
  static ApiException map(
      int status, JsonNode json, String bodyText, String requestId, Duration retryAfter) {
    Integer code = errorCode(json);
    String message = errorMessage(json);
    return ApiException.builder()
        .statusCode(status)
        .errorCode(code)
        .errorMessage(message)
        .body(bodyText)
        .requestId(requestId)
        .retryAfter(retryAfter)
        .build();
  }

  private static Integer errorCode(JsonNode json) {
    JsonNode code = json == null ? null : json.get("error_code");
    if (code == null) {
      return null;
    }
    if (code.isIntegralNumber() && code.canConvertToInt()) {
      return code.intValue();
    }
    if (code.isTextual()) {
      try {
        return Integer.valueOf(code.textValue().trim());
      } catch (NumberFormatException notNumeric) {
        return null;
      }
    }
    return null;
  }

  /** error_message, else message, else detail: a string, or a validation array summarised. */
  private static String errorMessage(JsonNode json) {
    if (json == null || !json.isObject()) {
      return null;
    }
    for (String field : new String[] {"error_message", "message"}) {
      JsonNode value = json.get(field);
      if (value != null && value.isTextual() && !value.textValue().isBlank()) {
        return value.textValue();
      }
    }
    JsonNode detail = json.get("detail");
    if (detail == null || detail.isNull()) {
      return null;
    }
    if (detail.isTextual()) {
      return detail.textValue();
    }
    if (detail.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode item : detail) {
        parts.add(describeDetail(item));
      }
      return String.join("; ", parts);
    }
    return Json.text(detail);
  }

  /** A FastAPI-style item {"loc": ["body", "prompt"], "msg": "..."} as "body.prompt: ...". */
  private static String describeDetail(JsonNode item) {
    if (item.isTextual()) {
      return item.textValue();
    }
    JsonNode msg = item.get("msg");
    if (msg == null || !msg.isTextual()) {
      return Json.text(item);
    }
    JsonNode loc = item.get("loc");
    if (loc != null && loc.isArray() && loc.size() > 0) {
      List<String> path = new ArrayList<>();
      loc.forEach(p -> path.add(p.asText()));
      return String.join(".", path) + ": " + msg.textValue();
    }
    return msg.textValue();
  }
}
