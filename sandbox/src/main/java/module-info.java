/**
 * An in-process fake of RunComfy's Dreamina 3.0 Pro image-to-video API on the JDK's HTTP server,
 * for tests and local runs: no token, no network, no credits. Needs nothing of the SDK.
 */
module dev.dreamina.sandbox {
  requires jdk.httpserver;
  requires com.fasterxml.jackson.databind;

  exports dev.dreamina.sandbox;
}
