/** A modular application using the SDK, as the test command runs it on the module path. */
module dev.dreamina.smoke {
  requires dev.dreamina;
}
