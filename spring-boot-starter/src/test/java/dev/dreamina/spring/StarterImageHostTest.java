package dev.dreamina.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.images.ImageHost;
import dev.dreamina.s3.S3TestServer;
import dev.dreamina.s3.TestImages;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot app whose {@code dreamina.image-host.s3.*} properties point at a real S3-compatible server
 * (s3proxy, checking signatures, over https), with a sandbox that fetches each image as RunComfy
 * does: a local image is published once and makes its video.
 */
@SpringBootTest(
    classes = StarterImageHostTest.App.class,
    properties = {
      "dreamina.await.poll-interval=50ms",
      "dreamina.image-host.s3.bucket=" + S3TestServer.BUCKET,
      "dreamina.image-host.s3.prefix=app/",
      "dreamina.image-host.s3.path-style=true",
      "dreamina.image-host.s3.region=us-east-1",
      "dreamina.image-host.s3.remove-when-done=true",
      "dreamina.image-host.url-lifetime=30m"
    })
class StarterImageHostTest {
  static final S3TestServer S3 = S3TestServer.start();

  @DynamicPropertySource
  static void endpoint(DynamicPropertyRegistry registry) {
    registry.add("dreamina.image-host.s3.endpoint", () -> S3.endpoint().toString());
  }

  @AfterAll
  static void stop() {
    S3.close();
  }

  @SpringBootApplication
  static class App {
    /** The app's own sandbox (the client uses it), which fetches images and trusts the test server's certificate. */
    @Bean(destroyMethod = "close")
    RunComfySandbox sandbox() {
      return RunComfySandbox.builder()
          .queueTime(Duration.ZERO)
          .runTime(Duration.ZERO)
          .fetchImages(true)
          .trustImageCertificates(S3TestServer.certificate())
          .start();
    }

    /** The app's credentials bean, which the host signs with. */
    @Bean
    software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials() {
      return S3TestServer.credentials();
    }

    /** The client's HTTP trusts the test certificate, as it would a real store's. */
    @Bean
    DreaminaClientCustomizer trustTheTestStore() {
      return builder -> builder.httpClient(S3TestServer.trustingClient());
    }
  }

  @Autowired DreaminaClient client;
  @Autowired ImageHost host;
  @Autowired RunComfySandbox sandbox;
  @TempDir Path dir;

  @Test
  void aLocalImageIsPublishedFromThePropertiesAndRemovedOnceItsVideoIsMade() throws Exception {
    assertEquals("s3://images/app/", host.location());
    Path image = Files.write(dir.resolve("fox.jpg"), TestImages.jpeg(640, 480, 21));
    ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("a fox in snow").imageFile(image).build();
    RequestResult done = client.generateAndDownload(request, dir.resolve("fox.mp4"));
    assertEquals(Status.COMPLETED, done.status());
    assertTrue(Files.size(dir.resolve("fox.mp4")) > 10_000);
    assertEquals(1, S3.puts());
    assertEquals(Set.of(), S3.keys(), "dreamina.image-host.s3.remove-when-done");
    String sent = sandbox.requests().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow().body();
    assertTrue(sent.contains(S3.endpoint() + "/images/app/"), sent);
    assertTrue(sent.contains("X-Amz-Expires=1800"), "dreamina.image-host.url-lifetime=30m: " + sent);
    assertFalse(host.toString().contains(S3TestServer.SECRET_KEY));
  }
}
