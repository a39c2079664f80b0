package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases are judged on each instance's clock: a client whose clock and the shared journal's
 * (the database's) differ by more than a quarter of its lease says so, naming both, when it opens
 * the journal (on another thread: build() does no I/O) and on each recovery pass. The instance's clock is skewed with {@link OffsetTime}.
 */
class ClockCheckTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final Duration LEASE = Duration.ofSeconds(120);

  @TempDir Path dir;
  private RunComfySandbox sandbox;
  private LogRecords log;

  @BeforeEach
  void start() {
    sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start();
    log = LogRecords.on("dev.dreamina");
  }

  @AfterEach
  void stop() {
    log.close();
    sandbox.close();
  }

  private static SubmissionJournal h2() {
    return JdbcSubmissionJournal.of(TestPostgres.dataSource("jdbc:h2:mem:clock" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"))
        .createTableIfMissing();
  }

  private DreaminaClient client(SubmissionJournal journal, Duration skew) {
    OffsetTime time = new OffsetTime();
    time.advance(skew);
    return SandboxClients.builderFor(sandbox).journal(journal).journalLease(LEASE).timeSource(time).build();
  }

  private List<String> warnings() {
    return log.messages().stream().filter(m -> m.startsWith("The journal's clock reads ")).toList();
  }

  /** The warnings, once there are {@code count}: the check on open runs on another thread. */
  private List<String> warnings(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (warnings().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5); // waiting for the open's check, not a backoff
    }
    return warnings();
  }

  @Test
  void aClockFiveMinutesAheadOfTheDatabasesIsNamedOnOpenAndOnEachRecoveryPass() throws Exception {
    try (DreaminaClient client = client(h2(), Duration.ofSeconds(300))) {
      assertEquals(1, warnings(1).size(), "on open: " + log.messages());
      String warning = warnings().get(0);
      Matcher named = Pattern.compile("The journal's clock reads (\\S+) and this instance's (\\S+): (\\d+) s apart, more than a quarter of the 120 s journal lease\\..*").matcher(warning);
      assertTrue(named.matches(), warning);
      assertTrue(warning.endsWith("Set this machine's clock right (NTP)."), warning);
      Instant theirs = Instant.parse(named.group(1));
      Instant mine = Instant.parse(named.group(2));
      assertTrue(Duration.between(Instant.now(), theirs).abs().getSeconds() < 30, "the database's clock is the real one: " + theirs);
      assertTrue(Duration.between(Instant.now().plusSeconds(300), mine).abs().getSeconds() < 30, "this instance's is 300 s ahead: " + mine);
      assertTrue(Math.abs(Integer.parseInt(named.group(3)) - 300) <= 1, warning);

      client.recover();
      client.recover();
      assertEquals(3, warnings().size(), "and on each recovery pass: " + warnings());
    }
  }

  @Test
  void aClockBehindIsNamedTooButAFewSecondsApartIsNot() throws Exception {
    try (DreaminaClient behind = client(h2(), Duration.ofSeconds(-300))) {
      assertEquals(1, warnings(1).size(), log.messages().toString());
    }
    try (DreaminaClient close = client(h2(), Duration.ofSeconds(20))) { // within a quarter of 120 s
      close.recover(); // its check runs here, on this thread: it would warn now if it were to
    }
    assertEquals(1, warnings().size(), warnings().toString());
  }

  @Test
  void onTheRealPostgresqlTheDatabasesClockIsRead() throws Exception {
    SubmissionJournal postgres = JdbcSubmissionJournal.of(TestPostgres.pooled(TestPostgres.get().newDatabase())).createTableIfMissing();
    Instant read = postgres.clock().orElseThrow();
    assertTrue(Duration.between(Instant.now(), read).abs().getSeconds() < 5, "PostgreSQL's CURRENT_TIMESTAMP: " + read);
    try (DreaminaClient skewed = client(postgres, Duration.ofMinutes(-10))) {
      assertEquals(1, warnings(1).size(), log.messages().toString());
    }
  }

  @Test
  void aFileJournalHasNoClockOfItsOwnAndIsNeverCompared() {
    SubmissionJournal file = FileSubmissionJournal.open(dir.resolve("journal.json"));
    assertTrue(file.clock().isEmpty());
    try (DreaminaClient skewed = client(file, Duration.ofHours(1))) {
      skewed.recover();
    }
    assertEquals(List.of(), warnings());
  }
}
