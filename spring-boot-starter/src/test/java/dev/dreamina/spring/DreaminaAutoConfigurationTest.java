package dev.dreamina.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.AwaitOptions;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientAsync;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter's beans, from properties, in a real application context (Boot 3.5.7 here, 4.0.7 in boot4-tests). */
class DreaminaAutoConfigurationTest {
  private static final ImageToVideoRequest REQUEST =
      ImageToVideoRequest.builder().prompt("a lighthouse at dusk").imageUrl("https://example.com/l.png").build();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(DreaminaAutoConfiguration.class, DreaminaObservabilityAutoConfiguration.class))
          .withPropertyValues(
              "dreamina.sandbox.enabled=true",
              "dreamina.await.poll-interval=20ms",
              "dreamina.await.max-poll-interval=50ms");

  @TempDir Path dir;

  @Test
  void theSandboxSwitchGivesAWorkingClientAndItsAsyncView() {
    runner.withPropertyValues("dreamina.max-retries=5", "dreamina.request-timeout=7s").run(context -> {
      assertNull(context.getStartupFailure());
      DreaminaClient client = context.getBean(DreaminaClient.class);
      RunComfySandbox sandbox = context.getBean(RunComfySandbox.class);
      assertTrue(client.toString().contains("maxRetries=5"), client.toString());
      assertTrue(client.toString().contains(sandbox.baseUrl().toString()), client.toString());
      assertSame(DreaminaClientAsync.class, context.getBean(DreaminaClientAsync.class).getClass());

      Path video = dir.resolve("v.mp4");
      RequestResult done = client.generateAndDownload(REQUEST, video);
      assertEquals(Status.COMPLETED, done.status());
      assertTrue(Files.size(video) > 10_000);
      assertEquals(1, sandbox.submitCount());
    });
  }

  private static void assertNull(Throwable failure) {
    if (failure != null) {
      throw new AssertionError("the context failed to start", failure);
    }
  }

  @Test
  void aPropertyOfTheWrongTypeFailsStartUpWithBootsMessage() {
    runner.withPropertyValues("dreamina.max-retries=lots").run(context -> {
      Throwable failure = context.getStartupFailure();
      assertNotNull(failure);
      String messages = messages(failure);
      assertTrue(messages.contains("Failed to bind properties under 'dreamina.max-retries'"), messages);
    });
  }

  @Test
  void withoutTokenOrSandboxStartUpSaysWhichPropertyAndVariablesToSet() {
    if (System.getenv("RUNCOMFY_API_TOKEN") != null || System.getenv("RUNCOMFY_TOKEN") != null) {
      return; // a developer's own token would be picked up
    }
    ApplicationContextRunner noSandbox = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DreaminaAutoConfiguration.class));
    String named = "No RunComfy API token: set dreamina.api-token, or RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN) in the environment";
    noSandbox.run(context -> {
      String messages = messages(context.getStartupFailure());
      assertTrue(messages.contains(named), messages);
    });
    // The guide's line (docs/spring-boot.md) with the variable unset: Boot leaves the placeholder's text, which is no token.
    noSandbox.withPropertyValues("dreamina.api-token=${RUNCOMFY_API_TOKEN}").run(context -> {
      String messages = messages(context.getStartupFailure());
      assertTrue(messages.contains(named + " (dreamina.api-token is ${RUNCOMFY_API_TOKEN}: a placeholder whose variable is not set)"), messages);
    });
    for (String none : List.of("dreamina.api-token=${RUNCOMFY_API_TOKEN:}", "dreamina.api-token=   ")) {
      noSandbox.withPropertyValues(none).run(context -> {
        String messages = messages(context.getStartupFailure());
        assertTrue(messages.contains(named), none + ": " + messages);
      });
    }
    noSandbox.withPropertyValues("dreamina.api-token=rc_a-real-looking-token").run(context -> assertNull(context.getStartupFailure()));
  }

  @Test
  void theSandboxSwitchedOnWithoutItsJarFailsStartUpNamingTheDependency() {
    ApplicationContextRunner withoutSandboxJar =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DreaminaAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(RunComfySandbox.class));
    withoutSandboxJar.withPropertyValues("dreamina.sandbox.enabled=true").run(context -> {
      String messages = messages(context.getStartupFailure());
      assertTrue(messages.contains("dreamina.sandbox.enabled=true, but the sandbox is not on the class path: add the dependency dreamina-java-sandbox"), messages);
    });
    // Without the switch the jar is not needed: a token is enough, and no sandbox bean appears.
    withoutSandboxJar.withPropertyValues("dreamina.api-token=rc_a-real-looking-token").run(context -> {
      assertNull(context.getStartupFailure());
      assertTrue(context.getBean(DreaminaClient.class).toString().contains("api.runcomfy.net"), context.getBean(DreaminaClient.class).toString());
      assertEquals(0, context.getBeanNamesForType(RunComfySandbox.class).length);
    });
  }

  @Test
  void aBlankOrPlaceholderTokenPropertyNeverHidesTheEnvironmentsToken() {
    assertEquals(null, DreaminaAutoConfiguration.token(null));
    assertEquals(null, DreaminaAutoConfiguration.token(" \t"));
    assertEquals(null, DreaminaAutoConfiguration.token("${RUNCOMFY_API_TOKEN}"));
    assertEquals(null, DreaminaAutoConfiguration.token("${MY_SECRET}"));
    assertEquals("rc_token", DreaminaAutoConfiguration.token("rc_token"));
  }

  @Test
  void theWireLogPropertyTurnsTheWireLogOn() {
    java.util.logging.Logger wire = java.util.logging.Logger.getLogger(dev.dreamina.WireLog.LOGGER);
    java.util.logging.Level previous = wire.getLevel();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    wire.setLevel(java.util.logging.Level.INFO);
    wire.addHandler(capture);
    try {
      runner.withPropertyValues("dreamina.wire-log=info").run(context -> {
        context.getBean(DreaminaClient.class).price();
        assertTrue(lines.stream().anyMatch(l -> l.matches("GET /v1/models/.+ -> 200 in \\d+ ms \\(attempt 1\\)")), lines.toString());
      });
      runner.withPropertyValues("dreamina.wire-log=loud").run(context -> {
        String messages = messages(context.getStartupFailure());
        assertTrue(messages.contains("Failed to bind properties under 'dreamina.wire-log'"), messages);
      });
    } finally {
      wire.removeHandler(capture);
      wire.setLevel(previous);
    }
  }

  @Test
  void theSpendLimitPropertyRefusesTheSubmitPastItBeforeSendingIt() {
    // The sandbox's estimate: 0.10 USD a second, so 0.50 for 121 frames; 1.00 holds exactly two.
    runner.withPropertyValues("dreamina.spend-limit=1.00").run(context -> {
      assertNull(context.getStartupFailure());
      DreaminaClient client = context.getBean(DreaminaClient.class);
      RunComfySandbox sandbox = context.getBean(RunComfySandbox.class);
      client.submit(REQUEST);
      client.submit(REQUEST);
      SpendLimitException refused = assertThrows(SpendLimitException.class, () -> client.submit(REQUEST));
      assertEquals(0, new BigDecimal("1.00").compareTo(refused.limit()), refused.getMessage());
      assertEquals(2, sandbox.submitCount());
    });
  }

  @Test
  void theCancelPropertiesReachTheClientsAwaitOptions() {
    runner.withPropertyValues("dreamina.await.cancel-on-timeout=true", "dreamina.await.timeout=3m").run(context -> {
      AwaitOptions options = context.getBean(DreaminaClient.class).awaitOptions();
      assertTrue(options.cancelOnTimeout());
      assertFalse(options.cancelOnAbort());
      assertEquals(Duration.ofMinutes(3), options.timeout());
    });
    runner.withPropertyValues("dreamina.await.cancel-on-abort=true").run(context -> {
      AwaitOptions options = context.getBean(DreaminaClient.class).awaitOptions();
      assertFalse(options.cancelOnTimeout());
      assertTrue(options.cancelOnAbort());
    });
  }

  @Test
  void anApplicationsOwnClientWins() {
    try (RunComfySandbox sandbox = RunComfySandbox.start()) {
      DreaminaClient own = DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).build();
      runner.withBean(DreaminaClient.class, () -> own).run(context -> assertSame(own, context.getBean(DreaminaClient.class)));
    }
  }

  @Test
  void theFileJournalIsWired() {
    Path file = dir.resolve("journal.json");
    runner.withPropertyValues("dreamina.journal.type=file", "dreamina.journal.path=" + file).run(context -> {
      assertNull(context.getStartupFailure());
      assertInstanceOf(FileSubmissionJournal.class, context.getBean(SubmissionJournal.class));
      RequestResult done = context.getBean(DreaminaClient.class).generateAndDownload(REQUEST, dir.resolve("v.mp4"));
      List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();
      assertEquals(1, entries.size());
      assertEquals(JournalEntry.State.DOWNLOADED, entries.get(0).state());
      assertEquals(done.requestId(), entries.get(0).requestId().orElseThrow());
    });
  }

  @Test
  void theJdbcJournalUsesTheApplicationsDataSource() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:starter;DB_CLOSE_DELAY=-1");
    runner
        .withBean(DataSource.class, () -> h2)
        .withPropertyValues("dreamina.journal.type=jdbc", "dreamina.journal.create-table=true", "dreamina.journal.table=jobs")
        .run(context -> {
          assertNull(context.getStartupFailure());
          assertInstanceOf(JdbcSubmissionJournal.class, context.getBean(SubmissionJournal.class));
          RequestResult done = context.getBean(DreaminaClient.class).generateAndDownload(REQUEST, dir.resolve("v.mp4"));
          List<JournalEntry> entries = JdbcSubmissionJournal.of(h2, "jobs").entries();
          assertEquals(done.requestId(), entries.get(0).requestId().orElseThrow());
          assertEquals(JournalEntry.State.DOWNLOADED, entries.get(0).state());
        });
  }

  /**
   * dreamina.budget.per-day on two application contexts sharing one H2 journal (two instances of
   * one service): the second refuses the submit that would pass what both committed, and the
   * gauges say so.
   */
  @Test
  void aBudgetFromPropertiesIsSharedByTwoContextsOnOneJournal() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:starter-budget;DB_CLOSE_DELAY=-1");
    ApplicationContextRunner instance =
        runner
            .withBean(DataSource.class, () -> h2)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues(
                "dreamina.journal.type=jdbc", "dreamina.journal.create-table=true",
                "dreamina.budget.per-day=1.00", "dreamina.budget.per-month=100");
    instance.run(first -> {
      assertNull(first.getStartupFailure());
      first.getBean(DreaminaClient.class).submit(REQUEST); // 0.50: 121 frames at the sandbox's 0.10 a second
      instance.run(second -> {
        assertNull(second.getStartupFailure());
        DreaminaClient client = second.getBean(DreaminaClient.class);
        client.submit(REQUEST);
        SpendLimitException over = assertThrows(SpendLimitException.class, () -> client.submit(REQUEST));
        assertTrue(over.window().orElseThrow().startsWith("day:"), over.getMessage());
        assertEquals(0, new java.math.BigDecimal("1.00").compareTo(over.committed()), "both contexts' jobs: " + over.getMessage());
        MeterRegistry meters = second.getBean(MeterRegistry.class);
        assertEquals(1.0, meters.get("dreamina.budget.committed").tag("period", "day").gauge().value(), 1e-9);
        assertEquals(0.0, meters.get("dreamina.budget.remaining").tag("period", "day").gauge().value(), 1e-9);
        assertEquals(99.0, meters.get("dreamina.budget.remaining").tag("period", "month").gauge().value(), 1e-9);
      });
    });
  }

  @Test
  void reuseIdenticalFromPropertiesMakesAnIdenticalFixedSeedRequestOneJob() {
    runner
        .withPropertyValues(
            "dreamina.journal.type=file", "dreamina.journal.path=" + dir.resolve("reuse.json"), "dreamina.reuse-identical=true")
        .run(context -> {
          assertNull(context.getStartupFailure());
          DreaminaClient client = context.getBean(DreaminaClient.class);
          ImageToVideoRequest fixed = REQUEST.toBuilder().seed(7).build();
          String first = client.generate(fixed).requestId();
          assertEquals(first, client.generate(fixed).requestId());
          assertEquals(1, context.getBean(RunComfySandbox.class).submitRequestCount());
        });
  }

  @Test
  void metersCountThreeJobsByOutcomeWithNoRequestIdAsATag() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertNull(context.getStartupFailure());
      DreaminaClient client = context.getBean(DreaminaClient.class);
      RunComfySandbox sandbox = context.getBean(RunComfySandbox.class);
      MeterRegistry meters = context.getBean(MeterRegistry.class);

      RequestResult done = client.generateAndDownload(REQUEST, dir.resolve("v.mp4"));
      client.download(done.videoUrl().orElseThrow(), dir.resolve("by-url.mp4")); // a download by URL counts too
      sandbox.failNextJob("out of GPUs");
      assertThrows(GenerationFailedException.class, () -> client.generate(REQUEST));
      String queued = client.submit(REQUEST).requestId();
      client.cancel(queued);
      GenerationFailedException cancelled = assertThrows(GenerationFailedException.class, () -> client.awaitResult(queued));
      assertEquals(Status.CANCELLED, cancelled.status());

      assertEquals(3.0, meters.get("dreamina.jobs.submitted").counter().count());
      for (String outcome : List.of("completed", "failed", "cancelled")) {
        assertEquals(1.0, meters.get("dreamina.jobs.ended").tag("outcome", outcome).counter().count(), outcome);
        assertEquals(1, meters.get("dreamina.jobs.queue.time").tag("outcome", outcome).timer().count(), outcome);
        assertEquals(1, meters.get("dreamina.jobs.run.time").tag("outcome", outcome).timer().count(), outcome);
      }
      assertEquals(2, meters.get("dreamina.downloads").timer().count());
      assertTrue(meters.get("dreamina.downloads.size").summary().totalAmount() > 10_000);
      Set<String> tagKeys =
          meters.getMeters().stream()
              .filter(m -> m.getId().getName().startsWith("dreamina."))
              .flatMap(m -> m.getId().getTags().stream().map(t -> t.getKey()))
              .collect(java.util.stream.Collectors.toSet());
      assertTrue(Set.of("outcome", "call", "cause").containsAll(tagKeys), "tags: " + tagKeys);
    });
  }

  /** A registry that adds each stopped observation's context to {@code stopped}. */
  private static ObservationRegistry recording(List<Observation.Context> stopped) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(
        new ObservationHandler<>() {
          @Override
          public boolean supportsContext(Observation.Context context) {
            return true;
          }

          @Override
          public void onStop(Observation.Context context) {
            stopped.add(context);
          }
        });
    return registry;
  }

  @Test
  void eachJobIsOneObservationFromSubmitToEnd() {
    List<Observation.Context> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    ObservationRegistry registry = recording(stopped);
    runner.withBean(ObservationRegistry.class, () -> registry).run(context -> {
      DreaminaClient client = context.getBean(DreaminaClient.class);
      String id = client.generate(REQUEST).requestId();
      context.getBean(RunComfySandbox.class).failNextJob("out of GPUs");
      assertThrows(GenerationFailedException.class, () -> client.generate(REQUEST));

      assertEquals(2, stopped.size());
      Observation.Context first = stopped.get(0);
      assertEquals("dreamina.job", first.getName());
      assertEquals("completed", first.getLowCardinalityKeyValue("outcome").getValue());
      assertEquals(id, first.getHighCardinalityKeyValue("request.id").getValue());
      assertEquals("failed", stopped.get(1).getLowCardinalityKeyValue("outcome").getValue());
    });
  }

  @Test
  void metersAndObservationsAndTheAppsOwnListenerAreAllTold() {
    List<String> own = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Observation.Context> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    ObservationRegistry observations = recording(stopped);
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(ObservationRegistry.class, () -> observations)
        .withBean(dev.dreamina.JobListener.class, () -> new dev.dreamina.JobListener() {
          @Override
          public void submitted(String requestId) {
            own.add(requestId);
          }
        })
        .run(context -> {
          String id = context.getBean(DreaminaClient.class).generate(REQUEST).requestId();
          assertEquals(1.0, context.getBean(MeterRegistry.class).get("dreamina.jobs.submitted").counter().count());
          assertEquals(1, stopped.size());
          assertEquals(List.of(id), own);
        });
  }

  @Test
  void theEndpointListsPendingJobsWithoutTokenOrPromptUnlessAsked() {
    Path file = dir.resolve("journal.json");
    runner
        .withPropertyValues("dreamina.journal.type=file", "dreamina.journal.path=" + file)
        .run(context -> {
          DreaminaClient client = context.getBean(DreaminaClient.class);
          String id = client.submit(REQUEST, dir.resolve("later.mp4")).requestId();
          Map<String, Object> pending = context.getBean(DreaminaEndpoint.class).pending();
          String text = pending.toString();
          assertTrue(text.contains(id), text);
          assertFalse(text.contains("lighthouse"), "no prompt by default: " + text);
          assertFalse(text.contains(context.getBean(RunComfySandbox.class).apiToken()), "never the token");
        });
    runner
        .withPropertyValues("dreamina.journal.type=file", "dreamina.journal.path=" + file, "dreamina.endpoint.show-prompts=true")
        .run(context -> assertTrue(context.getBean(DreaminaEndpoint.class).pending().toString().contains("lighthouse")));
  }

  @Test
  void recoveryRunsOnStartUpAndFinishesWhatAnEarlierRunLeft() throws Exception {
    Path file = dir.resolve("journal.json");
    Path video = dir.resolve("left-behind.mp4");
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ofMillis(20)).runTime(Duration.ofMillis(20)).start()) {
      // An earlier run submitted with a 1 s lease and shut down without waiting; this run starts later.
      try (DreaminaClient crashed =
          DreaminaClient.builder().baseUrl(sandbox.baseUrl()).apiToken(sandbox.apiToken()).journal(FileSubmissionJournal.open(file)).journalLease(Duration.ofSeconds(1)).build()) {
        crashed.submit(REQUEST, video);
      }
      runner
          .withBean(RunComfySandbox.class, () -> sandbox)
          .withPropertyValues(
              "dreamina.journal.type=file", "dreamina.journal.path=" + file,
              "dreamina.journal.recovery.enabled=true", "dreamina.journal.recovery.interval=200ms")
          .run(context -> {
            assertNull(context.getStartupFailure());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!context.getBean(DreaminaClient.class).pending().isEmpty() && System.nanoTime() < deadline) {
              Thread.sleep(50); // waiting for the recovery thread to get there, not measuring it
            }
            assertEquals(List.of(), context.getBean(DreaminaClient.class).pending());
            assertTrue(Files.size(video) > 10_000);
            assertEquals(1, sandbox.submitCount(), "recovery never submits");
          });
    }
  }

  @Test
  void recoveryPassesDeleteFinishedEntriesOlderThanTheRetentionOnly() throws Exception {
    Path file = dir.resolve("journal.json");
    FileSubmissionJournal journal = FileSubmissionJournal.open(file);
    Instant now = Instant.now();
    JournalEntry oldDone = entry("old-done", JournalEntry.State.DOWNLOADED, now.minus(Duration.ofDays(40)));
    JournalEntry oldOpen = entry("old-open", JournalEntry.State.INTENT, now.minus(Duration.ofDays(40)));
    JournalEntry youngDone = entry("young-done", JournalEntry.State.FAILED, now.minus(Duration.ofDays(20)));
    List.of(oldDone, oldOpen, youngDone).forEach(journal::record);
    runner
        .withPropertyValues(
            "dreamina.journal.type=file", "dreamina.journal.path=" + file,
            "dreamina.journal.recovery.enabled=true", "dreamina.journal.recovery.retention=30d")
        .run(context -> {
          assertNull(context.getStartupFailure());
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (journal.entry("old-done").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50); // waiting for the recovery thread to get there, not measuring it
          }
          assertEquals(List.of(oldOpen, youngDone), journal.entries(), "only the old finished entry went");
        });
  }

  private static JournalEntry entry(String localId, JournalEntry.State state, Instant at) {
    return new JournalEntry(
        localId, "0123456789abcdef", Optional.empty(), state, REQUEST, Optional.empty(), Optional.empty(), at, at);
  }

  @Test
  void theClientIsClosedWithTheContextAndLeavesNoSdkThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    List<Thread> started = new java.util.ArrayList<>();
    runner.withPropertyValues("dreamina.journal.recovery.enabled=true").run(context -> {
      context.getBean(DreaminaClient.class).async().generate(REQUEST).get(30, TimeUnit.SECONDS);
      Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t))
          // the SDK's and the sandbox's; not "dreamina-scheduler", one daemon shared by every client in the JVM
          .filter(t -> t.getName().matches("dreamina-(http|blocking|recovery).*|runcomfy-sandbox.*"))
          .forEach(started::add);
    });
    assertFalse(started.isEmpty(), "the client's threads were seen while it ran");
    for (Thread thread : started) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(thread.isAlive(), thread.getName() + " outlived the context");
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
