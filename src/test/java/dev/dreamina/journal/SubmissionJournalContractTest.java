package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.errors.JournalException;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link SubmissionJournal} contract, run on every journal the SDK ships. */
abstract class SubmissionJournalContractTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final ImageToVideoRequest REQUEST =
      ImageToVideoRequest.builder()
          .prompt("a lighthouse at dusk, «unicode» ✓")
          .imageUrl("https://example.com/l.png")
          .frames(241)
          .seed(7)
          .build();

  @TempDir Path dir;

  /** A new, empty journal; {@link #reopen()} gives another instance on the same storage. */
  abstract SubmissionJournal journal();

  abstract SubmissionJournal reopen();

  private static JournalEntry entry(String id, int second, State state, Optional<String> requestId) {
    Instant at = T0.plusSeconds(second);
    return new JournalEntry(
        id, "0123456789abcdef", requestId, state, REQUEST, Optional.of(Path.of("/videos/" + id + ".mp4")),
        Optional.empty(), at, at);
  }

  @Test
  void entriesComeBackExactlyInTheOrderFirstRecorded() {
    SubmissionJournal journal = journal();
    JournalEntry a = entry("a", 1, State.INTENT, Optional.empty());
    JournalEntry b = entry("b", 2, State.SUBMITTED, Optional.of("req_b"));
    JournalEntry c = entry("c", 3, State.UNKNOWN, Optional.empty());
    journal.record(a);
    journal.record(b);
    journal.record(c);
    JournalEntry aDone = a.with(State.DOWNLOADED, "req_a", null, T0.plusSeconds(9));
    journal.record(aDone);

    assertEquals(List.of(aDone, b, c), journal.entries());
    assertEquals(List.of(aDone, b, c), reopen().entries(), "another instance reads the same");
  }

  @Test
  void aClientJournalsItsJobFromIntentToDownload() throws Exception {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(50)).start();
        DreaminaClient client = sandbox.clientBuilder().journal(journal()).build()) {
      Path video = dir.resolve("v.mp4");
      RequestResult done = client.generateAndDownload(REQUEST, video);
      assertEquals(Status.COMPLETED, done.status());
      assertTrue(Files.size(video) > 10_000);
      List<JournalEntry> entries = reopen().entries();
      assertEquals(1, entries.size());
      assertEquals(State.DOWNLOADED, entries.get(0).state());
      assertEquals(Optional.of(done.requestId()), entries.get(0).requestId());
      assertEquals(List.of(), client.pending());
    }
  }

  static final class FileJournalContractTest extends SubmissionJournalContractTest {
    @Override
    SubmissionJournal journal() {
      return FileSubmissionJournal.open(dir.resolve("journal.json"));
    }

    @Override
    SubmissionJournal reopen() {
      return journal();
    }
  }

  static final class H2JournalContractTest extends SubmissionJournalContractTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final DataSource dataSource =
        dataSource("jdbc:h2:mem:journal" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");

    /** The smallest DataSource: new connections from the driver (H2 in memory, here). */
    private static DataSource dataSource(String url) {
      return (DataSource)
          Proxy.newProxyInstance(
              DataSource.class.getClassLoader(),
              new Class<?>[] {DataSource.class},
              (proxy, method, args) -> {
                if (method.getName().equals("getConnection")) {
                  return DriverManager.getConnection(url);
                }
                throw new UnsupportedOperationException(method.getName());
              });
    }

    @Override
    SubmissionJournal journal() {
      return JdbcSubmissionJournal.of(dataSource).createTableIfMissing();
    }

    @Override
    SubmissionJournal reopen() {
      return JdbcSubmissionJournal.of(dataSource);
    }

    @Test
    void aDatabaseThatCannotBeReachedMeansNoSubmit() {
      DataSource down =
          (DataSource)
              Proxy.newProxyInstance(
                  DataSource.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    throw new SQLException("connection refused (the test's database is down)");
                  });
      try (RunComfySandbox sandbox = RunComfySandbox.start();
          DreaminaClient client = sandbox.clientBuilder().journal(JdbcSubmissionJournal.of(down)).build()) {
        JournalException e = assertThrows(JournalException.class, () -> client.submit(REQUEST));
        assertTrue(e.getMessage().contains("Not submitted"), e.getMessage());
        assertEquals(0, sandbox.submitRequestCount(), "no submit reached the API");
      }
    }

    @Test
    void aTableNameIsCheckedBeforeItGoesIntoSql() {
      assertThrows(IllegalArgumentException.class, () -> JdbcSubmissionJournal.of(dataSource, "j; DROP TABLE x"));
      assertTrue(JdbcSubmissionJournal.ddl("jobs").startsWith("CREATE TABLE IF NOT EXISTS jobs ("));
    }
  }
}
