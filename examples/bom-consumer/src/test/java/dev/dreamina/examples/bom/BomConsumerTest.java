package dev.dreamina.examples.bom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.spring.DreaminaAutoConfiguration;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A project that imports the BOM and names the SDK, the sandbox and the starter without versions:
 * it resolves (the build fails when the BOM lacks one), compiles against all three, the SDK works
 * against the sandbox, and the SDK's own jar carries no fake server.
 */
class BomConsumerTest {
  @Test
  void theSdkTheSandboxAndTheStarterResolveThroughTheBomAndWork() {
    assertTrue(DreaminaAutoConfiguration.class.isAnnotationPresent(org.springframework.boot.autoconfigure.AutoConfiguration.class));
    try (RunComfySandbox sandbox = RunComfySandbox.start();
        DreaminaClient client = DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build()) {
      String id = client.submit(ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build()).requestId();
      assertTrue(id.length() > 8, id);
    }
  }

  @Test
  void theSdksJarHoldsNoSandboxClassAndNoVideoWhileTheSandboxsJarHoldsBoth() throws Exception {
    List<String> sdk = entries(DreaminaClient.class);
    assertTrue(sdk.contains("dev/dreamina/DreaminaClient.class"), "not the SDK's classes: " + sdk.size());
    assertEquals(List.of(), sdk.stream().filter(e -> e.startsWith("dev/dreamina/sandbox/") || e.endsWith(".mp4")).toList());
    assertTrue(sdk.stream().noneMatch(e -> e.contains("httpserver")), "nothing of the JDK's HTTP server");

    List<String> sandbox = entries(RunComfySandbox.class);
    assertTrue(sandbox.contains("dev/dreamina/sandbox/RunComfySandbox.class"), sandbox.toString());
    assertTrue(sandbox.contains("dev/dreamina/sandbox/sample.mp4"), sandbox.toString());
    assertTrue(sandbox.stream().noneMatch(e -> e.startsWith("dev/dreamina/internal/")), "no SDK class in the sandbox");
  }

  /** The entries of the jar (or, in a build that stops before packaging, the folder) a class came from. */
  private static List<String> entries(Class<?> type) throws IOException, URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        files.filter(Files::isRegularFile).forEach(f -> names.add(location.relativize(f).toString().replace('\\', '/')));
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        jar.stream().filter(e -> !e.isDirectory()).forEach(e -> names.add(e.getName()));
      }
    }
    return names;
  }
}
