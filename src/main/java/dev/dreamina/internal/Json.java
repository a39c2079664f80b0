package dev.dreamina.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dreamina.ImageToVideoRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SDK's one Jackson mapper, and the request body it writes. */
public final class Json {
  /** Shared and thread-safe; configured once, never per call. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          // Prices and costs keep the server's exact decimal, trailing zeros included.
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private Json() {}

  /** The shared mapper, for the sandbox's answers. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Parses a JSON document; any syntax problem is an {@link IOException}. */
  public static JsonNode parse(byte[] body) throws IOException {
    if (body.length == 0) {
      throw new IOException("empty body");
    }
    JsonNode node = MAPPER.readTree(body);
    if (node == null || node.isMissingNode()) {
      throw new IOException("empty body");
    }
    return node;
  }

  /** The submit body, exactly as the page's input schema; unset optional fields are left out. */
  public static byte[] requestBody(ImageToVideoRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("prompt", request.prompt());
    body.put("image_urls", List.of(request.imageUrl().toString()));
    request.frames().ifPresent(frames -> body.put("frames", frames));
    request.seed().ifPresent(seed -> body.put("seed", seed));
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Validation has already rejected what JSON cannot carry (unpaired surrogates).
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON value as plain Java: maps, lists, strings, numbers, booleans and {@code null}. */
  static Object toJava(JsonNode node) {
    return MAPPER.convertValue(node, Object.class);
  }

  /** Compact JSON text of a node, for error objects kept as strings. */
  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
