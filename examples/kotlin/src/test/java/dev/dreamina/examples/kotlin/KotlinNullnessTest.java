package dev.dreamina.examples.kotlin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jetbrains.kotlin.cli.common.ExitCode;
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Kotlin sees of the SDK's nullness, by compiling snippets against it with the Kotlin
 * compiler the build uses: a {@code String?} where the SDK requires a value does not compile, and
 * a null check on a result is flagged as always false; a {@code null} where the SDK takes none (an
 * optional download target) compiles. Without the SDK's JSpecify annotations Kotlin sees platform
 * types, and the first two tests fail (tried with {@code -Xjspecify-annotations=ignore}).
 */
class KotlinNullnessTest {
  @TempDir Path dir;

  private String compile(String code, String... extra) throws Exception {
    Path source = Files.writeString(dir.resolve("Snippet" + System.nanoTime() + ".kt"), "import dev.dreamina.*\nimport java.nio.file.Path\n\n" + code + "\n");
    ByteArrayOutputStream messages = new ByteArrayOutputStream();
    ExitCode exit =
        new K2JVMCompiler()
            .exec(
                new PrintStream(messages, true, StandardCharsets.UTF_8),
                "-classpath", System.getProperty("java.class.path"),
                "-no-stdlib", "-no-reflect",
                "-jvm-target", "17",
                "-Xjspecify-annotations=strict",
                extra.length > 0 ? extra[0] : "-nowarn",
                "-d", dir.resolve("out").toString(),
                source.toString());
    return exit == ExitCode.OK ? "OK" : messages.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMaybeNullRequestIdDoesNotCompileWhereTheSdkRequiresOne() throws Exception {
    String result = compile("fun f(client: DreaminaClient, id: String?) = client.status(id)");
    assertTrue(result.contains("mismatch"), result);
  }

  @Test
  void nullCompilesWhereTheSdkTakesNone() throws Exception {
    assertEquals("OK", compile("fun f(client: DreaminaClient, r: ImageToVideoRequest) = client.submit(r, null)"));
    assertEquals("OK", compile("fun f(b: ImageToVideoRequest.Builder) = b.prompt(null)"));
  }

  @Test
  void aResultIsANonNullTypeSoANullCheckOnItIsFlagged() throws Exception {
    // On a non-null type Kotlin warns that a null check is always false (-Werror fails on it); on
    // a platform type, which is what it sees without the annotations, it says nothing.
    String checked = compile("fun f(client: DreaminaClient, id: String) = if (client.status(id) == null) 1 else 2", "-Werror");
    assertTrue(checked.contains("condition is always 'false'"), checked);
  }

  @Test
  void resultsGoIntoNonNullTypesWithNoCheck() throws Exception {
    assertEquals("OK", compile("fun f(client: DreaminaClient, id: String): String = client.status(id).requestId()", "-Werror"));
  }
}
