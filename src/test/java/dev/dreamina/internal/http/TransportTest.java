package dev.dreamina.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void preparedClientNeverReplaysNorRedirectsAndAppliesTimeouts() {
    OkHttpClient user = new OkHttpClient();
    OkHttpClient prepared = Transport.prepare(user, Duration.ofSeconds(3), Duration.ofSeconds(7));

    assertFalse(prepared.retryOnConnectionFailure(), "a dropped POST must never be replayed");
    assertFalse(prepared.followRedirects());
    assertFalse(prepared.followSslRedirects());
    assertEquals(3_000, prepared.connectTimeoutMillis());
    assertEquals(7_000, prepared.readTimeoutMillis());
    assertEquals(7_000, prepared.writeTimeoutMillis());
    assertEquals(7_000, prepared.callTimeoutMillis());
    assertTrue(prepared.networkInterceptors().contains(Transport.SendMarker.INTERCEPTOR));
    // Shared pieces stay shared; the user's client is unchanged.
    assertTrue(prepared.connectionPool() == user.connectionPool());
    assertTrue(prepared.dispatcher() == user.dispatcher());
    assertTrue(user.retryOnConnectionFailure());
    assertTrue(user.networkInterceptors().isEmpty());
  }
}
