package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dreamina.Budget;
import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.SandboxClients;
import dev.dreamina.Status;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.sandbox.RunComfySandbox;
import dev.dreamina.TestPostgres;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
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

  /**
   * Moves the leases' clock forward: the callers' for a journal on their clock (so only the test's
   * {@link #now()} moves), the journal's own for one with a clock of its own (its tables' lease
   * ends move back by as much, which is the same to every lease decision).
   */
  abstract void ageLeases(Duration by);

  /** The callers' time in the lease tests; {@link #advance} moves it. */
  private Instant now = T0.plusSeconds(100);

  Instant now() {
    return now;
  }

  /** Time passes for everyone: the callers' clock and the journal's. */
  void advance(Duration by) {
    now = now.plus(by);
    ageLeases(by);
  }

  /** {@code owner}'s lease, ending {@code seconds} from now on the clock that judges it (give or take 5 s). */
  private void assertLease(SubmissionJournal journal, String localId, String owner, long seconds) {
    JournalLease lease = journal.lease(localId).orElseThrow(() -> new AssertionError("no lease on " + localId));
    assertEquals(owner, lease.owner());
    Instant judgedAt = journal.clock().orElse(now);
    long left = Duration.between(judgedAt, lease.until()).toSeconds();
    assertTrue(Math.abs(left - seconds) <= 5, "ends in " + left + " s, not " + seconds + ": " + lease);
  }

  private static Instant in(Instant t, int seconds) {
    return t.plusSeconds(seconds);
  }

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
  void aKeyedEntryKeepsItsKeyAndItsOneLocalId() {
    SubmissionJournal journal = journal();
    String localId = JournalEntry.keyedLocalId("0123456789abcdef", "order-8812 «ü»");
    assertTrue(localId.matches("key-[0-9a-f]{40}"), localId);
    assertEquals(localId, JournalEntry.keyedLocalId("0123456789abcdef", "order-8812 «ü»"), "the same on every instance");
    assertFalse(localId.equals(JournalEntry.keyedLocalId("ffffffffffffffff", "order-8812 «ü»")), "per account");
    JournalEntry keyed =
        new JournalEntry(localId, "0123456789abcdef", Optional.empty(), State.INTENT, REQUEST, Optional.empty(), Optional.empty(),
            now(), now(), Optional.of("order-8812 «ü»"));
    journal.recordLeased(keyed, "A", in(now(), 60));
    assertEquals(Optional.of(keyed), reopen().entry(localId));
    JournalException second = assertThrows(JournalException.class, () -> reopen().recordLeased(keyed, "B", in(now(), 60)));
    assertTrue(second.getMessage().contains("was not replaced"), "one intent per key: " + second.getMessage());
    JournalEntry submitted = keyed.with(State.SUBMITTED, "req_k", null, in(now(), 1));
    journal.record(submitted);
    assertEquals(Optional.of(submitted), reopen().byRequestId("0123456789abcdef", "req_k"));
    assertEquals(Optional.of("order-8812 «ü»"), reopen().entries().get(0).idempotencyKey());
  }

  // ---- budgets ------------------------------------------------------------------------------------

  private static JournalEntry intent(String id) {
    Instant at = Instant.now();
    return new JournalEntry(id, "0123456789abcdef", Optional.empty(), State.INTENT, REQUEST, Optional.empty(), Optional.empty(), at, at);
  }

  private static BigDecimal committed(SubmissionJournal journal, Budget budget) {
    return journal.spend("0123456789abcdef", List.of(budget)).get(0).committed();
  }

  @Test
  void aBudgetsWindowIsChargedReleasedAndSettledOnceEach() {
    SubmissionJournal journal = journal();
    Budget daily = Budget.perDay(new BigDecimal("1.00"));
    BigDecimal estimate = new BigDecimal("0.40");
    journal.recordLeased(intent("a"), "A", Instant.now().plusSeconds(60), List.of(daily, Budget.total(new BigDecimal("5"))), estimate);
    reopen().recordLeased(intent("b"), "A", Instant.now().plusSeconds(60), List.of(daily), estimate);
    assertEquals(0, new BigDecimal("0.80").compareTo(committed(reopen(), daily)));

    SpendLimitException over =
        assertThrows(SpendLimitException.class, () -> reopen().recordLeased(intent("c"), "A", Instant.now().plusSeconds(60), List.of(daily), estimate));
    String today = daily.windowAt(journal.clock().orElse(Instant.now()));
    assertEquals(Optional.of(today), over.window());
    assertEquals(0, new BigDecimal("0.80").compareTo(over.committed()), over.getMessage());
    assertEquals(0, new BigDecimal("1.00").compareTo(over.limit()));
    assertTrue(over.getMessage().contains("would pass the budget of 1.00 USD per day (UTC)"), over.getMessage());
    assertEquals(Optional.empty(), reopen().entry("c"), "a refused charge writes no intent");

    reopen().releaseCharges("a");
    reopen().releaseCharges("a"); // a second instance giving the same job back
    assertEquals(0, new BigDecimal("0.40").compareTo(committed(reopen(), daily)), "given back once");
    reopen().settleCharges("b", new BigDecimal("0.25"));
    reopen().settleCharges("b", new BigDecimal("0.25"));
    assertEquals(0, new BigDecimal("0.25").compareTo(committed(reopen(), daily)), "the real cost, once");
    assertEquals(0, BigDecimal.ZERO.compareTo(committed(reopen(), Budget.total(new BigDecimal("5")))), "a's charge to its other window went too");
    reopen().releaseCharges("nobody");
    reopen().recordLeased(intent("c"), "A", Instant.now().plusSeconds(60), List.of(daily), estimate);
    assertEquals(0, new BigDecimal("0.65").compareTo(committed(reopen(), daily)));
  }

  /** Eight instances at once, 30 intents of 0.50 against 10.00 a day: exactly 20 charged, never 21; many rounds. */
  @Test
  void instancesChargingOneWindowAtOnceNeverPassItsLimit() throws Exception {
    Budget daily = Budget.perDay(new BigDecimal("10.00"));
    for (int round = 0; round < 5; round++) {
      String prefix = "r" + round + "-";
      SubmissionJournal first = round == 0 ? journal() : reopen();
      BigDecimal before = committed(first, daily);
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Future<Integer>> charged = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          SubmissionJournal own = reopen();
          charged.add(threads.submit(() -> {
            go.await();
            int mine = 0;
            for (int i; (i = next.getAndIncrement()) < 30; ) {
              try {
                own.recordLeased(intent(prefix + i), "A", Instant.now().plusSeconds(60), List.of(daily), new BigDecimal("0.50"));
                mine++;
              } catch (SpendLimitException refused) {
                // the window is full
              }
            }
            return mine;
          }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : charged) {
          total += f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(20, total, "round " + round);
        assertEquals(0, new BigDecimal("10.00").compareTo(committed(reopen(), daily)), "round " + round);
        long intents = reopen().entries().stream().filter(e -> e.localId().startsWith(prefix)).count();
        assertEquals(20, intents, "round " + round + ": an intent for each charge, none for a refusal");
        for (JournalEntry e : reopen().entries()) {
          if (e.localId().startsWith(prefix)) {
            reopen().releaseCharges(e.localId()); // the next round starts from nothing
          }
        }
        assertEquals(0, before.compareTo(committed(reopen(), daily)), "round " + round);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void aDownloadedEntryIsNeverWrittenBackToCompleted() {
    SubmissionJournal journal = journal();
    JournalEntry submitted = entry("late", 1, State.SUBMITTED, Optional.of("req_late"));
    journal.record(submitted);
    JournalEntry completed = submitted.with(State.COMPLETED, null, null, T0.plusSeconds(2));
    JournalEntry downloaded = completed.with(State.DOWNLOADED, null, null, T0.plusSeconds(3));
    journal.record(completed);
    journal.record(downloaded);

    journal.record(completed); // a late write from an instance that lost the lease

    assertEquals(List.of(downloaded), journal.entries());
    assertEquals(List.of(downloaded), reopen().entries(), "another instance reads the same");
    JournalEntry fresh = entry("fresh", 4, State.COMPLETED, Optional.of("req_fresh"));
    journal.record(fresh);
    assertEquals(Optional.of(fresh), reopen().entry("fresh"), "a COMPLETED entry with no row is stored");
    JournalEntry failedLater = downloaded.with(State.DISMISSED, null, null, T0.plusSeconds(5));
    journal.record(failedLater);
    assertEquals(Optional.of(failedLater), reopen().entry("late"), "only the step back to COMPLETED is dropped");
  }

  @Test
  void aClientJournalsItsJobFromIntentToDownload() throws Exception {
    try (RunComfySandbox sandbox =
            RunComfySandbox.builder().queueTime(Duration.ofMillis(50)).runTime(Duration.ofMillis(50)).start();
        DreaminaClient client = SandboxClients.builderFor(sandbox).journal(journal()).build()) {
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

    assertTrue(journal.claim("a", "A", now(), in(now(), 60)), "a free entry is taken");
    advance(Duration.ofSeconds(30));
    assertFalse(journal.claim("a", "B", now(), in(now(), 60)), "A's lease is live");
    assertTrue(journal.claim("a", "A", now(), in(now(), 60)), "its owner renews it");
    advance(Duration.ofSeconds(55));
    assertFalse(reopen().claim("a", "B", now(), in(now(), 60)), "renewed: live until 90 s");
    advance(Duration.ofSeconds(5));
    assertTrue(reopen().claim("a", "B", now(), in(now(), 60)), "ran out: B takes it over");
    assertFalse(journal.claim("a", "A", now(), in(now(), 60)), "A lost it");
    assertFalse(journal.claim("nobody", "A", now(), in(now(), 60)), "no such entry");
  }

  @Test
  void anEntryRecordedLeasedIsHeldFromItsFirstMoment() {
    SubmissionJournal journal = journal();
    JournalEntry a = new JournalEntry("a", "0123456789abcdef", Optional.empty(), State.INTENT, REQUEST, Optional.empty(), Optional.empty(), now(), now());
    journal.recordLeased(a, "A", in(now(), 60));

    assertEquals(List.of(a), reopen().entries());
    assertLease(reopen(), "a", "A", 60);
    advance(Duration.ofSeconds(55));
    assertFalse(reopen().claim("a", "B", now(), in(now(), 60)));
    JournalException e = assertThrows(JournalException.class, () -> reopen().recordLeased(a, "B", in(a.updatedAt(), 60)));
    assertTrue(e.getMessage().contains("was not replaced"), e.getMessage());
    advance(Duration.ofSeconds(5));
    assertTrue(journal.claim("a", "B", now(), in(now(), 60)), "ran out");
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
  void recordingAFinishedEntryGivesItsLeaseUp() {
    SubmissionJournal journal = journal();
    JournalEntry a = entry("a", 1, State.SUBMITTED, Optional.of("req_a"));
    journal.record(a);
    Instant t = T0.plusSeconds(100);
    assertTrue(journal.claim("a", "A", t, t.plusSeconds(60)));
    journal.record(a.with(State.COMPLETED, null, null, t.plusSeconds(1))); // its download is still to come
    assertEquals("A", reopen().lease("a").orElseThrow().owner());
    journal.record(a.with(State.DOWNLOADED, null, null, t.plusSeconds(2)));
    assertEquals(Optional.empty(), reopen().lease("a"), "one write: the last state, and no lease");
  }

  @Test
  void aRefusedIntentWritesNothing() {
    SubmissionJournal journal = journal();
    Instant t = T0.plusSeconds(100);
    JournalEntry paid = entry("a", 1, State.INTENT, Optional.empty());
    journal.recordLeased(paid, "A", t.plusSeconds(60));
    paid = paid.with(State.SUBMITTED, "req_a", null, t);
    journal.record(paid);
    JournalEntry done = entry("d", 2, State.DOWNLOADED, Optional.of("req_d"));
    journal.record(done);
    List<JournalEntry> before = journal.entries();
    Optional<JournalLease> leaseBefore = journal.lease("a");

    JournalEntry again = entry("a", 50, State.INTENT, Optional.empty());
    JournalException held = assertThrows(JournalException.class, () -> reopen().recordLeased(again, "B", t.plusSeconds(120)));
    assertTrue(held.getMessage().contains("records a job"), held.getMessage());
    JournalEntry afterIt = entry("a", 200, State.INTENT, Optional.empty());
    assertThrows(JournalException.class, () -> reopen().recordLeased(afterIt, "A", afterIt.updatedAt().plusSeconds(60)),
        "not even its own holder replaces a paid job's entry");
    JournalEntry doneAgain = entry("d", 60, State.INTENT, Optional.empty());
    assertThrows(JournalException.class, () -> reopen().recordLeased(doneAgain, "B", t.plusSeconds(120)));

    assertEquals(before, reopen().entries(), "every entry as it was");
    assertEquals(leaseBefore, reopen().lease("a"), "and its lease");
    assertEquals(Optional.empty(), reopen().lease("d"));
  }

  @Test
  void anIntentReplacesOnlyAnEntryWithNoJobAndNobodyClaimsAFinishedOne() {
    SubmissionJournal journal = journal();
    JournalEntry first = entry("r", 1, State.INTENT, Optional.empty());
    journal.recordLeased(first, "A", first.updatedAt().plusSeconds(60));
    JournalEntry refused = first.with(State.NOT_SUBMITTED, null, "HTTP 400", first.updatedAt().plusSeconds(1));
    journal.record(refused);
    assertEquals(Optional.empty(), reopen().lease("r"), "its last write gave the lease up");
    Instant t = T0.plusSeconds(10);
    assertFalse(reopen().claim("r", "B", t, t.plusSeconds(60)), "nobody works on a finished entry");

    JournalEntry rerun = entry("r", 20, State.INTENT, Optional.empty());
    reopen().recordLeased(rerun, "B", rerun.updatedAt().plusSeconds(60));
    assertEquals(Optional.of(rerun), journal.entry("r"));
    assertEquals("B", journal.lease("r").orElseThrow().owner());

    JournalEntry third = entry("r", 30, State.INTENT, Optional.empty());
    JournalException e = assertThrows(JournalException.class, () -> reopen().recordLeased(third, "B", third.updatedAt().plusSeconds(60)));
    assertTrue(e.getMessage().contains("records a job"), "B's own intent may have been sent: " + e.getMessage());
    assertEquals(Optional.of(rerun), journal.entry("r"));
  }

  @Test
  void aRenewalExtendsOnlyALiveLeaseOfItsOwner() {
    SubmissionJournal journal = journal();
    journal.record(entry("a", 1, State.SUBMITTED, Optional.of("req_a")));
    assertFalse(journal.renew("a", "A", now(), in(now(), 60)), "nothing to renew: never taken");
    assertTrue(journal.claim("a", "A", now(), in(now(), 60)));
    advance(Duration.ofSeconds(20));
    assertTrue(reopen().renew("a", "A", now(), in(now(), 60)));
    assertLease(journal, "a", "A", 60);
    assertFalse(journal.renew("a", "B", now(), in(now(), 60)), "not B's");
    advance(Duration.ofSeconds(60));
    assertFalse(journal.renew("a", "A", now(), in(now(), 60)), "ran out: a renewal does not take it back");
    assertTrue(journal.claim("a", "A", now(), in(now(), 60)), "a claim does");
    journal.release("a", "A");
    assertFalse(journal.renew("a", "A", now(), in(now(), 60)), "released: never renewed");
    assertEquals(Optional.empty(), journal.lease("a"));
  }

  @Test
  void aTakeOverTakesOnlyThatVeryLeaseLiveOrNot() {
    SubmissionJournal journal = journal();
    journal.record(entry("a", 1, State.SUBMITTED, Optional.of("req_a")));
    assertTrue(journal.claim("a", "A", now(), in(now(), 60)));
    JournalLease as = journal.lease("a").orElseThrow();

    assertTrue(reopen().takeOver("a", "B", as, now(), in(now(), 60)), "A's live lease, as read: taken");
    assertLease(journal, "a", "B", 60);
    assertFalse(reopen().takeOver("a", "C", as, now(), in(now(), 60)), "it is B's now, not the lease C read");
    advance(Duration.ofSeconds(10));
    JournalLease bs = journal.lease("a").orElseThrow(); // read after the time passed: a renewal ends later
    assertTrue(journal.renew("a", "B", now(), in(now(), 60)));
    assertFalse(reopen().takeOver("a", "C", bs, now(), in(now(), 60)), "renewed since it was read: left alone");
    assertLease(journal, "a", "B", 60);
    journal.record(entry("a", 2, State.DOWNLOADED, Optional.of("req_a")));
    assertFalse(reopen().takeOver("a", "C", bs, now(), in(now(), 60)), "nobody works on a finished entry");
  }

  @Test
  void onlyTheLeaseHolderWritesAnEntryItHolds() {
    SubmissionJournal journal = journal();
    JournalEntry a = entry("a", 1, State.SUBMITTED, Optional.of("req_a"));
    journal.record(a);
    assertFalse(journal.recordHeld(a.with(State.FAILED, null, "x", in(T0, 2)), "A"), "nobody holds it");
    assertTrue(journal.claim("a", "A", now(), in(now(), 60)));

    assertFalse(reopen().recordHeld(a.with(State.FAILED, null, "x", in(T0, 2)), "B"), "B does not hold it");
    JournalEntry completed = a.with(State.COMPLETED, null, null, in(T0, 3));
    assertTrue(reopen().recordHeld(completed, "A"));
    assertEquals(Optional.of(completed), reopen().entry("a"));
    assertLease(journal, "a", "A", 60);

    advance(Duration.ofSeconds(61));
    assertTrue(reopen().recordHeld(completed.with(State.COMPLETED, null, "still mine", in(T0, 4)), "A"),
        "ran out, and nobody took it: still A's to write");
    assertTrue(reopen().claim("a", "B", now(), in(now(), 60)));
    JournalEntry downloaded = completed.with(State.DOWNLOADED, null, null, in(T0, 5));
    assertFalse(journal.recordHeld(completed.with(State.FAILED, null, "late", in(T0, 5)), "A"), "B took it: A writes nothing");
    assertTrue(reopen().recordHeld(downloaded, "B"));
    assertEquals(Optional.empty(), journal.lease("a"), "its last state gave the lease up");
    assertFalse(journal.recordHeld(completed, "B"), "nobody holds a finished entry");
    assertEquals(Optional.of(downloaded), reopen().entry("a"));
  }

  /** A journal with a clock of its own judges leases on it, whatever the callers' clocks say. */
  @Test
  void leasesAreJudgedOnTheJournalsClockWhenItHasOne() {
    SubmissionJournal journal = journal();
    assumeTrue(journal.clock().isPresent(), "this journal is on the callers' clock");
    journal.record(entry("a", 1, State.SUBMITTED, Optional.of("req_a")));
    Instant real = Instant.now();
    Instant behind = real.minusSeconds(300);
    Instant ahead = real.plusSeconds(300);

    assertTrue(journal.claim("a", "slow", behind, in(behind, 60)), "a clock 300 s behind");
    assertLease(journal, "a", "slow", 60); // not over at once for everyone else
    assertFalse(reopen().claim("a", "fast", ahead, in(ahead, 60)), "a clock 300 s ahead cannot take a live lease");
    assertTrue(reopen().renew("a", "slow", behind, in(behind, 60)));
    assertLease(journal, "a", "slow", 60);
    JournalEntry b = new JournalEntry("b", "0123456789abcdef", Optional.empty(), State.INTENT, REQUEST, Optional.empty(), Optional.empty(), behind, behind);
    journal.recordLeased(b, "slow", in(behind, 60));
    assertLease(journal, "b", "slow", 60);
    assertFalse(reopen().claim("b", "fast", ahead, in(ahead, 60)));
  }

  /** Renewal and release of one lease, at once, many times: once both are done, nobody holds it. */
  @Test
  void noRenewalTakesALeaseBackAfterItsRelease() throws Exception {
    SubmissionJournal journal = journal();
    int rounds = 40;
    for (int i = 0; i < rounds; i++) {
      journal.record(entry("job" + i, i, State.SUBMITTED, Optional.of("req_" + i)));
    }
    Instant t = T0.plusSeconds(100);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < rounds; i++) {
        String id = "job" + i;
        assertTrue(journal.claim(id, "A", t, t.plusSeconds(60)));
        SubmissionJournal renewer = reopen();
        CountDownLatch go = new CountDownLatch(1);
        Future<Boolean> renewal = threads.submit(() -> {
          go.await();
          return renewer.renew(id, "A", t.plusSeconds(1), t.plusSeconds(90));
        });
        Future<?> release = threads.submit(() -> {
          go.await();
          journal.release(id, "A");
          return null;
        });
        go.countDown();
        renewal.get(30, TimeUnit.SECONDS);
        release.get(30, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), reopen().lease(id), "round " + i + ": released, and nothing took it back");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void keyedReadsFindOneEntryOrOneAccountsUnfinishedOnes() {
    SubmissionJournal journal = journal();
    String mine = "0123456789abcdef";
    JournalEntry submitted = entry("s", 3, State.SUBMITTED, Optional.of("req_s"));
    JournalEntry intent = entry("i", 1, State.INTENT, Optional.empty());
    JournalEntry toDownload = entry("c", 2, State.COMPLETED, Optional.of("req_c"));
    JournalEntry completedNoTarget =
        new JournalEntry("n", mine, Optional.of("req_n"), State.COMPLETED, REQUEST, Optional.empty(), Optional.empty(), T0, T0);
    JournalEntry downloaded = entry("d", 4, State.DOWNLOADED, Optional.of("req_d"));
    JournalEntry other =
        new JournalEntry("o", "ffffffffffffffff", Optional.of("req_s"), State.SUBMITTED, REQUEST, Optional.empty(), Optional.empty(), T0, T0);
    for (JournalEntry e : List.of(submitted, intent, toDownload, completedNoTarget, downloaded, other)) {
      journal.record(e);
    }
    SubmissionJournal again = reopen();
    assertEquals(Optional.of(submitted), again.entry("s"));
    assertEquals(Optional.empty(), again.entry("nobody"));
    assertEquals(Optional.of(submitted), again.byRequestId(mine, "req_s"), "the account's own, not the other's");
    assertEquals(Optional.of(other), again.byRequestId("ffffffffffffffff", "req_s"));
    assertEquals(Optional.empty(), again.byRequestId(mine, "req_nobody"));
    assertEquals(List.of(intent, toDownload, submitted), again.unfinished(mine), "oldest first, this account only");
    assertEquals(List.of(other), again.unfinished("ffffffffffffffff"));
  }

  @Test
  void retentionDeletesOldFinishedEntriesOnly() {
    SubmissionJournal journal = journal();
    JournalEntry oldDone = entry("old-done", 0, State.DOWNLOADED, Optional.of("req_1"));
    JournalEntry oldFailed = entry("old-failed", 1, State.FAILED, Optional.of("req_2"));
    JournalEntry oldOpen = entry("old-open", 2, State.SUBMITTED, Optional.of("req_3"));
    JournalEntry oldToDownload = entry("old-to-download", 3, State.COMPLETED, Optional.of("req_4"));
    JournalEntry youngDone = entry("young-done", 100, State.DOWNLOADED, Optional.of("req_5"));
    for (JournalEntry e : List.of(oldDone, oldFailed, oldOpen, oldToDownload, youngDone)) {
      journal.record(e);
    }
    assertEquals(2, reopen().deleteFinishedBefore(T0.plusSeconds(100)));
    assertEquals(List.of(oldOpen, oldToDownload, youngDone), journal.entries(), "unfinished ones stay, whatever their age");
    assertEquals(0, journal.deleteFinishedBefore(T0.plusSeconds(100)));
    assertEquals(0, journal.deleteFinishedBefore(youngDone.updatedAt()), "never one younger than the cutoff");
    assertEquals(1, journal.deleteFinishedBefore(youngDone.updatedAt().plusSeconds(3)));
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

  @Test
  void aBatchsSettingsAreStoredReplacedAndReadBackByAnotherInstance() {
    SubmissionJournal journal = journal();
    assertEquals(Optional.empty(), journal.batchSettings("/data/scenes.csv"));
    assertTrue(journal.recordBatchSettings("/data/scenes.csv", "{\"out\":\"/v\",\"max_spend\":\"25\"}"));
    assertTrue(journal.recordBatchSettings("/data/other.csv", "{}"));
    assertTrue(journal.recordBatchSettings("/data/scenes.csv", "{\"out\":\"/w\"}"));

    SubmissionJournal other = reopen();
    assertEquals(Optional.of("{\"out\":\"/w\"}"), other.batchSettings("/data/scenes.csv"), "replaced");
    assertEquals(Optional.of("{}"), other.batchSettings("/data/other.csv"));
    assertEquals(Optional.empty(), other.batchSettings("/data/never.csv"));
    // Entries live beside them, untouched.
    journal.record(entry("a", 1, State.SUBMITTED, Optional.of("req-a")));
    assertEquals(Optional.of("{}"), reopen().batchSettings("/data/other.csv"));
    assertEquals(1, reopen().entries().size());
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

    @Override
    void ageLeases(Duration by) {} // its leases are on the callers' clock, which the test moves
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

    @Override
    void ageLeases(Duration by) {
      JdbcJournals.ageLeases(dataSource, by);
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
          DreaminaClient client = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(down)).build()) {
        JournalException e = assertThrows(JournalException.class, () -> client.submit(REQUEST));
        assertTrue(e.getMessage().contains("Not submitted"), e.getMessage());
        assertEquals(0, sandbox.submitRequestCount(), "no submit reached the API");
      }
    }

    @Test
    void aTableNameIsCheckedBeforeItGoesIntoSql() throws SQLException {
      assertThrows(IllegalArgumentException.class, () -> JdbcSubmissionJournal.of(dataSource, "j; DROP TABLE x"));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JdbcSubmissionJournal.ddl("x (a int); drop table other; create table w"));
      assertTrue(e.getMessage().startsWith("table must be"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> JdbcSubmissionJournal.ddl("a".repeat(41)), "its index names would be cut");
      assertThrows(NullPointerException.class, () -> JdbcSubmissionJournal.ddl(null));

      String ddl = JdbcSubmissionJournal.ddl("jobs");
      assertTrue(ddl.startsWith("CREATE TABLE IF NOT EXISTS jobs ("), ddl);
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        for (String statement : ddl.split(";\n")) {
          s.execute(statement);
          s.execute(statement); // each is safe to run again: the upgrade of an older table
        }
        try (ResultSet r = s.executeQuery(
            "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'JOBS' AND INDEX_NAME LIKE 'JOBS_%_IDX'")) {
          r.next();
          assertEquals(2, r.getInt(1), "the request id and account-state indexes");
        }
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM jobs_batches")) {
          r.next();
          assertEquals(0, r.getInt(1), "the batch settings table");
        }
      }
    }

    /** A table made before idempotency keys: the DDL run again adds the column, and keyed entries work. */
    @Test
    void theDdlRunAgainUpgradesATableMadeBeforeKeys() throws SQLException {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE old_journal (local_id VARCHAR(64) PRIMARY KEY, account VARCHAR(32) NOT NULL, request_id VARCHAR(128),"
                + " state VARCHAR(16) NOT NULL, request VARCHAR NOT NULL, target VARCHAR, detail VARCHAR, created_at VARCHAR(40) NOT NULL,"
                + " updated_at VARCHAR(40) NOT NULL, lease_owner VARCHAR(128), lease_until BIGINT)");
        for (String statement : JdbcSubmissionJournal.ddl("old_journal").split(";\n")) {
          s.execute(statement);
        }
      }
      JdbcSubmissionJournal upgraded = JdbcSubmissionJournal.of(dataSource, "old_journal");
      JournalEntry keyed =
          new JournalEntry(JournalEntry.keyedLocalId("0123456789abcdef", "k"), "0123456789abcdef", Optional.of("req"), State.SUBMITTED,
              REQUEST, Optional.empty(), Optional.empty(), T0, T0, Optional.of("k"));
      upgraded.record(keyed);
      assertEquals(List.of(keyed), upgraded.entries());
    }

    /**
     * The database refuses the commit of an intent that replaces a rerun's row, the connection
     * staying alive: the row is as it was, so the rollback did its job.
     */
    @Test
    void aFailedCommitLeavesNothingWritten() {
      JdbcSubmissionJournal.of(dataSource).createTableIfMissing();
      JournalEntry refused = entry("r", 1, State.NOT_SUBMITTED, Optional.empty());
      reopen().record(refused);
      DataSource failingCommits =
          (DataSource)
              Proxy.newProxyInstance(
                  DataSource.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> failingCommit(dataSource.getConnection()));
      JournalEntry rerun = entry("r", 9, State.INTENT, Optional.empty());
      assertThrows(
          JournalException.class,
          () -> JdbcSubmissionJournal.of(failingCommits).recordLeased(rerun, "A", rerun.updatedAt().plusSeconds(60)));
      assertEquals(Optional.of(refused), reopen().entry("r"));
      assertEquals(Optional.empty(), reopen().lease("r"));
    }

    private static Connection failingCommit(Connection real) {
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("commit")) {
                  throw new SQLException("the test's database refuses this commit");
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
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

    @Override
    void ageLeases(Duration by) {
      JdbcJournals.ageLeases(dataSource(), by);
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
          DreaminaClient client = SandboxClients.builderFor(sandbox).journal(JdbcSubmissionJournal.of(dying)).build()) {
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
