/** A modular application using the SDK, as the test command runs it on the module path. */
module dev.dreamina.smoke {
  requires dev.dreamina;
  // The sandbox only when the run adds its module: a test dependency for most apps.
  requires static dev.dreamina.sandbox;
}
