package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.Budget;
import dev.dreamina.DreaminaClient;
import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.SandboxClients;
import dev.dreamina.TestPostgres;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a journaled job costs the database does not grow with the table's history: counted in
 * statements, not timed. One job's life, {@code pending()} and an idle recovery pass issue the
 * same statements on an empty table and on one with 50,000 finished rows, and every read names a
 * key or the account.
 */
class JournalScaleTest {
  private static final int HISTORY = 50_000;
  /** A read of the hot path: by primary key, by request id, or of one account. */
  private static final Pattern KEYED_READ =
      Pattern.compile("SELECT .* FROM dreamina_journal WHERE (local_id = \\?|request_id = \\? AND account = \\?|account = \\? AND .*)");

  @TempDir Path dir;

  /** The SQL of every statement prepared through it, in order. */
  static final class CountingDataSource {
    final List<String> statements = Collections.synchronizedList(new ArrayList<>());
    final DataSource dataSource;

    CountingDataSource(DataSource real) {
      dataSource =
          (DataSource)
              Proxy.newProxyInstance(
                  DataSource.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    return result instanceof Connection c ? counting(c) : result;
                  });
    }

    private Connection counting(Connection real) {
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")) {
                  statements.add(args == null ? "(a plain Statement)" : (String) args[0]);
                }
                return invoke(method, real, args);
              });
    }

    List<String> take() {
      synchronized (statements) {
        List<String> taken = List.copyOf(statements);
        statements.clear();
        return taken;
      }
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /**
   * The statements of one journaled generate-and-download, then of {@code pending()}, then of an
   * idle {@code recover()}; with an idempotency key, then of the same call again.
   */
  private record Life(List<String> job, List<String> pending, List<String> recovery, List<String> again) {}

  private Life oneJobsLife(CountingDataSource counting, RunComfySandbox sandbox, String name) throws Exception {
    return oneJobsLife(counting, sandbox, name, false);
  }

  private Life oneJobsLife(CountingDataSource counting, RunComfySandbox sandbox, String name, boolean keyed) throws Exception {
    return oneJobsLife(counting, sandbox, name, keyed, null);
  }

  /** With a budget, one job is made first, uncounted, so that its window's row exists in both lives. */
  private Life oneJobsLife(CountingDataSource counting, RunComfySandbox sandbox, String name, boolean keyed, Budget budget)
      throws Exception {
    counting.take(); // what came before: the table made, the history inserted
    DreaminaClientBuilder builder = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(counting.dataSource));
    if (budget != null) {
      builder.spendLimit(budget);
    }
    try (DreaminaClient client = builder.build()) {
      if (budget != null) {
        client.generateAndDownload(
            ImageToVideoRequest.builder().prompt("first of " + name).imageUrl("https://example.com/s.png").build(), dir.resolve(name + "-0.mp4"));
      }
      // The client reads the database's clock once on open, on another thread: that read is
      // awaited, so that it falls in none of the counts below.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!counting.statements.contains("SELECT CURRENT_TIMESTAMP") && System.nanoTime() < deadline) {
        Thread.sleep(5); // waiting for the open's clock read, not a backoff
      }
      List<String> opened = counting.take();
      assertEquals("SELECT CURRENT_TIMESTAMP", opened.get(0), "on open: one read of the database's clock");
      assertTrue(budget != null || opened.size() == 1, opened.toString());
      Path video = dir.resolve(name + ".mp4");
      DreaminaClient caller = keyed ? client.withOptions(o -> o.idempotencyKey("order-" + name)) : client;
      ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("scale " + name).imageUrl("https://example.com/s.png").build();
      caller.generateAndDownload(request, video);
      assertTrue(Files.size(video) > 10_000);
      List<String> job = counting.take();
      assertEquals(List.of(), client.pending());
      List<String> pending = counting.take();
      assertEquals(List.of(), client.recover().items());
      List<String> recovery = counting.take();
      if (keyed) {
        caller.generateAndDownload(request, video);
      }
      return new Life(job, pending, recovery, counting.take());
    }
  }

  @Test
  void aJobsStatementsAreTheSameWithFiftyThousandFinishedRowsAndAllKeyed() throws Exception {
    String url = TestPostgres.get().newDatabase();
    CountingDataSource counting = new CountingDataSource(TestPostgres.pooled(url));
    JdbcSubmissionJournal.of(counting.dataSource).createTableIfMissing();
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      Life empty = oneJobsLife(counting, sandbox, "empty");

      try (Connection c = TestPostgres.pooled(url).getConnection(); Statement s = c.createStatement()) {
        // Other accounts' and this account's finished jobs, as months of a busy service leave them.
        s.executeUpdate(
            "INSERT INTO dreamina_journal (local_id, account, request_id, state, request, target, detail, created_at, updated_at)"
                + " SELECT 'old-' || g, CASE WHEN g % 2 = 0 THEN 'ffffffffffffffff' ELSE (SELECT account FROM dreamina_journal LIMIT 1) END,"
                + " 'req-' || g, 'DOWNLOADED', (SELECT request FROM dreamina_journal LIMIT 1), '/videos/' || g || '.mp4', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'"
                + " FROM generate_series(1, " + HISTORY + ") AS g");
      }
      counting.take();
      Life full = oneJobsLife(counting, sandbox, "full");

      assertEquals(empty, full, "the same statements with " + HISTORY + " more rows");
      // The intent (an UPDATE that finds no row to reuse, then the INSERT), SUBMITTED, COMPLETED,
      // and DOWNLOADED, which also gives the lease up.
      assertEquals(5, empty.job().size(), "five per job: " + empty.job());
      for (String sql : concat(empty)) {
        if (sql.startsWith("SELECT") && !sql.equals("SELECT CURRENT_TIMESTAMP")) {
          assertTrue(KEYED_READ.matcher(sql).matches(), "a read of one job or one account: " + sql);
        }
        assertTrue(!sql.startsWith("UPDATE") || sql.contains("WHERE local_id = ?"), "a write of one row: " + sql);
      }
      assertEquals(1, full.pending().size(), full.pending().toString());
      assertEquals(
          List.of("SELECT CURRENT_TIMESTAMP"), full.recovery().subList(0, 1), "an idle pass reads the database's clock, then");
      assertEquals(2, full.recovery().size(), "this account's unfinished jobs, once: " + full.recovery());
      List<JournalEntry> all = JdbcSubmissionJournal.of(TestPostgres.pooled(url)).entries();
      assertEquals(HISTORY + 2, all.size());
      assertTrue(all.stream().allMatch(e -> e.state() == State.DOWNLOADED));
    }
  }

  /**
   * With an idempotency key: a job costs one statement more (the file's read before the download;
   * the intent itself is the key's check), the same call again an intent the journal refuses and
   * four reads, and neither grows with the table.
   */
  @Test
  void aKeyedJobsStatementsAreTheSameWithFiftyThousandRows() throws Exception {
    String url = TestPostgres.get().newDatabase();
    CountingDataSource counting = new CountingDataSource(TestPostgres.pooled(url));
    JdbcSubmissionJournal.of(counting.dataSource).createTableIfMissing();
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      Life empty = oneJobsLife(counting, sandbox, "empty", true);
      try (Connection c = TestPostgres.pooled(url).getConnection(); Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO dreamina_journal (local_id, account, request_id, state, request, target, detail, created_at, updated_at,"
                + " idempotency_key) SELECT 'key-' || g, (SELECT account FROM dreamina_journal LIMIT 1), 'req-' || g, 'DOWNLOADED',"
                + " (SELECT request FROM dreamina_journal LIMIT 1), '/videos/' || g || '.mp4', NULL, '2026-01-01T00:00:00Z',"
                + " '2026-01-01T00:00:00Z', 'order-' || g FROM generate_series(1, " + HISTORY + ") AS g");
      }
      counting.take();
      Life full = oneJobsLife(counting, sandbox, "full", true);

      assertEquals(empty, full, "the same statements with " + HISTORY + " more keyed rows");
      assertEquals(6, full.job().size(), "a job's five, then the file's read (the intent is the key's check): " + full.job());
      assertEquals(
          6, full.again().size(), "again: the intent the journal refuses (rolled back), the key's reads, the job's: " + full.again());
      for (String sql : concat(full)) {
        assertTrue(!sql.startsWith("SELECT") || sql.equals("SELECT CURRENT_TIMESTAMP") || KEYED_READ.matcher(sql).matches(), sql);
        assertTrue(!sql.startsWith("UPDATE") || sql.contains("WHERE local_id = ?"), "a write of one row: " + sql);
      }
      assertTrue(full.again().subList(2, 6).stream().allMatch(sql -> sql.startsWith("SELECT")), "no other write: " + full.again());
      assertTrue(
          JdbcSubmissionJournal.of(counting.dataSource).entries().stream().allMatch(e -> e.state() == State.DOWNLOADED),
          "the refused intent changed nothing");
    }
  }

  /**
   * With an idempotency key and a daily budget: the same bounded statements per job with 50,000
   * keyed rows and as many windows of other days in the ledger, and no read that is not keyed.
   */
  @Test
  void aKeyedJobWithABudgetHasTheSameStatementsWithFiftyThousandRows() throws Exception {
    String url = TestPostgres.get().newDatabase();
    CountingDataSource counting = new CountingDataSource(TestPostgres.pooled(url));
    JdbcSubmissionJournal.of(counting.dataSource).createTableIfMissing();
    Budget daily = Budget.perDay(new java.math.BigDecimal("1000"));
    try (RunComfySandbox sandbox = RunComfySandbox.builder().queueTime(Duration.ZERO).runTime(Duration.ZERO).start()) {
      Life empty = oneJobsLife(counting, sandbox, "empty", true, daily);
      try (Connection c = TestPostgres.pooled(url).getConnection(); Statement s = c.createStatement()) {
        String account = "(SELECT account FROM dreamina_journal LIMIT 1)";
        s.executeUpdate(
            "INSERT INTO dreamina_journal (local_id, account, request_id, state, request, target, detail, created_at, updated_at,"
                + " idempotency_key) SELECT 'key-' || g, " + account + ", 'req-' || g, 'DOWNLOADED',"
                + " (SELECT request FROM dreamina_journal LIMIT 1), '/videos/' || g || '.mp4', NULL, '2026-01-01T00:00:00Z',"
                + " '2026-01-01T00:00:00Z', 'order-' || g FROM generate_series(1, " + HISTORY + ") AS g");
        s.executeUpdate(
            "INSERT INTO dreamina_journal_spend (account, window_id, committed) SELECT " + account + ", 'day:' || g || '@UTC', 7"
                + " FROM generate_series(1, " + HISTORY + ") AS g");
        s.executeUpdate(
            "INSERT INTO dreamina_journal_charges (local_id, window_id, account, amount) SELECT 'key-' || g, 'day:' || g || '@UTC', "
                + account + ", 0.5 FROM generate_series(1, " + HISTORY + ") AS g");
      }
      counting.take();
      Life full = oneJobsLife(counting, sandbox, "full", true, daily);

      assertEquals(empty, full, "the same statements with " + HISTORY + " more rows, windows and charges");
      // The intent (UPDATE, INSERT), the window's UPDATE and the job's charge, one transaction (the
      // database's clock was read when the first job was charged); SUBMITTED, COMPLETED (its cost
      // is its estimate: no settling), the file's read, DOWNLOADED.
      assertEquals(8, full.job().size(), full.job().toString());
      for (String sql : concat(full)) {
        assertTrue(
            !sql.startsWith("SELECT") || sql.equals("SELECT CURRENT_TIMESTAMP") || KEYED_READ.matcher(sql).matches()
                || sql.matches("SELECT .* FROM dreamina_journal_(spend|charges) WHERE (account = \\? AND window_id = \\?|local_id = \\?)"),
            sql);
        assertTrue(!sql.startsWith("UPDATE") || sql.contains("WHERE local_id = ?") || sql.contains("WHERE account = ? AND window_id = ?"), sql);
      }
    }
  }

  private static List<String> concat(Life life) {
    List<String> all = new ArrayList<>(life.job());
    all.addAll(life.pending());
    all.addAll(life.recovery());
    all.addAll(life.again());
    return all;
  }
}
