package dev.dreamina.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * libfaketime, which runs a process on a clock that is off by a given amount: {@code LD_PRELOAD}
 * it, and set {@code FAKETIME}. Installed with the system's package manager when it is missing and
 * the build runs as root on Debian or Ubuntu; otherwise {@link #library()} says why not.
 */
final class Faketime {
  private static final List<Path> LIBRARY_DIRS =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu/faketime"),
          Path.of("/usr/lib/aarch64-linux-gnu/faketime"),
          Path.of("/usr/lib/faketime"),
          Path.of("/usr/local/lib/faketime"));
  private static Object found; // the Path, or why there is none; guarded by the class

  private Faketime() {}

  /** The multi-threaded library's path; or, as the exception's message, why there is none. */
  static synchronized Path library() throws Unavailable {
    if (found == null) {
      found = find().map(Object.class::cast).orElseGet(Faketime::install);
    }
    if (found instanceof Path path) {
      return path;
    }
    throw new Unavailable((String) found);
  }

  /** Why libfaketime cannot be had here. */
  static final class Unavailable extends Exception {
    Unavailable(String why) {
      super(why);
    }
  }

  private static Optional<Path> find() {
    return LIBRARY_DIRS.stream().map(d -> d.resolve("libfaketimeMT.so.1")).filter(Files::isReadable).findFirst();
  }

  /** {@code apt-get install libfaketime}; the path it installed, or why it could not. */
  private static Object install() {
    if (!System.getProperty("os.name").equals("Linux")) {
      return "libfaketime is for Linux; this is " + System.getProperty("os.name");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      return "libfaketime is not installed, and there is no apt-get to install it with";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "libfaketime is not installed, and installing it needs root (apt-get install libfaketime)";
    }
    try {
      String failed = aptGet("install", "-y", "--no-install-recommends", "libfaketime");
      if (failed != null) {
        String updateFailed = aptGet("update");
        failed = updateFailed != null ? updateFailed : aptGet("install", "-y", "--no-install-recommends", "libfaketime");
      }
      Optional<Path> installed = find();
      return installed.isPresent() ? installed.get() : "apt-get install libfaketime did not install it: " + failed;
    } catch (IOException e) {
      return "apt-get install libfaketime failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while installing libfaketime";
    }
  }

  /** Runs {@code apt-get ARGS} for at most five minutes: {@code null} when it succeeded, else the end of what it printed. */
  private static String aptGet(String... args) throws IOException, InterruptedException {
    Path log = Files.createTempFile("apt-get", ".log");
    try {
      Process apt =
          new ProcessBuilder(Stream.concat(Stream.of("apt-get"), Stream.of(args)).toList())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      apt.getOutputStream().close();
      if (!apt.waitFor(5, TimeUnit.MINUTES)) {
        apt.destroyForcibly();
        return "apt-get " + String.join(" ", args) + " took more than five minutes";
      }
      String output = Files.readString(log).strip();
      return apt.exitValue() == 0 ? null : output.substring(Math.max(0, output.length() - 400));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The environment that runs a process on a clock {@code offset} off this machine's (monotonic time left alone). */
  static Map<String, String> offBy(Duration offset) throws Unavailable {
    return Map.of(
        "LD_PRELOAD", library().toString(),
        "FAKETIME", (offset.isNegative() ? "-" : "+") + offset.abs().toSeconds() + "s",
        "FAKETIME_DONT_FAKE_MONOTONIC", "1");
  }
}
