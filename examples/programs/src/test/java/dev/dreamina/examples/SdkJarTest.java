package dev.dreamina.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dreamina.DreaminaClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The SDK's jar, as this build packaged it: its manifest names it and it carries its license. */
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
}
