package dev.dreamina.internal.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dreamina.ImageToVideoRequest;
import java.io.IOException;
import java.io.UncheckedIOException;

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
    try {
      return MAPPER.writeValueAsBytes(requestNode(request));
    } catch (JsonProcessingException e) {
      // Validation has already rejected what JSON cannot carry (unpaired surrogates).
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A request as the page's input schema has it: {@code prompt}, {@code image_urls} (one item),
   * and {@code frames} and {@code seed} when set. The one serialisation of a request, for the wire
   * and the journal alike.
   */
  static ObjectNode requestNode(ImageToVideoRequest request) {
    if (request.imageFile().isPresent()) {
      throw new IllegalStateException("A request with a local image is sent only once the client has published it");
    }
    ObjectNode body = MAPPER.createObjectNode();
    body.put("prompt", request.prompt());
    body.putArray("image_urls").add(request.imageUrl().toString());
    request.frames().ifPresent(frames -> body.put("frames", frames));
    request.seed().ifPresent(seed -> body.put("seed", seed));
    return body;
  }

  /**
   * Reads back what {@link #requestNode} wrote, validating it again; also reads the {@code
   * image_url} field of journals written before the journal used the wire's shape.
   */
  static ImageToVideoRequest request(JsonNode node) {
    JsonNode urls = node.get("image_urls");
    ImageToVideoRequest.Builder builder =
        ImageToVideoRequest.builder()
            .prompt(node.get("prompt").textValue())
            .imageUrl(urls != null ? urls.get(0).textValue() : node.get("image_url").textValue());
    if (node.hasNonNull("frames")) {
      builder.frames(node.get("frames").intValue());
    }
    if (node.hasNonNull("seed")) {
      builder.seed(node.get("seed").intValue());
    }
    return builder.build();
  }

  /** A JSON value as plain Java: maps, lists, strings, numbers, booleans and {@code null}. */
  static Object toJava(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue(); // the common case, without convertValue's buffers
    }
    if (node.isNull()) {
      return null;
    }
    return MAPPER.convertValue(node, Object.class);
  }

  /** Compact JSON text of a node, for error objects kept as strings. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
