package dev.dreamina.internal.wire;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.errors.InvalidResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the response parsers with random bytes, mutated answers and random JSON built from the
 * real field names. Whatever arrives, the only failure allowed is the one the transport turns
 * into {@link InvalidResponseException}: an {@link IOException} from parsing the bytes, or an
 * {@link InvalidResponseException} from reading the fields.
 */
class ResponseFuzzTest {
  private static final String ID = "req_abc-123";

  private static final List<String> VALID =
      List.of(
          "{\"request_id\":\"req_abc-123\",\"status_url\":\"https://model-api.runcomfy.net/v1/requests/req_abc-123/status\",\"result_url\":\"https://x/r\",\"cancel_url\":\"https://x/c\"}",
          "{\"request_id\":\"req_abc-123\",\"status\":\"in_queue\",\"queue_position\":3,\"status_url\":\"https://x/s\"}",
          "{\"request_id\":\"req_abc-123\",\"status\":\"completed\",\"output\":{\"video\":\"https://cdn.runcomfy.net/v.mp4\",\"videos\":[\"https://cdn.runcomfy.net/v.mp4\"]},\"created_at\":\"2026-11-24T12:00:00Z\",\"finished_at\":1764000000}",
          "{\"request_id\":\"req_abc-123\",\"status\":\"failed\",\"error\":{\"code\":1,\"message\":\"nsfw\"}}",
          "{\"request_id\":\"req_abc-123\",\"status\":\"cancelled\",\"outcome\":\"cancelled\"}");

  private static final List<String> FIELDS =
      List.of("request_id", "status", "queue_position", "status_url", "result_url", "cancel_url",
          "output", "video", "videos", "image", "images", "error", "outcome", "created_at",
          "finished_at", "error_code", "error_message", "detail");

  private static final Map<String, Function<JsonNode, Object>> PARSERS =
      Map.of(
          "submission", ResponseParser::submission,
          "status", json -> ResponseParser.status(json, ID),
          "result", json -> ResponseParser.result(json, ID),
          "cancel", json -> ResponseParser.cancel(json, ID));

  /** What the transport does with a 2xx body; only the two expected failures may come out. */
  private static void parseEveryWay(byte[] body) {
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (IOException unreadable) {
      Statistics.label("outcome").collect("not JSON");
      return;
    } catch (RuntimeException e) {
      fail("parsing threw " + e + " for " + new String(body, StandardCharsets.UTF_8), e);
      return;
    }
    for (Map.Entry<String, Function<JsonNode, Object>> parser : PARSERS.entrySet()) {
      try {
        parser.getValue().apply(json);
        Statistics.label("outcome").collect("parsed");
      } catch (InvalidResponseException expected) {
        Statistics.label("outcome").collect("InvalidResponseException");
      } catch (RuntimeException e) {
        fail(parser.getKey() + " threw " + e + " for " + json, e);
      }
    }
  }

  @Property(tries = 2000)
  void randomBytes(@ForAll("bytes") byte[] body) {
    parseEveryWay(body);
  }

  @Property(tries = 3000)
  void mutatedAnswers(@ForAll("mutated") String body) {
    parseEveryWay(body.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 3000)
  void randomJsonWithTheRealFieldNames(@ForAll("documents") String body) {
    parseEveryWay(body.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> valid = Arbitraries.of(VALID);
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 400);
    Arbitrary<Character> junk = Arbitraries.chars().with('{', '}', '[', ']', '"', ',', ':', '0', '-', 'n', '\\', 'e', '\u0000', '\uFFFF');
    Arbitrary<String> deleted = Combinators.combine(valid, position).as((v, p) -> v.substring(0, p % v.length()) + v.substring(Math.min(v.length(), p % v.length() + 1)));
    Arbitrary<String> inserted = Combinators.combine(valid, position, junk).as((v, p, c) -> v.substring(0, p % v.length()) + c + v.substring(p % v.length()));
    Arbitrary<String> truncated = Combinators.combine(valid, position).as((v, p) -> v.substring(0, p % v.length()));
    Arbitrary<String> retyped =
        Combinators.combine(valid, Arbitraries.of(FIELDS), value(0))
            .as((v, field, replacement) -> v.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[-0-9.]+|\\{[^}]*\\}|\\[[^]]*\\])", "\"" + field + "\":" + replacement));
    return Arbitraries.oneOf(deleted, inserted, truncated, retyped);
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> entry = Combinators.combine(Arbitraries.of(FIELDS), value(2)).as((k, v) -> "\"" + k + "\":" + v);
    // Mostly with a good request_id, so the parsers get past it to the other fields.
    Arbitrary<String> head = Arbitraries.frequency(Tuple.of(3, "\"request_id\":\"req_abc-123\","), Tuple.of(1, ""));
    Arbitrary<String> status = Arbitraries.frequency(Tuple.of(3, "\"status\":\"completed\","), Tuple.of(1, ""));
    return Combinators.combine(head, status, entry.list().ofMaxSize(6))
        .as((h, st, entries) -> "{" + h + st + String.join(",", entries) + "}")
        .map(doc -> doc.replace(",}", "}"));
  }

  /** A random JSON value, nested up to {@code depth} levels. */
  private static Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of("null", "true", "false", "0", "-1", "1e400", "3.5", "9999999999999999999", "\"\"",
                "\"req_abc-123\"", "\"completed\"", "\"in_queue\"", "\"../x\"", "\"https://cdn.runcomfy.net/v.mp4\"",
                "\"not a uri \\u0000\"", "\"2026-11-24T12:00:00Z\""),
            Arbitraries.strings().ofMaxLength(10).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", "") + "\""));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = value(depth - 1);
    Arbitrary<String> array = inner.list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
    Arbitrary<String> object =
        Combinators.combine(Arbitraries.of(FIELDS), inner).as((k, v) -> "\"" + k + "\":" + v)
            .list().ofMaxSize(3)
            .map(entries -> "{" + entries.stream().collect(Collectors.joining(",")) + "}");
    return Arbitraries.oneOf(scalar, scalar, array, object);
  }
}
