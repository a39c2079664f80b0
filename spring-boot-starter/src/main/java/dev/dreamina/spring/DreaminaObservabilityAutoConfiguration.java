package dev.dreamina.spring;

import dev.dreamina.DreaminaClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Meters and observations from the client's job events, when Micrometer is on the class path and
 * the app has a {@link MeterRegistry} or {@link ObservationRegistry}; the actuator endpoint when
 * the actuator is.
 */
@AutoConfiguration(
    before = DreaminaAutoConfiguration.class,
    afterName = {
      // Boot 3
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      // Boot 4
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
public class DreaminaObservabilityAutoConfiguration {
  /** Meters, with a MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    MicrometerJobListener dreaminaMeters(MeterRegistry registry) {
      return new MicrometerJobListener(registry);
    }

    @Bean
    @ConditionalOnBean(ObservationRegistry.class)
    @ConditionalOnMissingBean
    ObservationJobListener dreaminaObservations(ObservationRegistry registry) {
      return new ObservationJobListener(registry);
    }
  }

  /** The endpoint, with the actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class Actuator {
    @Bean
    @ConditionalOnMissingBean
    DreaminaEndpoint dreaminaEndpoint(DreaminaClient client, DreaminaProperties properties) {
      return new DreaminaEndpoint(client, properties.getEndpoint().isShowPrompts());
    }
  }
}
