package dev.dreamina.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI as a real process, as a person runs it: this JVM's {@code java}, the test classpath,
 * {@link DreaminaCli}'s main, the given environment, stdout and stderr together in a log file.
 */
final class CliProcess {
  private CliProcess() {}

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code dreamina ARGS} in the current working directory. */
  static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    return startIn(null, env, log, args);
  }

  /** {@code dreamina ARGS} in {@code workingDir}, or the current one when {@code null}. */
  static Process startIn(Path workingDir, Map<String, String> env, Path log, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(java(), "-Dsun.net.httpserver.nodelay=true", "-cp", System.getProperty("java.class.path"),
            DreaminaCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (workingDir != null) {
      process.directory(workingDir.toFile());
    }
    process.environment().putAll(env);
    return process.start();
  }

  /**
   * A printed {@code dreamina …} command run exactly as printed, by a POSIX shell in which {@code
   * dreamina} is this CLI.
   */
  static Process runAsPrinted(String printed, Map<String, String> env, Path log) throws IOException {
    String dreamina =
        "dreamina() { '" + java() + "' -Dsun.net.httpserver.nodelay=true -cp '" + System.getProperty("java.class.path")
            + "' " + DreaminaCli.class.getName() + " \"$@\"; }; ";
    ProcessBuilder shell = new ProcessBuilder("sh", "-c", dreamina + printed).redirectErrorStream(true).redirectOutput(log.toFile());
    shell.environment().putAll(env);
    return shell.start();
  }

  /**
   * Waits (at most 60 s) until the sandbox made {@code count} paid jobs, their answers held back by
   * {@code holdSubmitAnswers()}, then checks it did: polling for a state, not a backoff.
   */
  static void untilSubmitted(dev.dreamina.sandbox.RunComfySandbox sandbox, int count, Path log) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (sandbox.submitCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    org.junit.jupiter.api.Assertions.assertEquals(count, sandbox.submitCount(), java.nio.file.Files.readString(log));
  }
}
