package dev.dreamina;

import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** A self-signed certificate for https MockWebServers, and an OkHttp client that trusts it. */
final class TestTls {
  private static final HeldCertificate LOCALHOST =
      new HeldCertificate.Builder()
          .addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1")
          .build();

  private TestTls() {}

  static void useHttps(MockWebServer server) {
    server.useHttps(
        new HandshakeCertificates.Builder().heldCertificate(LOCALHOST).build().sslSocketFactory());
  }

  static OkHttpClient trustingClient() {
    HandshakeCertificates trust =
        new HandshakeCertificates.Builder().addTrustedCertificate(LOCALHOST.certificate()).build();
    return new OkHttpClient.Builder()
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .build();
  }
}
