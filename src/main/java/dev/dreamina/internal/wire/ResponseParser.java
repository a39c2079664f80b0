package dev.dreamina.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.CancelOutcome;
import dev.dreamina.CancelResult;
import dev.dreamina.DreaminaClient;
import dev.dreamina.Output;
import dev.dreamina.Price;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.InvalidResponseException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the API's JSON answers into the public models, as a tolerant reader: strict where
 * strictness saves the user money, tolerant where tolerance saves a paid job.
 *
 * <p>Strict ({@link InvalidResponseException}): an answer that is not a JSON object; a submit
 * without a valid {@code request_id}; a status, result or cancel answer about <em>another</em>
 * {@code request_id} (a missing one is read as the id asked about, as RunComfy's partner nodes'
 * own fixtures send it); a missing {@code status} on a status or result answer; a result for
 * another {@code model_id}; a price that is not a number of zero or more, for another model.
 *
 * <p>Tolerant: every other field. One the SDK cannot read (a {@code queue_position} of {@code
 * 2.5}, an {@code output} that is {@code []}, {@code "images": [{"url": ...}]}) is left out of the
 * typed model, kept as sent in {@code additionalProperties()}, and logged at DEBUG.
 */
public final class ResponseParser {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

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

  /** Beyond {@link Instant#MAX}'s seconds a timestamp is unreadable. */
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(Instant.MAX.getEpochSecond());

  private static final BigDecimal ONE_NANOSECOND = new BigDecimal("1e-9");

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
        f.queuePosition("queue_position"),
        f.uri("status_url"),
        f.uri("result_url"),
        f.additional(STATUS_FIELDS));
  }

  public static RequestResult result(JsonNode json, String requestId) {
    Fields f = new Fields(json, requestId);
    f.checkRequestId();
    f.checkModelId();
    String raw = f.requiredText("status");
    return new RequestResult(
        requestId,
        Status.of(raw),
        raw,
        f.object("output").map(o -> output(new Fields(o, requestId))),
        f.error("error"),
        f.instant("created_at"),
        f.instant("finished_at"),
        f.text("model_id").filter(s -> !s.isEmpty()),
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
    if (!modelId.equals(DreaminaClient.MODEL_ID)) {
      throw f.invalid("asked for the price of " + DreaminaClient.MODEL_ID + " but got one for " + modelId);
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

  /**
   * The cancel answer. Every field is optional: a missing {@code outcome} is inferred from {@code
   * status}, as RunComfy's CLI and partner nodes do.
   */
  public static CancelResult cancel(JsonNode json, String requestId) {
    Fields f = new Fields(json, requestId);
    f.checkRequestId();
    String rawStatus = f.text("status").orElse("");
    Status status = Status.of(rawStatus);
    String rawOutcome = f.text("outcome").orElse("");
    return new CancelResult(
        requestId,
        status,
        rawStatus,
        rawOutcome.isBlank() ? impliedOutcome(status) : CancelOutcome.of(rawOutcome),
        rawOutcome,
        f.additional(CANCEL_FIELDS));
  }

  private static CancelOutcome impliedOutcome(Status status) {
    return switch (status) {
      case CANCELLED -> CancelOutcome.CANCELLED;
      case IN_PROGRESS, COMPLETED, FAILED -> CancelOutcome.NOT_CANCELLABLE;
      default -> CancelOutcome.UNKNOWN;
    };
  }

  /**
   * The outputs, read as RunComfy's partner nodes read them: the video is {@code video} when it is
   * a URL string, else the single string of {@code videos}; no other field can make it unreadable.
   */
  private static Output output(Fields f) {
    Optional<URI> video = f.uri("video");
    List<URI> videos = f.uriList("videos");
    Optional<String> rawVideo =
        video.isPresent()
            ? f.text("video")
            : videos.size() == 1 ? Optional.of(f.node.get("videos").get(0).textValue()) : Optional.empty();
    return new Output(
        f.uri("image"), video, f.uriList("images"), videos, rawVideo, f.additional(OUTPUT_FIELDS));
  }

  /** Typed access to the fields of one JSON object; remembers the known fields it could not read. */
  private static final class Fields {
    private final JsonNode node;
    private final String requestId;
    private final Set<String> unread = new HashSet<>();

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

    /** A missing or empty {@code request_id} is about the id asked; another id is refused. */
    void checkRequestId() {
      Optional<String> answered = sent("request_id");
      if (answered.isPresent() && !answered.get().equals(requestId)) {
        throw invalid("asked about request_id " + requestId + " but the answer is about " + answered.get());
      }
    }

    /** A result for another model is not a Dreamina video, whatever it holds. */
    void checkModelId() {
      Optional<String> model = sent("model_id");
      if (model.isPresent() && !model.get().equals(DreaminaClient.MODEL_ID)) {
        throw new InvalidResponseException(
            "Request "
                + requestId
                + " is a job of model "
                + model.get()
                + ", not of "
                + DreaminaClient.MODEL_ID
                + "; its output is not a Dreamina video. Is the request id one of another model's jobs?",
            requestId,
            null);
      }
    }

    /** A field as sent, for identity checks: its text, or its JSON for any other non-empty value. */
    private Optional<String> sent(String name) {
      JsonNode value = get(name);
      if (value == null || (value.isTextual() && value.textValue().isEmpty())) {
        return Optional.empty();
      }
      return Optional.of(value.isTextual() ? value.textValue() : Json.text(value));
    }

    /** A present, non-null field, or null when absent or JSON null. */
    private JsonNode get(String name) {
      JsonNode value = node.get(name);
      return value == null || value.isNull() ? null : value;
    }

    /** Notes a known field that could not be read: kept in additionalProperties, never fatal. */
    private void unread(String name, JsonNode value) {
      unread.add(name);
      LOG.log(
          Level.DEBUG,
          () ->
              "RunComfy's answer"
                  + (requestId == null ? "" : " about " + requestId)
                  + " has an unreadable "
                  + name
                  + " ("
                  + kind(value)
                  + "); kept in additionalProperties");
    }

    String requiredText(String name) {
      JsonNode value = get(name);
      if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
        throw invalid(
            value == null ? "missing " + name : name + " should be a non-empty string, got " + kind(value));
      }
      return value.textValue();
    }

    Optional<String> text(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isTextual()) {
        unread(name, value);
        return Optional.empty();
      }
      return Optional.of(value.textValue());
    }

    /** An integer; a whole-number float ({@code 2.0}) or a numeric string counts too. */
    OptionalInt queuePosition(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return OptionalInt.empty();
      }
      try {
        if (value.isNumber()) {
          return OptionalInt.of(value.decimalValue().intValueExact());
        }
        if (value.isTextual()) {
          return OptionalInt.of(Integer.parseInt(value.textValue().trim()));
        }
      } catch (ArithmeticException | NumberFormatException notAnInt) {
        // unread below
      }
      unread(name, value);
      return OptionalInt.empty();
    }

    Optional<JsonNode> object(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isObject()) {
        unread(name, value);
        return Optional.empty();
      }
      return Optional.of(value);
    }

    Optional<URI> uri(String name) {
      JsonNode value = get(name);
      if (value == null || (value.isTextual() && value.textValue().isBlank())) {
        return Optional.empty();
      }
      Optional<URI> uri = value.isTextual() ? Urls.lenient(value.textValue()) : Optional.empty();
      if (uri.isEmpty()) {
        unread(name, value);
      }
      return uri;
    }

    /** A list of URL strings; any other shape, or an item that is not a URL, leaves it unread. */
    List<URI> uriList(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return List.of();
      }
      List<URI> uris = new ArrayList<>();
      if (value.isArray()) {
        for (JsonNode item : value) {
          Optional<URI> uri = item.isTextual() ? Urls.lenient(item.textValue()) : Optional.empty();
          if (uri.isEmpty()) {
            break;
          }
          uris.add(uri.get());
        }
      }
      if (!value.isArray() || uris.size() != value.size()) {
        unread(name, value);
        return List.of();
      }
      return uris;
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
      Optional<Instant> instant = value.isNumber() ? epochSeconds(value) : value.isTextual() ? iso(value) : Optional.empty();
      if (instant.isEmpty()) {
        unread(name, value);
      }
      return instant;
    }

    private static Optional<Instant> epochSeconds(JsonNode value) {
      BigDecimal seconds = value.decimalValue();
      // Compared first, by exponent, which is cheap: the arithmetic below on 1e999999999 or
      // 1e-999999999 would build numbers of a billion digits and hang the caller.
      BigDecimal magnitude = seconds.abs();
      if (magnitude.compareTo(MAX_EPOCH_SECONDS) > 0) {
        return Optional.empty();
      }
      if (magnitude.compareTo(ONE_NANOSECOND) < 0) {
        return Optional.of(Instant.EPOCH);
      }
      try {
        return Optional.of(
            Instant.ofEpochSecond(
                seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue()));
      } catch (DateTimeException | ArithmeticException e) {
        return Optional.empty();
      }
    }

    private static Optional<Instant> iso(JsonNode value) {
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
     * A cost in US dollars. A broken cost must not make a finished job's result, and so its video,
     * unreadable; it is left out instead.
     */
    Optional<BigDecimal> cost(String name) {
      JsonNode value = get(name);
      if (value == null) {
        return Optional.empty();
      }
      if (!value.isNumber() || value.decimalValue().signum() < 0) {
        unread(name, value);
        return Optional.empty();
      }
      return Optional.of(value.decimalValue());
    }

    /** Unmodelled fields, and the known ones that could not be read, as plain Java values. */
    Map<String, Object> additional(Set<String> known) {
      Map<String, Object> extra = null; // most answers have none: nothing allocated then
      for (var fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> e = fields.next();
        if (!known.contains(e.getKey()) || unread.contains(e.getKey())) {
          if (extra == null) {
            extra = new LinkedHashMap<>();
          }
          extra.put(e.getKey(), Json.toJava(e.getValue()));
        }
      }
      return extra == null ? Map.of() : extra;
    }
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
