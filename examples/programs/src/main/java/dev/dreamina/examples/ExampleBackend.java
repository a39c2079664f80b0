package dev.dreamina.examples;

import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.sandbox.RunComfySandbox;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The client an example runs with: RunComfy itself when a token is set, else the embedded sandbox
 * (no token, no network, no credits).
 */
public final class ExampleBackend implements AutoCloseable {
  private final RunComfySandbox sandbox;
  private final Supplier<DreaminaClientBuilder> builders;
  private final DreaminaClient client;
  private final Map<String, String> env;

  private ExampleBackend(RunComfySandbox sandbox, Map<String, String> env, Supplier<DreaminaClientBuilder> builders) {
    this.sandbox = sandbox;
    this.env = env;
    this.builders = builders;
    this.client = builders.get().build();
  }

  /**
   * @param forceSandbox use the sandbox even when a token is set
   * @param env the environment to read the token and base URL from
   */
  public static ExampleBackend open(boolean forceSandbox, Map<String, String> env) {
    return open(forceSandbox, env, UnaryOperator.identity());
  }

  /**
   * @param settings applied to the client's builder after the token and base URL (a journal, a
   *     listener, ...)
   */
  public static ExampleBackend open(
      boolean forceSandbox, Map<String, String> env, UnaryOperator<DreaminaClientBuilder> settings) {
    return open(forceSandbox, false, env, settings);
  }

  /**
   * @param sandboxFetchesImages whether a sandbox fetches and checks each job's image as RunComfy
   *     does (when images are published from local files, so that the whole path is tried)
   */
  public static ExampleBackend open(
      boolean forceSandbox, boolean sandboxFetchesImages, Map<String, String> env, UnaryOperator<DreaminaClientBuilder> settings) {
    if (hasToken(env) && !forceSandbox) {
      return new ExampleBackend(null, env, () -> settings.apply(DreaminaClient.builder().fromEnv(env::get)));
    }
    RunComfySandbox sandbox = RunComfySandbox.builder().fetchImages(sandboxFetchesImages).start();
    return new ExampleBackend(sandbox, env, () -> settings.apply(DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken())));
  }

  /** Whether {@code RUNCOMFY_API_TOKEN} or {@code RUNCOMFY_TOKEN} is set. */
  public static boolean hasToken(Map<String, String> env) {
    return !blank(env.get(DreaminaClient.ENV_API_TOKEN))
        || !blank(env.get(DreaminaClient.ENV_TOKEN_FALLBACK));
  }

  /** A fresh builder with the same token and base URL, for a client with other settings. */
  public DreaminaClientBuilder newClientBuilder() {
    return builders.get();
  }

  public DreaminaClient client() {
    return client;
  }

  /** The base URL the client talks to: the sandbox's, else {@code RUNCOMFY_BASE_URL}, else RunComfy's. */
  public String baseUrl() {
    if (sandbox != null) {
      return sandbox.baseUrl().toString();
    }
    String fromEnv = env.get(DreaminaClient.ENV_BASE_URL);
    return blank(fromEnv) ? DreaminaClient.DEFAULT_BASE_URL : fromEnv.strip();
  }

  public boolean usingSandbox() {
    return sandbox != null;
  }

  /** The sandbox, for examples that script it; only when {@link #usingSandbox()}. */
  public RunComfySandbox sandbox() {
    return sandbox;
  }

  @Override
  public void close() {
    client.close();
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
