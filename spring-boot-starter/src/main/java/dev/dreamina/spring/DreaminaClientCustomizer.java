package dev.dreamina.spring;

import dev.dreamina.DreaminaClientBuilder;

/**
 * Changes the starter's client builder after the {@code dreamina.*} properties are applied, for
 * what has no property: an {@code OkHttpClient}, an image host of the app's own, a clock. Every
 * bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface DreaminaClientCustomizer {
  /**
   * Changes the builder.
   *
   * @param builder the client's builder, the properties applied
   */
  void customize(DreaminaClientBuilder builder);
}
