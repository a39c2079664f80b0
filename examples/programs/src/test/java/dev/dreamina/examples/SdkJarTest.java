package dev.dreamina.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.sandbox.RunComfySandbox;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The SDK's jar, as this build packaged it: its manifest names it, it carries its license, and no
 * fake server: the sandbox is its own jar.
 */
class SdkJarTest {
  @Test
  void theJarHasItsTitleVersionAndLicense() throws Exception {
    Path jar = Path.of(DreaminaClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(Files.isRegularFile(jar), "the SDK is not on the class path as a jar here: " + jar);
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertNotNull(manifest, "no manifest");
      assertEquals("dreamina-java", manifest.getMainAttributes().getValue("Implementation-Title"));
      String version = manifest.getMainAttributes().getValue("Implementation-Version");
      assertNotNull(version, "no Implementation-Version");
      assertTrue(jar.getFileName().toString().contains(version), version + " vs " + jar);
      ZipEntry license = file.getEntry("META-INF/LICENSE");
      assertNotNull(license, "no META-INF/LICENSE");
      try (InputStream in = file.getInputStream(license)) {
        assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("Apache License"));
      }
    }
  }

  @Test
  void theSdksJarHoldsNoSandboxClassAndNoVideoWhileTheSandboxsJarHoldsBoth() throws Exception {
    Path sdkJar = Path.of(DreaminaClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path sandboxJar = Path.of(RunComfySandbox.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(Files.isRegularFile(sdkJar) && Files.isRegularFile(sandboxJar), "not jars here: " + sdkJar + ", " + sandboxJar);
    List<String> sdk = entries(sdkJar);
    assertTrue(sdk.contains("dev/dreamina/DreaminaClient.class"), "not the SDK's jar: " + sdkJar);
    assertEquals(List.of(), sdk.stream().filter(e -> e.startsWith("dev/dreamina/sandbox/") || e.endsWith(".mp4")).toList());

    List<String> sandbox = entries(sandboxJar);
    assertTrue(sandbox.contains("dev/dreamina/sandbox/RunComfySandbox.class"), sandbox.toString());
    assertTrue(sandbox.contains("dev/dreamina/sandbox/sample.mp4"), sandbox.toString());
    assertTrue(sandbox.contains("module-info.class"), "the sandbox is a named module");
    assertTrue(sandbox.stream().noneMatch(e -> e.startsWith("dev/dreamina/internal/")), "no SDK class in the sandbox");
  }

  private static List<String> entries(Path jar) throws Exception {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
    }
  }
}
