package dev.dreamina.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.ApiException;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.NetworkException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void retryAfterSecondsAndDates() {
    assertEquals(Optional.of(Duration.ofSeconds(5)), RetryPolicy.parseRetryAfter("5", NOW));
    assertEquals(Optional.of(Duration.ofSeconds(0)), RetryPolicy.parseRetryAfter(" 0 ", NOW));
    assertEquals(
        Optional.of(Duration.ofSeconds(30)),
        RetryPolicy.parseRetryAfter("Tue, 24 Nov 2026 12:00:30 GMT", NOW));
    assertEquals(
        Optional.of(Duration.ZERO), RetryPolicy.parseRetryAfter("Tue, 24 Nov 2026 11:00:00 GMT", NOW));
  }

  @Test
  void unreadableRetryAfterIsIgnored() {
    for (String header : new String[] {null, "", "  ", "-1", "1.5", "soon", "Tue, 99 Nov 2026"}) {
      assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter(header, NOW), header);
    }
  }

  @Test
  void hugeRetryAfterDoesNotOverflow() {
    Duration wait = RetryPolicy.parseRetryAfter("99999999999999999999999", NOW).orElseThrow();
    assertTrue(wait.compareTo(Duration.ofDays(365)) > 0);
  }

  @Test
  void backoffDoublesUpToTheCapWithJitterBetween75And100Percent() {
    Duration initial = Duration.ofMillis(500);
    Duration cap = Duration.ofSeconds(8);
    assertEquals(Duration.ofMillis(500), RetryPolicy.backoff(1, initial, cap, () -> 1.0));
    assertEquals(Duration.ofMillis(1000), RetryPolicy.backoff(2, initial, cap, () -> 1.0));
    assertEquals(Duration.ofMillis(4000), RetryPolicy.backoff(4, initial, cap, () -> 1.0));
    assertEquals(Duration.ofSeconds(8), RetryPolicy.backoff(10, initial, cap, () -> 1.0));
    assertEquals(Duration.ofMillis(375), RetryPolicy.backoff(1, initial, cap, () -> 0.0));
    assertEquals(Duration.ofSeconds(6), RetryPolicy.backoff(60, initial, cap, () -> 0.0));
  }

  @Test
  void retryAfterOverTheCapMeansNoRetry() {
    RetryPolicy policy =
        new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60), () -> 0.5);
    assertEquals(Optional.of(Duration.ofSeconds(60)), policy.delayBefore(1, Optional.of(Duration.ofSeconds(60))));
    assertEquals(Optional.empty(), policy.delayBefore(1, Optional.of(Duration.ofSeconds(61))));
    assertEquals(Optional.of(Duration.ofMillis(437)), policy.delayBefore(1, Optional.empty()).map(d -> Duration.ofMillis(d.toMillis())));
  }

  @Test
  void transientFailures() {
    assertTrue(RetryPolicy.isTransient(new NetworkException("x", null, null)));
    for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
      assertTrue(RetryPolicy.isTransient(ApiException.builder().statusCode(status).build()), "" + status);
    }
    assertTrue(RetryPolicy.isTransient(ApiException.builder().statusCode(429).build()));
    assertTrue(RetryPolicy.isTransient(ApiException.builder().statusCode(200).errorCode(500001).build()));
    for (int status : new int[] {400, 401, 403, 404, 409, 422, 501}) {
      assertFalse(RetryPolicy.isTransient(ApiException.builder().statusCode(status).build()), "" + status);
    }
    assertFalse(RetryPolicy.isTransient(ApiException.builder().statusCode(400).errorCode(400001).build()));
    assertFalse(RetryPolicy.isTransient(new InvalidResponseException("x", null, null)));
  }
}
