package dev.dreamina.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientAsync;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

/** A Boot app with nothing but the starter and one property: a client that generates and downloads. */
@SpringBootTest(
    classes = StarterSpringBootTest.App.class,
    properties = {"dreamina.sandbox.enabled=true", "dreamina.await.poll-interval=50ms"})
class StarterSpringBootTest {
  @SpringBootApplication
  static class App {}

  @Autowired DreaminaClient client;
  @Autowired DreaminaClientAsync async;
  @TempDir Path dir;

  @Test
  void aGeneratedVideoDownloads() throws Exception {
    ImageToVideoRequest request =
        ImageToVideoRequest.builder().prompt("a fox in snow").imageUrl("https://example.com/fox.jpg").frames(241).seed(7).build();
    Path video = dir.resolve("fox.mp4");
    RequestResult done = client.generateAndDownload(request, video);
    assertEquals(Status.COMPLETED, done.status());
    assertTrue(Files.size(video) > 10_000);
    assertEquals(Status.COMPLETED, async.generate(request).get(30, TimeUnit.SECONDS).status());
  }
}
