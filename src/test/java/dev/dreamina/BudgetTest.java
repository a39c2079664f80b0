package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.internal.flow.JournalRecorder;
import dev.dreamina.journal.FileSubmissionJournal;
import dev.dreamina.journal.JdbcSubmissionJournal;
import dev.dreamina.journal.SpendWindow;
import dev.dreamina.journal.SubmissionJournal;
import dev.dreamina.sandbox.RunComfySandbox;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A budget the fleet shares ({@link DreaminaClientBuilder#spendLimit(Budget...)}): kept in the
 * journal, charged in the same write as each intent, so that instances together never pass it.
 * The sandbox charges 0.10 USD a second: a 121-frame job is estimated at 0.50 USD.
 */
class BudgetTest {
  private static final Budget TEN_A_DAY = Budget.perDay(new BigDecimal("10.00"));
  private static final ImageToVideoRequest REQUEST =
      ImageToVideoRequest.builder().prompt("a lighthouse").imageUrl("https://example.com/l.png").frames(121).build();

  @TempDir Path dir;

  private static RunComfySandbox sandbox() {
    return RunComfySandbox.builder().price(new BigDecimal("0.10"), "second").queueTime(Duration.ZERO).runTime(Duration.ofMillis(50)).start();
  }

  private static DreaminaClient client(RunComfySandbox sandbox, SubmissionJournal journal, Budget... budgets) {
    return SandboxClients.builderFor(sandbox).journal(journal).spendLimit(budgets).build();
  }

  @Test
  void threeInstancesTimesEightThreadsNeverPassADailyBudgetOnH2() throws Exception {
    for (int round = 0; round < 3; round++) {
      String url = "jdbc:h2:mem:budget-" + round + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
      JdbcSubmissionJournal.of(TestPostgres.dataSource(url)).createTableIfMissing();
      race(() -> JdbcSubmissionJournal.of(TestPostgres.dataSource(url)), "h2 round " + round);
    }
  }

  @Test
  void threeInstancesTimesEightThreadsNeverPassADailyBudgetOnPostgres() throws Exception {
    for (int round = 0; round < 3; round++) {
      String url = TestPostgres.get().newDatabase();
      JdbcSubmissionJournal.of(TestPostgres.pooled(url)).createTableIfMissing();
      race(() -> JdbcSubmissionJournal.of(TestPostgres.pooled(url)), "postgres round " + round);
    }
  }

  @Test
  void threeInstancesTimesEightThreadsNeverPassADailyBudgetOnTheFileJournal() throws Exception {
    for (int round = 0; round < 2; round++) {
      Path file = dir.resolve("journal-" + round + ".json");
      race(() -> FileSubmissionJournal.open(file), "file round " + round);
    }
  }

  /**
   * Three clients on journals of their own over one storage, eight threads each, submitting until
   * the budget refuses them: exactly 20 jobs of 0.50 reach the API, never 21.
   */
  private static void race(Supplier<SubmissionJournal> journals, String round) throws Exception {
    try (RunComfySandbox sandbox = sandbox()) {
      List<DreaminaClient> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(client(sandbox, journals.get(), TEN_A_DAY));
      }
      ExecutorService pool = Executors.newFixedThreadPool(24);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> threads = new ArrayList<>();
        for (int t = 0; t < 24; t++) {
          DreaminaClient client = clients.get(t % 3);
          threads.add(pool.submit(() -> {
            go.await();
            int submitted = 0;
            while (true) {
              try {
                client.submit(REQUEST);
                submitted++;
              } catch (SpendLimitException full) {
                return submitted;
              }
            }
          }));
        }
        go.countDown();
        int submitted = 0;
        for (Future<Integer> thread : threads) {
          submitted += thread.get(60, TimeUnit.SECONDS);
        }
        assertEquals(20, submitted, round);
        assertEquals(20, sandbox.submitRequestCount(), round + ": what reached the API");
        SpendWindow today = clients.get(0).spend().get(0);
        assertEquals(0, new BigDecimal("10.00").compareTo(today.committed()), round + ": " + today);
        assertEquals(0, BigDecimal.ZERO.compareTo(today.remaining()), round);
      } finally {
        pool.shutdownNow();
        clients.forEach(DreaminaClient::close);
      }
    }
  }

  @Test
  void aFailedJobsEstimateComesBackAndPaysForOneMore() throws Exception {
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = client(sandbox, FileSubmissionJournal.open(dir.resolve("journal.json")), Budget.perDay(new BigDecimal("1.00")))) {
      sandbox.failNextJob("the model refused the image");
      assertThrows(GenerationFailedException.class, () -> client.generate(REQUEST));
      assertEquals(0, BigDecimal.ZERO.compareTo(client.spend().get(0).committed()), "given back");

      client.generate(REQUEST);
      client.submit(REQUEST);
      int before = sandbox.submitRequestCount();
      SpendLimitException full = assertThrows(SpendLimitException.class, () -> client.submit(REQUEST));
      assertEquals(before, sandbox.submitRequestCount(), "nothing sent");
      assertEquals(3, before, "the failed job's estimate paid for one more");
      assertEquals(client.spend().get(0).window(), full.window().orElseThrow());
      assertEquals(0, new BigDecimal("1.00").compareTo(full.committed()), full.getMessage());
      assertEquals(0, new BigDecimal("0.50").compareTo(full.estimate().orElseThrow()));
      assertEquals(1, client.pending().size(), "the refused job left no entry: only the plain submit's job is pending");
    }
  }

  /**
   * The windows follow the database's clock, not the instance's: a client whose clock runs two
   * days ahead charges today's window, and a row of yesterday's does not count today.
   */
  @Test
  void aDaysWindowFollowsTheDatabasesClockAndYesterdayDoesNotCount() throws Exception {
    String url = "jdbc:h2:mem:budget-days-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    DataSource database = TestPostgres.dataSource(url);
    JdbcSubmissionJournal journal = JdbcSubmissionJournal.of(database).createTableIfMissing();
    Instant databaseNow = journal.clock().orElseThrow();
    String today = TEN_A_DAY.windowAt(databaseNow);
    String yesterday = TEN_A_DAY.windowAt(databaseNow.minus(1, ChronoUnit.DAYS));
    OffsetTime twoDaysAhead = new OffsetTime();
    twoDaysAhead.advance(Duration.ofDays(2));
    try (RunComfySandbox sandbox = sandbox();
        DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal).spendLimit(TEN_A_DAY).timeSource(twoDaysAhead).build()) {
      try (Connection c = database.getConnection();
          PreparedStatement s = c.prepareStatement("INSERT INTO dreamina_journal_spend (account, window_id, committed) VALUES (?, ?, ?)")) {
        s.setString(1, JournalRecorder.account(sandbox.apiToken()));
        s.setString(2, yesterday);
        s.setBigDecimal(3, new BigDecimal("10.00")); // yesterday's budget, all spent
        s.executeUpdate();
      }
      client.submit(REQUEST);
      List<SpendWindow> spend = client.spend();
      assertEquals(today, spend.get(0).window(), "the database's day, not the instance's two days ahead");
      assertEquals(0, new BigDecimal("0.50").compareTo(spend.get(0).committed()));
      assertEquals(0, new BigDecimal("9.50").compareTo(spend.get(0).remaining()));
    }
  }

  @Test
  void aBudgetNeedsAJournal() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DreaminaClient.builder().apiToken("t").spendLimit(TEN_A_DAY).build());
    assertTrue(e.getMessage().contains("lives in the journal"), e.getMessage());
    assertEquals("10.00 USD per day (UTC)", TEN_A_DAY.toString());
    assertEquals("day:2026-12-07@UTC", TEN_A_DAY.windowAt(Instant.parse("2026-12-07T23:59:59Z")));
    assertEquals(
        "day:2026-12-08@Europe/Paris",
        TEN_A_DAY.inZone(java.time.ZoneId.of("Europe/Paris")).windowAt(Instant.parse("2026-12-07T23:59:59Z")));
    assertEquals("month:2026-12@UTC", Budget.perMonth(BigDecimal.ONE).windowAt(Instant.parse("2026-12-07T00:00:00Z")));
    assertEquals("total", Budget.total(BigDecimal.ONE).windowAt(Instant.EPOCH));
  }
}
