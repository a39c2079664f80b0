package dev.dreamina;

import java.io.IOException;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the client tests: a started {@link MockWebServer}, a {@link FakeTime} clock, and
 * the real client on both ({@link TestServer#clientFor}), closed after each test. A test class
 * adjusts the client in {@link #configure}; its own {@code @BeforeEach} methods run after this
 * one's, so the client is ready in them.
 */
abstract class ApiTest {
  protected final MockWebServer server = new MockWebServer();
  protected final FakeTime time = new FakeTime();
  protected DreaminaClient client;

  /** Adjusts the client's builder; the default keeps {@link TestServer#clientFor}'s settings. */
  DreaminaClientBuilder configure(DreaminaClientBuilder builder) {
    return builder;
  }

  @BeforeEach
  final void startServerAndClient() throws IOException {
    server.start();
    client = configure(TestServer.clientFor(server, time)).build();
  }

  @AfterEach
  final void closeClientAndServer() {
    client.close();
    server.close();
  }
}
