package dev.dreamina.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The endpoint page's input schema, checked as the API's JSON Schema validator would. */
final class InputSchema {
  private InputSchema() {}

  /** The problems of a submit body, as the API's 422 {@code detail} lists them; empty when none. */
  static List<ObjectNode> problems(JsonNode input) {
    List<ObjectNode> problems = new ArrayList<>();
    if (!input.isObject()) {
      problems.add(detail(List.of("body"), "Input should be an object", "model_type"));
      return problems;
    }
    JsonNode prompt = input.get("prompt");
    if (prompt == null) {
      problems.add(detail(List.of("body", "prompt"), "Field required", "missing"));
    } else if (!prompt.isTextual()) {
      problems.add(detail(List.of("body", "prompt"), "Input should be a valid string", "string_type"));
    } else {
      String text = prompt.textValue();
      if (text.codePointCount(0, text.length()) > 800) {
        problems.add(
            detail(List.of("body", "prompt"), "String should have at most 800 characters", "string_too_long"));
      }
    }
    JsonNode images = input.get("image_urls");
    if (images == null) {
      problems.add(detail(List.of("body", "image_urls"), "Field required", "missing"));
    } else if (!images.isArray()) {
      problems.add(detail(List.of("body", "image_urls"), "Input should be a valid list", "list_type"));
    } else if (images.size() != 1) {
      problems.add(
          detail(List.of("body", "image_urls"), "List should have exactly 1 item", "list_length"));
    } else if (!images.get(0).isTextual() || !isImageUri(images.get(0).textValue())) {
      problems.add(
          detail(List.of("body", "image_urls", "0"), "Input should be a valid image URL", "url_parsing"));
    }
    JsonNode seed = input.get("seed");
    if (seed != null && !(seed.isIntegralNumber() && seed.canConvertToInt())) {
      problems.add(detail(List.of("body", "seed"), "Input should be a valid integer", "int_type"));
    }
    JsonNode frames = input.get("frames");
    if (frames != null
        && !(frames.isIntegralNumber() && (frames.intValue() == 121 || frames.intValue() == 241))) {
      problems.add(detail(List.of("body", "frames"), "Input should be 121 or 241", "enum"));
    }
    return problems;
  }

  private static boolean isImageUri(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  static ObjectNode detail(List<String> loc, String msg, String type) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    ArrayNode locNode = node.putArray("loc");
    loc.forEach(locNode::add);
    node.put("msg", msg);
    node.put("type", type);
    return node;
  }
}
