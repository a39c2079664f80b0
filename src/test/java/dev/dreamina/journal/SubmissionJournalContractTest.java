package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Status;
import dev.dreamina.errors.JournalException;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.TestPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  @Test
  void aLeaseIsRenewedByItsOwnerAndTakenOverOnlyOnceItRanOut() {
    SubmissionJournal journal = journal();
    journal.record(entry("a", 1, State.SUBMITTED, Optional.of("req_a")));
    Instant t = T0.plusSeconds(100);

    assertTrue(journal.claim("a", "A", t, t.plusSeconds(60)), "a free entry is taken");
    assertFalse(journal.claim("a", "B", t.plusSeconds(30), t.plusSeconds(90)), "A's lease is live");
    assertTrue(journal.claim("a", "A", t.plusSeconds(30), t.plusSeconds(90)), "its owner renews it");
    assertFalse(reopen().claim("a", "B", t.plusMillis(89_999), t.plusSeconds(150)), "renewed: live until 90 s");
    assertTrue(reopen().claim("a", "B", t.plusSeconds(90), t.plusSeconds(150)), "ran out: B takes it over");
    assertFalse(journal.claim("a", "A", t.plusSeconds(91), t.plusSeconds(151)), "A lost it");
    assertFalse(journal.claim("nobody", "A", t, t.plusSeconds(60)), "no such entry");
  }

  @Test
  void anEntryRecordedLeasedIsHeldFromItsFirstMoment() {
    SubmissionJournal journal = journal();
    JournalEntry a = entry("a", 1, State.INTENT, Optional.empty());
    journal.recordLeased(a, "A", a.updatedAt().plusSeconds(60));

    assertEquals(List.of(a), reopen().entries());
    assertFalse(reopen().claim("a", "B", a.updatedAt().plusSeconds(59), a.updatedAt().plusSeconds(120)));
    JournalException e =
        assertThrows(JournalException.class, () -> reopen().recordLeased(a, "B", a.updatedAt().plusSeconds(60)));
    assertTrue(e.getMessage().contains("leased by another owner"), e.getMessage());
    assertTrue(journal.claim("a", "B", a.updatedAt().plusSeconds(60), a.updatedAt().plusSeconds(120)), "ran out");
  }

  @Test
  void aLeaseIsGivenUpOnlyByItsOwnerAndRecordLeavesItAlone() {
    SubmissionJournal journal = journal();
    JournalEntry a = entry("a", 1, State.SUBMITTED, Optional.of("req_a"));
    journal.record(a);
    Instant t = T0.plusSeconds(100);
    assertTrue(journal.claim("a", "A", t, t.plusSeconds(60)));

    journal.record(a.with(State.COMPLETED, null, null, t.plusSeconds(1)));
    assertFalse(journal.claim("a", "B", t.plusSeconds(2), t.plusSeconds(60)), "record kept A's lease");
    journal.release("a", "B");
    assertFalse(journal.claim("a", "B", t.plusSeconds(3), t.plusSeconds(60)), "B cannot give up A's lease");
    reopen().release("a", "A");
    assertTrue(journal.claim("a", "B", t.plusSeconds(4), t.plusSeconds(60)), "given up: free at once");
    assertEquals(State.COMPLETED, journal.entries().get(0).state());
  }

  @Test
  void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
    SubmissionJournal journal = journal();
    int jobs = 20;
    int instances = 8;
    for (int i = 0; i < jobs; i++) {
      journal.record(entry("job" + i, i, State.SUBMITTED, Optional.of("req_" + i)));
    }
    Instant t = T0.plusSeconds(100);
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<String>>> won = new ArrayList<>();
      for (int n = 0; n < instances; n++) {
        String owner = "instance-" + n;
        SubmissionJournal own = reopen();
        won.add(
            threads.submit(
                () -> {
                  go.await();
                  List<String> mine = new ArrayList<>();
                  for (int i = 0; i < jobs; i++) {
                    if (own.claim("job" + i, owner, t, t.plusSeconds(60))) {
                      mine.add("job" + i);
                    }
                  }
                  return mine;
                }));
      }
      go.countDown();
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : won) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      all.sort(null);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        expected.add("job" + i);
      }
      expected.sort(null);
      assertEquals(expected, all, "every job won once, by one instance");
    } finally {
      threads.shutdownNow();
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
        TestPostgres.dataSource("jdbc:h2:mem:journal" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");

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

  /** The same contract on a real PostgreSQL, started by the test run ({@link TestPostgres}). */
  static final class PostgresJournalContractTest extends SubmissionJournalContractTest {
    private String url;
    private DataSource dataSource;

    private DataSource dataSource() {
      if (dataSource == null) {
        url = TestPostgres.get().newDatabase();
        dataSource = TestPostgres.pooled(url);
      }
      return dataSource;
    }

    @Override
    SubmissionJournal journal() {
      return JdbcSubmissionJournal.of(dataSource()).createTableIfMissing();
    }

    @Override
    SubmissionJournal reopen() {
      return JdbcSubmissionJournal.of(dataSource());
    }

    /**
     * The server ends the journal's connection mid-transaction, after the intent's UPDATE and
     * before its INSERT, as a crash or a failover would: nothing is committed, nothing submitted.
     */
    @Test
    void anIntentWriteCutOffMidTransactionMeansNoSubmit() throws Exception {
      JdbcSubmissionJournal.of(dataSource()).createTableIfMissing();
      AtomicInteger cutOff = new AtomicInteger();
      DataSource dying =
          (DataSource)
              Proxy.newProxyInstance(
                  DataSource.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> cutBeforeInsert(DriverManager.getConnection(url), cutOff));
      try (RunComfySandbox sandbox = RunComfySandbox.start();
          DreaminaClient client = sandbox.clientBuilder().journal(JdbcSubmissionJournal.of(dying)).build()) {
        JournalException e = assertThrows(JournalException.class, () -> client.submit(REQUEST));
        assertTrue(e.getMessage().contains("Not submitted"), e.getMessage());
        assertEquals(1, cutOff.get(), "the connection was ended mid-transaction");
        assertEquals(0, sandbox.submitRequestCount(), "no submit reached the API");
      }
      assertEquals(List.of(), reopen().entries(), "nothing was committed");
    }

    /** The connection, whose backend the server terminates before its first INSERT runs. */
    private Connection cutBeforeInsert(Connection real, AtomicInteger cutOff) throws SQLException {
      int pid;
      try (Statement s = real.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
        r.next();
        pid = r.getInt(1);
      }
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("prepareStatement") && ((String) args[0]).startsWith("INSERT")) {
                  try (Connection admin = dataSource().getConnection();
                      Statement s = admin.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + pid + ")");
                  }
                  cutOff.incrementAndGet();
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }
}
