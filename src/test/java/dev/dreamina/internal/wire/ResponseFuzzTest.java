package dev.dreamina.internal.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.Cases;
import dev.dreamina.errors.InvalidResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

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

  /** How each body came out, over a property's cases: every outcome must have happened at least once. */
  private final Map<String, Integer> outcomes = new java.util.TreeMap<>();

  /** What the transport does with a 2xx body; only the two expected failures may come out. */
  private void parseEveryWay(byte[] body) {
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (IOException unreadable) {
      outcomes.merge("not JSON", 1, Integer::sum);
      return;
    } catch (RuntimeException e) {
      fail("parsing threw " + e + " for " + new String(body, StandardCharsets.UTF_8), e);
      return;
    }
    for (Map.Entry<String, Function<JsonNode, Object>> parser : PARSERS.entrySet()) {
      try {
        parser.getValue().apply(json);
        outcomes.merge("parsed", 1, Integer::sum);
      } catch (InvalidResponseException expected) {
        outcomes.merge("InvalidResponseException", 1, Integer::sum);
      } catch (RuntimeException e) {
        fail(parser.getKey() + " threw " + e + " for " + json, e);
      }
    }
  }

  /** The generator reached every outcome, so the property was not passed vacuously. */
  private void reached(String... expected) {
    for (String outcome : expected) {
      assertTrue(outcomes.getOrDefault(outcome, 0) > 0, outcome + " never happened: " + outcomes);
    }
  }

  @Test
  void randomBytes() {
    Cases.check("randomBytes", 2000, random -> {
      byte[] body = new byte[random.nextInt(201)];
      random.nextBytes(body);
      parseEveryWay(body);
    });
    reached("not JSON");
  }

  @Test
  void mutatedAnswers() {
    Cases.check("mutatedAnswers", 3000, random -> parseEveryWay(mutated(random).getBytes(StandardCharsets.UTF_8)));
    reached("not JSON", "parsed", "InvalidResponseException");
  }

  @Test
  void randomJsonWithTheRealFieldNames() {
    Cases.check("randomJsonWithTheRealFieldNames", 3000, random -> parseEveryWay(document(random).getBytes(StandardCharsets.UTF_8)));
    reached("parsed", "InvalidResponseException");
  }

  private static final List<Character> JUNK = List.of('{', '}', '[', ']', '"', ',', ':', '0', '-', 'n', '\\', 'e', '\u0000', '\uFFFF');

  /** A valid answer with one character deleted or inserted, cut short, or one field's value replaced. */
  private static String mutated(Random random) {
    String valid = Cases.pick(random, VALID);
    int at = Cases.between(random, 0, 400) % valid.length();
    switch (random.nextInt(4)) {
      case 0:
        return valid.substring(0, at) + valid.substring(Math.min(valid.length(), at + 1));
      case 1:
        return valid.substring(0, at) + Cases.pick(random, JUNK) + valid.substring(at);
      case 2:
        return valid.substring(0, at);
      default:
        String field = Cases.pick(random, FIELDS);
        return valid.replaceFirst(
            "\"" + field + "\":(\"[^\"]*\"|[-0-9.]+|\\{[^}]*\\}|\\[[^]]*\\])",
            java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + value(random, 0)));
    }
  }

  /** A JSON object of up to six of the real fields with random values, mostly with a good request id and status. */
  private static String document(Random random) {
    StringBuilder doc = new StringBuilder("{");
    if (random.nextInt(4) > 0) {
      doc.append("\"request_id\":\"req_abc-123\",");
    }
    if (random.nextInt(4) > 0) {
      doc.append("\"status\":\"completed\",");
    }
    int entries = random.nextInt(7);
    for (int i = 0; i < entries; i++) {
      doc.append('"').append(Cases.pick(random, FIELDS)).append("\":").append(value(random, 2)).append(',');
    }
    if (doc.charAt(doc.length() - 1) == ',') {
      doc.setLength(doc.length() - 1);
    }
    return doc.append('}').toString();
  }

  private static final List<String> SCALARS =
      List.of("null", "true", "false", "0", "-1", "1e400", "3.5", "9999999999999999999", "\"\"",
          "\"req_abc-123\"", "\"completed\"", "\"in_queue\"", "\"../x\"", "\"https://cdn.runcomfy.net/v.mp4\"",
          "\"not a uri \\u0000\"", "\"2026-11-24T12:00:00Z\"");

  /** A random JSON value, nested up to {@code depth} levels. */
  private static String value(Random random, int depth) {
    int kind = depth == 0 ? random.nextInt(2) : random.nextInt(4);
    switch (kind) {
      case 0:
        return Cases.pick(random, SCALARS);
      case 1:
        String s = Cases.anyString(random, 10);
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f\\uD800-\\uDFFF]", "") + "\"";
      case 2:
        StringBuilder array = new StringBuilder("[");
        for (int i = random.nextInt(4); i > 0; i--) {
          array.append(value(random, depth - 1)).append(i > 1 ? "," : "");
        }
        return array.append(']').toString();
      default:
        StringBuilder object = new StringBuilder("{");
        for (int i = random.nextInt(4); i > 0; i--) {
          object.append('"').append(Cases.pick(random, FIELDS)).append("\":").append(value(random, depth - 1)).append(i > 1 ? "," : "");
        }
        return object.append('}').toString();
    }
  }
}
