package dev.dreamina;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the response records share: the copy of their unmodelled fields. */
final class Models {
  private Models() {}

  /** An unmodifiable copy that, unlike {@link Map#copyOf}, keeps JSON {@code null} values. */
  static Map<String, Object> copy(Map<String, Object> map) {
    return map == null || map.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
