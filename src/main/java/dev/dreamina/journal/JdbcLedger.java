package dev.dreamina.journal;

import dev.dreamina.Budget;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The budgets' ledger of a {@link JdbcSubmissionJournal}, in {@code <table>_spend} (what each
 * account's window committed, one row each) and {@code <table>_charges} (what each job charged to
 * which window): each method runs in the journal's transaction on {@code c}.
 */
final class JdbcLedger {
  private final String table;

  /** The database's clock less this machine's, in ms, as last read; and when ({@link System#nanoTime()}). */
  private volatile long clockOffsetMillis;

  private volatile long clockReadAt;
  private volatile boolean clockRead;

  /** How long a reading of the database's clock is used for budget windows before it is read again. */
  private static final long CLOCK_READ_NANOS = 60_000_000_000L;

  JdbcLedger(String table) {
    this.table = table;
  }

  /** What charging a job's estimate came to. */
  record Charged(Kind kind, @Nullable Budget budget, @Nullable String window, @Nullable BigDecimal committed) {
    enum Kind {
      OK,
      REFUSED_INTENT,
      OVER,
      RACED
    }

    static final Charged OK = new Charged(Kind.OK, null, null, null);
    static final Charged REFUSED_INTENT = new Charged(Kind.REFUSED_INTENT, null, null, null);
    static final Charged RACED = new Charged(Kind.RACED, null, null, null);
  }

  /** Charges the estimate to each budget's current window, in {@code c}'s transaction; rolled back by the caller unless OK. */
  Charged charge(Connection c, JournalEntry entry, List<Budget> budgets, BigDecimal estimate) throws SQLException {
    Instant now = databaseNow(c);
    for (Map.Entry<String, Budget> window : Budgets.windows(budgets, now).entrySet()) {
      Budget budget = window.getValue();
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE " + table + "_spend SET committed = committed + ? WHERE account = ? AND window_id = ? AND committed + ? <= ?")) {
        s.setBigDecimal(1, estimate);
        s.setString(2, entry.account());
        s.setString(3, window.getKey());
        s.setBigDecimal(4, estimate);
        s.setBigDecimal(5, budget.limit());
        if (s.executeUpdate() == 0) {
          Optional<BigDecimal> committed = committed(c, entry.account(), window.getKey());
          if (committed.isPresent() || estimate.compareTo(budget.limit()) > 0) {
            return new Charged(Charged.Kind.OVER, budget, window.getKey(), committed.orElse(BigDecimal.ZERO));
          }
          try (PreparedStatement insert =
              c.prepareStatement("INSERT INTO " + table + "_spend (account, window_id, committed) VALUES (?, ?, ?)")) {
            insert.setString(1, entry.account());
            insert.setString(2, window.getKey());
            insert.setBigDecimal(3, estimate);
            insert.executeUpdate();
          } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
              return Charged.RACED; // another instance wrote the window's first row meanwhile
            }
            throw e;
          }
        }
      }
      try (PreparedStatement s =
          c.prepareStatement("INSERT INTO " + table + "_charges (local_id, window_id, account, amount) VALUES (?, ?, ?, ?)")) {
        s.setString(1, entry.localId());
        s.setString(2, window.getKey());
        s.setString(3, entry.account());
        s.setBigDecimal(4, estimate);
        s.executeUpdate();
      }
    }
    return Charged.OK;
  }

  private Optional<BigDecimal> committed(Connection c, String account, String window) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT committed FROM " + table + "_spend WHERE account = ? AND window_id = ?")) {
      s.setString(1, account);
      s.setString(2, window);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBigDecimal(1)) : Optional.empty();
      }
    }
  }

  /** {@code SELECT CURRENT_TIMESTAMP}: the database's clock, which every instance shares. */
  static Instant databaseTime(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT CURRENT_TIMESTAMP"); ResultSet rows = s.executeQuery()) {
      rows.next();
      return rows.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  /**
   * The database's time, for budget windows: this machine's clock plus the two clocks' difference,
   * read from the database ({@code SELECT CURRENT_TIMESTAMP} on {@code c}) at most once a minute.
   * Within a minute two clocks drift apart by microseconds, so a window's boundary follows the
   * database's clock to within the reading's own error (half a round trip), and a budgeted submit
   * costs no extra statement.
   */
  private Instant databaseNow(Connection c) throws SQLException {
    if (!clockRead || System.nanoTime() - clockReadAt > CLOCK_READ_NANOS) {
      long before = System.currentTimeMillis();
      long database = databaseTime(c).toEpochMilli();
      long after = System.currentTimeMillis();
      clockOffsetMillis = database - (before + after) / 2;
      clockReadAt = System.nanoTime();
      clockRead = true;
    }
    return Instant.ofEpochMilli(System.currentTimeMillis() + clockOffsetMillis);
  }

  /** Releases ({@code actual == null}) or settles the job's charges: each row changed only from the amount read. */
  boolean adjust(Connection c, String localId, @Nullable BigDecimal actual) throws SQLException {
    List<String[]> charges = new ArrayList<>();
    List<BigDecimal> amounts = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT window_id, account, amount FROM " + table + "_charges WHERE local_id = ?")) {
      s.setString(1, localId);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          charges.add(new String[] {rows.getString(1), rows.getString(2)});
          amounts.add(rows.getBigDecimal(3));
        }
      }
    }
    for (int i = 0; i < charges.size(); i++) {
      String window = charges.get(i)[0];
      BigDecimal was = amounts.get(i);
      String change =
          actual == null
              ? "DELETE FROM " + table + "_charges WHERE local_id = ? AND window_id = ? AND amount = ?"
              : "UPDATE " + table + "_charges SET amount = ? WHERE local_id = ? AND window_id = ? AND amount = ?";
      int changed;
      try (PreparedStatement s = c.prepareStatement(change)) {
        int p = 0;
        if (actual != null) {
          s.setBigDecimal(++p, actual);
        }
        s.setString(++p, localId);
        s.setString(++p, window);
        s.setBigDecimal(++p, was);
        changed = s.executeUpdate();
      }
      if (changed == 1) {
        try (PreparedStatement s =
            c.prepareStatement("UPDATE " + table + "_spend SET committed = committed + ? WHERE account = ? AND window_id = ?")) {
          s.setBigDecimal(1, actual == null ? was.negate() : actual.subtract(was));
          s.setString(2, charges.get(i)[1]);
          s.setString(3, window);
          s.executeUpdate();
        }
      }
    }
    return true;
  }

  /** Each budget's current window (the database's clock) and what it committed: one keyed read. */
  List<SpendWindow> spend(Connection c, String account, List<Budget> budgets) throws SQLException {
    Instant now = databaseNow(c);
    Map<String, BigDecimal> committed = new HashMap<>();
    List<String> windows = budgets.stream().map(b -> b.windowAt(now)).distinct().toList();
    if (!windows.isEmpty()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT window_id, committed FROM " + table + "_spend WHERE account = ? AND window_id IN ("
                  + String.join(", ", Collections.nCopies(windows.size(), "?")) + ")")) {
        s.setString(1, account);
        for (int i = 0; i < windows.size(); i++) {
          s.setString(i + 2, windows.get(i));
        }
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            committed.put(rows.getString(1), rows.getBigDecimal(2));
          }
        }
      }
    }
    return budgets.stream()
        .map(b -> new SpendWindow(b, b.windowAt(now), committed.getOrDefault(b.windowAt(now), BigDecimal.ZERO)))
        .toList();
  }
}
