package dev.dreamina.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.CancelOutcome;
import dev.dreamina.CancelResult;
import dev.dreamina.Price;
import dev.dreamina.InvalidResponseException;
import dev.dreamina.Output;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the API's JSON answers into the public models. Known fields of the wrong type, a missing
 * {@code request_id} or a {@code request_id} for another job are {@link InvalidResponseException}s;
 * unknown fields and unknown status values are kept, never fatal.
 */
public final class ResponseParser {
  private static final Set<String> SUBMISSION_FIELDS =
      Set.of("request_id", "status_url", "result_url", "cancel_url");
  private static final Set<String> STATUS_FIELDS =
      Set.of("request_id", "status", "queue_position", "status_url", "result_url");
  private static final Set<String> RESULT_FIELDS =
      Set.of(
          "request_id", "status", "output", "error", "created_at", "finished_at", "model_id",
          "cost");
  private static final Set<String> OUTPUT_FIELDS = Set.of("image", "video", "images", "videos");
  private static final Set<String> PRICE_FIELDS =
      Set.of("model_id", "base_price_usd", "price_unit", "pricing_note");
  private static final Set<String> CANCEL_FIELDS = Set.of("request_id", "status", "outcome");

  private ResponseParser() {}

  public static Submission submission(JsonNode json) {
    Fields f = new Fields(json, null);
    String requestId = f.requiredText("request_id");
    if (!RequestIds.isValid(requestId)) {
      throw f.invalid("request_id is not 1 to 128 characters of [A-Za-z0-9_-]: " + requestId);
    }
    return new Submission(
        requestId,
        f.uri("status_url"),
        f.uri("result_url"),
        f.uri("cancel_url"),
        f.additional(SUBMISSION_FIELDS));
  }

  public static RequestStatus status(JsonNode json, String requestId) {
    Fields f = new Fields(json, requestId);
    f.checkRequestId();
    String raw = f.requiredText("status");
    return new RequestStatus(
        requestId,
        Status.of(raw),
        raw,
        f.optionalInt("queue_position"),
        f.uri("status_url"),
        f.uri("result_url"),
        f.additional(STATUS_FIELDS));
  }

  public static RequestResult result(JsonNode json, String requestId) {
    Fields f = new Fields(json, requestId);
    f.checkRequestId();
    String raw = f.requiredText("status");
    return new RequestResult(
        requestId,
        Status.of(raw),
        raw,
        f.object("output").map(o -> output(new Fields(o, requestId))),
        f.error("error"),
        f.instant("created_at"),
        f.instant("finished_at"),
        f.text("model_id"),
        f.cost("cost"),
        f.additional(RESULT_FIELDS));
  }

  /**
   * The price answer. Strict: it is for the one model this SDK runs, with a base price that is a
   * number of zero or more, and a unit.
   */
  public static Price price(JsonNode json) {
    Fields f = new Fields(json, null);
    String modelId = f.requiredText("model_id");
    if (!modelId.equals(RunComfyApi.MODEL_ID)) {
      throw f.invalid("asked for the price of " + RunComfyApi.MODEL_ID + " but got one for " + modelId);
    }
    JsonNode price = json.get("base_price_usd");
    if (price == null || price.isNull()) {
      throw f.invalid("missing base_price_usd");
    }
    if (!price.isNumber()) {
      throw f.invalid("base_price_usd should be a number, got " + kind(price));
    }
    if (price.decimalValue().signum() < 0) {
      throw f.invalid("base_price_usd is negative: " + price.decimalValue());
    }
    return new Price(
        modelId,
        price.decimalValue(),
        f.requiredText("price_unit"),
        f.text("pricing_note"),
        f.additional(PRICE_FIELDS));
  }

  public static CancelResult cancel(JsonNode json, String requestId) {
    Fields f = new Fields(json, requestId);
    f.checkRequestId();
    String rawStatus = f.text("status").orElse("");
    String rawOutcome = f.requiredText("outcome");
    return new CancelResult(
        requestId,
        Status.of(rawStatus),
        rawStatus,
        CancelOutcome.of(rawOutcome),
        rawOutcome,
        f.additional(CANCEL_FIELDS));
  }

  private static Output output(Fields f) {
    return new Output(
        f.uri("image"),
        f.uri("video"),
        f.uriList("images"),
        f.uriList("videos"),
        f.additional(OUTPUT_FIELDS));
  }

  /** Typed, checked access to the fields of one JSON object. */
  private static final class Fields {
    private final JsonNode node;
    private final String requestId;

    Fields(JsonNode node, String requestId) {
      this.requestId = requestId;
      if (node == null || !node.isObject()) {
        throw new InvalidResponseException(
            "Expected a JSON object from RunComfy, got " + kind(node), requestId, null);
      }
      this.node = node;
    }

    InvalidResponseException invalid(String problem) {
      return new InvalidResponseException(
          "Unreadable answer from RunComfy: " + problem, requestId, null);
    }

    void checkRequestId() {
      String answered = requiredText("request_id");
      if (!answered.equals(requestId)) {
        throw invalid("asked about request_id " + requestId + " but the answer is about " + answered);
      }
    }

    /** A present, non-null field, or null when absent or JSON null. */
    private JsonNode get(String name) {
      JsonNode value = node.get(name);
      return value == null || value.isNull() ? null : value;
    }

    String requiredText(String name) {
      return text(name).filter(s -> !s.isEmpty()).orElseThrow(() -> invalid("missing " + name));
    }

    Optional<String> text(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isTextual()) {
        throw invalid(name + " should be a string, got " + kind(value));
      }
      return Optional.of(value.textValue());
    }

    OptionalInt optionalInt(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return OptionalInt.empty();
      }
      if (value.isIntegralNumber() && value.canConvertToInt()) {
        return OptionalInt.of(value.intValue());
      }
      if (value.isTextual()) {
        try {
          return OptionalInt.of(Integer.parseInt(value.textValue().trim()));
        } catch (NumberFormatException e) {
          // falls through to the error below
        }
      }
      throw invalid(name + " should be an integer, got " + kind(value));
    }

    Optional<JsonNode> object(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isObject()) {
        throw invalid(name + " should be an object, got " + kind(value));
      }
      return Optional.of(value);
    }

    Optional<URI> uri(String name) {
      return text(name).filter(s -> !s.isBlank()).map(s -> toUri(name, s));
    }

    List<URI> uriList(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return List.of();
      }
      if (!value.isArray()) {
        throw invalid(name + " should be an array of URLs, got " + kind(value));
      }
      List<URI> uris = new ArrayList<>();
      for (JsonNode item : value) {
        if (!item.isTextual()) {
          throw invalid(name + " should hold URL strings, got " + kind(item));
        }
        uris.add(toUri(name, item.textValue()));
      }
      return uris;
    }

    private URI toUri(String name, String text) {
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        throw invalid(name + " is not a URL: " + e.getMessage());
      }
    }

    /** The job's error: a string as is, an object or array as compact JSON. */
    Optional<String> error(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      return Optional.of(value.isTextual() ? value.textValue() : Json.text(value));
    }

    /**
     * A timestamp sent as ISO-8601 (with or without offset; UTC assumed without) or as epoch
     * seconds. The format is undocumented, so an unreadable value is left out rather than fatal.
     */
    Optional<Instant> instant(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (value.isNumber()) {
        BigDecimal seconds = value.decimalValue();
        try {
          return Optional.of(
              Instant.ofEpochSecond(
                  seconds.longValue(),
                  seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue()));
        } catch (DateTimeException | ArithmeticException e) {
          return Optional.empty();
        }
      }
      if (!value.isTextual()) {
        return Optional.empty();
      }
      String text = value.textValue().trim();
      try {
        return Optional.of(OffsetDateTime.parse(text).toInstant());
      } catch (DateTimeException notOffset) {
        try {
          return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException unreadable) {
          return Optional.empty();
        }
      }
    }

    /**
     * A cost in US dollars. Lenient, unlike the other known fields: a broken cost must not make a
     * finished job's result, and so its video, unreadable; it is left out instead.
     */
    Optional<BigDecimal> cost(String name) {
      JsonNode value = get(name);
      if (value == null || !value.isNumber() || value.decimalValue().signum() < 0) {
        return Optional.empty();
      }
      return Optional.of(value.decimalValue());
    }

    Map<String, Object> additional(Set<String> known) {
      Map<String, Object> extra = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e -> {
                if (!known.contains(e.getKey())) {
                  extra.put(e.getKey(), Json.toJava(e.getValue()));
                }
              });
      return extra;
    }
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
