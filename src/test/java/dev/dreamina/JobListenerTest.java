package dev.dreamina;

import static dev.dreamina.TestServer.ID;
import static dev.dreamina.TestServer.json;
import static dev.dreamina.TestServer.queuedJson;
import static dev.dreamina.TestServer.statusJson;
import static dev.dreamina.TestServer.submissionJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.JobListener.JobEnd;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JobListener}: each event once, in order, for blocking and async; a throwing one breaks nothing. */
@ExtendWith(SuiteLogCapture.class)
class JobListenerTest extends ApiTest {
  private final Recorder events = new Recorder(time);

  @TempDir Path dir;

  @Override
  DreaminaClientBuilder configure(DreaminaClientBuilder builder) {
    return builder.jobListener(events);
  }

  /** Each event as a line, with the fake clock's reading when it came. */
  static final class Recorder implements JobListener {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final List<Long> at = Collections.synchronizedList(new ArrayList<>());
    volatile JobEnd end;
    private final FakeTime time;

    Recorder(FakeTime time) {
      this.time = time;
    }

    private void add(String line) {
      lines.add(line);
      at.add(time == null ? 0 : time.nanoTime());
    }

    @Override
    public void submitted(String requestId) {
      add("submitted " + requestId);
    }

    @Override
    public void submitOutcomeUnknown(SubmissionUnknownException failure) {
      add("unknown " + failure.getClass().getSimpleName());
    }

    @Override
    public void statusChanged(String requestId, Status status, OptionalInt queuePosition) {
      add("status " + status + (queuePosition.isPresent() ? " " + queuePosition.getAsInt() : ""));
    }

    @Override
    public void retried(String call, Optional<String> requestId, int attempt, DreaminaException cause) {
      add("retried " + call + " " + requestId.orElse("-") + " " + attempt + " " + cause.getClass().getSimpleName());
    }

    @Override
    public void ended(JobEnd end) {
      this.end = end;
      add("ended " + end.status() + " " + end.cost().map(BigDecimal::toPlainString).orElse("-") + " " + end.error().orElse("-"));
    }

    @Override
    public void downloaded(String requestId, long bytes, Duration duration) {
      add("downloaded " + requestId + " " + bytes);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aJobsEventsComeOnceEachInOrderWithItsTimes(Mode mode) {
    server.enqueue(json(submissionJson()));
    server.enqueue(json(503, "{}"));
    server.enqueue(json(queuedJson(2)));
    server.enqueue(json(queuedJson(1)));
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("in_progress")));
    server.enqueue(json(statusJson("completed")));
    server.enqueue(
        json("{\"request_id\":\"" + ID + "\",\"status\":\"completed\",\"cost\":0.5,"
            + "\"output\":{\"video\":\"https://cdn.runcomfy.net/out/v.mp4\"}}"));

    mode.of(client).generate(TestServer.request(), AwaitOptions.defaults());

    assertEquals(
        List.of(
            "submitted " + ID,
            "retried status " + ID + " 1 ServerException",
            "status IN_QUEUE 2",
            "status IN_QUEUE 1",
            "status IN_PROGRESS",
            "status COMPLETED",
            "ended COMPLETED 0.5 -"),
        events.lines);
    long submitted = events.at.get(0);
    long running = events.at.get(4);
    long ended = events.at.get(6);
    assertTrue(running > submitted && ended > running, events.at.toString());
    assertEquals(Duration.ofNanos(running - submitted), events.end.queueTime(), "until first seen running");
    assertEquals(Duration.ofNanos(ended - running), events.end.runTime(), "from then to the end");
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.class,
      names = {"FAILED", "CANCELLED"})
  void aFailedOrCancelledJobEndsWithItsReasonAndNeverSeenRunningHasNoRunTime(Status status) {
    String word = status.name().toLowerCase(java.util.Locale.ROOT);
    server.enqueue(json(submissionJson()));
    server.enqueue(json(statusJson(word)));
    server.enqueue(json("{\"request_id\":\"" + ID + "\",\"status\":\"" + word + "\",\"error\":\"out of GPUs\"}"));

    assertThrows(GenerationFailedException.class, () -> client.generate(TestServer.request()));

    assertEquals(List.of("submitted " + ID, "status " + status, "ended " + status + " - out of GPUs"), events.lines);
    assertEquals(Duration.ZERO, events.end.runTime());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSubmitWhoseOutcomeIsUnknownIsToldSo(Mode mode) {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

    assertThrows(SubmissionUnknownException.class, () -> mode.of(client).submit(TestServer.request()));

    assertEquals(List.of("unknown SubmissionUnknownException"), events.lines);
  }

  @Test
  void aTimeoutIsNotAnEndOfTheJob() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(json(statusJson("in_queue")));
    }

    assertThrows(
        DreaminaException.class,
        () -> client.awaitResult(ID, AwaitOptions.builder().timeout(Duration.ofSeconds(3)).build()));

    assertEquals(List.of("status IN_QUEUE"), events.lines, "it may still run: no end is told");
  }

  @Test
  void aListenerThatThrowsBreaksNoJobAndIsLogged() throws Exception {
    JobListener broken =
        new JobListener() {
          @Override
          public void submitted(String requestId) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void statusChanged(String requestId, Status status, OptionalInt queuePosition) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void ended(JobEnd end) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void downloaded(String requestId, long bytes, Duration duration) {
            throw new IllegalStateException("listener bug");
          }
        };
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(10)).runTime(Duration.ofMillis(10)).start();
        DreaminaClient broke =
            SandboxClients.builderFor(sandbox)
                .jobListener(broken)
                .awaitOptions(AwaitOptions.builder().pollInterval(Duration.ofMillis(10)).build())
                .build()) {
      Path video = dir.resolve("v.mp4");
      assertEquals(Status.COMPLETED, broke.generateAndDownload(TestServer.request(), video).status());
      assertEquals(Status.COMPLETED, broke.async().generateAndDownload(TestServer.request(), dir.resolve("w.mp4")).get(30, TimeUnit.SECONDS).status());
      assertTrue(Files.size(video) > 10_000);
    }
    assertTrue(
        SuiteLogCapture.lines().stream().anyMatch(l -> l.contains("A JobListener threw; the job goes on: java.lang.IllegalStateException: listener bug")),
        "logged");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aDownloadIsToldLastWithTheFilesSize(Mode mode) throws Exception {
    Recorder seen = new Recorder(null);
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(30)).runTime(Duration.ofMillis(30)).start();
        DreaminaClient withSandbox =
            SandboxClients.builderFor(sandbox)
                .jobListener(seen)
                .awaitOptions(AwaitOptions.builder().pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(10)).build())
                .build()) {
      Path video = dir.resolve("v.mp4");
      RequestResult done =
          mode == Mode.BLOCKING
              ? withSandbox.generateAndDownload(TestServer.request(), video)
              : withSandbox.async().generateAndDownload(TestServer.request(), video).get(30, TimeUnit.SECONDS);
      List<String> lines = List.copyOf(seen.lines);
      assertEquals("submitted " + done.requestId(), lines.get(0));
      assertEquals("downloaded " + done.requestId() + " " + Files.size(video), lines.get(lines.size() - 1));
      assertTrue(lines.get(lines.size() - 2).startsWith("ended COMPLETED"), lines.toString());
      assertTrue(lines.subList(1, lines.size() - 2).stream().allMatch(l -> l.startsWith("status ")), lines.toString());
      assertEquals(1, lines.stream().filter(l -> l.startsWith("ended")).count());

      // A video downloaded by its URL is told too, without a request id.
      Path again = dir.resolve("again.mp4");
      if (mode == Mode.BLOCKING) {
        withSandbox.download(done.videoUrl().orElseThrow(), again);
      } else {
        withSandbox.async().download(done.videoUrl().orElseThrow(), again, null).get(30, TimeUnit.SECONDS);
      }
      assertEquals("downloaded null " + Files.size(again), seen.lines.get(seen.lines.size() - 1));
    }
  }
}
