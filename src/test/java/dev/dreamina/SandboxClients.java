package dev.dreamina;

import dev.dreamina.sandbox.RunComfySandbox;

/** The tests' one line for a client builder pointed at a sandbox with its token. */
public final class SandboxClients {
  private SandboxClients() {}

  /** A builder with the sandbox's base URL and token; set more options and build. */
  public static DreaminaClientBuilder builderFor(RunComfySandbox sandbox) {
    return DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken());
  }
}
