package dev.dreamina.journal;

import dev.dreamina.errors.JournalException;
import dev.dreamina.internal.JournalCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SubmissionJournal} in one table of a relational database, through any {@link
 * DataSource} the application already has (its connection pool included): so that several
 * processes and machines can share one journal. Plain JDBC; no dependency beyond the driver the
 * application brings.
 *
 * <ul>
 *   <li>Each {@link #record} is one transaction, committed before it returns: the intent is in the
 *       database before a submit is sent, or nothing is submitted ({@link JournalException}).
 *   <li>The token is never stored; each row carries {@code account}, a hash of it.
 *   <li>The table ({@value #DEFAULT_TABLE} unless named) is created by your migrations, from the
 *       DDL in {@link #ddl(String)}; {@link #createTableIfMissing()} does it for tests and small
 *       apps. The DDL is plain SQL that PostgreSQL and H2 both take.
 * </ul>
 *
 * <p>Shared by several instances, it keeps every client's entries, and {@link #claim} takes a
 * job's lease in one {@code UPDATE … WHERE} on its row, so that recovery on several instances
 * ({@link dev.dreamina.DreaminaClient#recover()}) never works one job twice at once. Lease times
 * are epoch milliseconds from the instances' own clocks, which must agree to well within the
 * lease time (NTP does).
 */
public final class JdbcSubmissionJournal implements SubmissionJournal {
  /** The table used unless another is named. */
  public static final String DEFAULT_TABLE = "dreamina_journal";

  private static final String COLUMNS =
      "local_id, account, request_id, state, request, target, detail, created_at, updated_at";

  private final DataSource dataSource;
  private final String table;

  private JdbcSubmissionJournal(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /**
   * A journal in the table {@value #DEFAULT_TABLE}.
   *
   * @param dataSource where to get connections
   * @return the journal
   */
  public static JdbcSubmissionJournal of(DataSource dataSource) {
    return of(dataSource, DEFAULT_TABLE);
  }

  /**
   * A journal in the named table.
   *
   * @param dataSource where to get connections
   * @param table the table name: a letter or underscore, then up to 62 letters, digits or
   *     underscores (it goes into SQL, so nothing else is accepted)
   * @return the journal
   */
  public static JdbcSubmissionJournal of(DataSource dataSource, String table) {
    Objects.requireNonNull(dataSource, "dataSource == null");
    Objects.requireNonNull(table, "table == null");
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("table must be [A-Za-z_][A-Za-z0-9_]{0,62}: " + table);
    }
    return new JdbcSubmissionJournal(dataSource, table);
  }

  /**
   * The table's DDL, for your migrations. Timestamps are ISO-8601 text, exact to the nanosecond
   * on every database; {@code lease_until} is epoch milliseconds, so that it compares in SQL.
   *
   * @param table the table name
   * @return a {@code CREATE TABLE IF NOT EXISTS} statement
   */
  public static String ddl(String table) {
    return "CREATE TABLE IF NOT EXISTS " + table + " ("
        + "local_id VARCHAR(64) PRIMARY KEY, "
        + "account VARCHAR(32) NOT NULL, "
        + "request_id VARCHAR(128), "
        + "state VARCHAR(16) NOT NULL, "
        + "request VARCHAR NOT NULL, "
        + "target VARCHAR, "
        + "detail VARCHAR, "
        + "created_at VARCHAR(40) NOT NULL, "
        + "updated_at VARCHAR(40) NOT NULL, "
        + "lease_owner VARCHAR(128), "
        + "lease_until BIGINT)";
  }

  /**
   * Creates the table when it does not exist. For tests and small apps; production databases
   * usually create it with their migrations, from {@link #ddl(String)}.
   *
   * @return this journal
   * @throws JournalException when it cannot be created
   */
  public JdbcSubmissionJournal createTableIfMissing() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(ddl(table));
    } catch (SQLException e) {
      throw new JournalException("Cannot create the journal table " + table + ": " + e.getMessage(), null, e);
    }
    return this;
  }

  @Override
  public void record(JournalEntry entry) {
    Objects.requireNonNull(entry, "entry == null");
    inTransaction(
        "write to",
        entry.requestId().orElse(null),
        c -> {
          upsert(c, entry);
          return null;
        });
  }

  /** One transaction: the entry's row, then its lease. */
  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    boolean leased =
        inTransaction(
            "write to",
            entry.requestId().orElse(null),
            c -> {
              upsert(c, entry);
              return lease(c, entry.localId(), owner, entry.updatedAt(), until);
            });
    if (!leased) {
      throw new JournalException(
          "Entry " + entry.localId() + " in " + table + " is leased by another owner", entry.requestId().orElse(null), null);
    }
  }

  /**
   * One {@code UPDATE} of the entry's row that succeeds only when the lease is free, ended, or
   * {@code owner}'s: the database's row lock makes it atomic between instances.
   */
  @Override
  public boolean claim(String localId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(owner, "owner == null");
    return inTransaction("take a lease in", null, c -> lease(c, localId, owner, now, until));
  }

  private boolean lease(Connection c, String localId, String owner, Instant now, Instant until) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE " + table + " SET lease_owner = ?, lease_until = ? WHERE local_id = ?"
                + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)")) {
      s.setString(1, owner);
      s.setLong(2, until.toEpochMilli());
      s.setString(3, localId);
      s.setString(4, owner);
      s.setLong(5, now.toEpochMilli());
      return s.executeUpdate() == 1;
    }
  }

  @Override
  public void release(String localId, String owner) {
    inTransaction(
        "give up a lease in",
        null,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE " + table + " SET lease_owner = NULL, lease_until = NULL"
                      + " WHERE local_id = ? AND lease_owner = ?")) {
            s.setString(1, localId);
            s.setString(2, owner);
            return s.executeUpdate();
          }
        });
  }

  @FunctionalInterface
  private interface SqlStep<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code step} in one transaction, committed before it returns, or rolled back. */
  private <T> T inTransaction(String what, String requestId, SqlStep<T> step) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = step.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollBack(c, e);
        throw e;
      } finally {
        restore(c, autoCommit);
      }
    } catch (SQLException e) {
      throw new JournalException(
          "Cannot " + what + " the journal table " + table + ": " + e.getMessage(), requestId, e);
    }
  }

  /** Rolls back; on a connection that is gone, there is nothing to roll back. */
  private static void rollBack(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restore(Connection c, boolean autoCommit) {
    try {
      if (!c.isClosed()) {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool discards it
    }
  }

  /** The entry's row, changed or added; its lease columns are left as they are. */
  private void upsert(Connection c, JournalEntry entry) throws SQLException {
    if (update(c, entry) == 0) {
      insert(c, entry);
    }
  }

  private int update(Connection c, JournalEntry e) throws SQLException {
    return execute(
        c,
        "UPDATE " + table + " SET account = ?, request_id = ?, state = ?, request = ?, target = ?,"
            + " detail = ?, created_at = ?, updated_at = ? WHERE local_id = ?",
        e);
  }

  private void insert(Connection c, JournalEntry e) throws SQLException {
    execute(
        c,
        "INSERT INTO " + table + " (account, request_id, state, request, target, detail, created_at,"
            + " updated_at, local_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        e);
  }

  /** Runs an UPDATE or INSERT whose nine parameters are the entry's columns, local id last. */
  private static int execute(Connection c, String sql, JournalEntry e) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, e.account());
      s.setString(2, e.requestId().orElse(null));
      s.setString(3, e.state().name());
      s.setString(4, JournalCodec.requestJson(e.request()));
      s.setString(5, e.target().map(Path::toString).orElse(null));
      s.setString(6, e.detail().orElse(null));
      s.setString(7, e.createdAt().toString());
      s.setString(8, e.updatedAt().toString());
      s.setString(9, e.localId());
      return s.executeUpdate();
    }
  }

  @Override
  public List<JournalEntry> entries() {
    List<JournalEntry> entries = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table);
        ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        entries.add(
            new JournalEntry(
                rows.getString("local_id"),
                rows.getString("account"),
                Optional.ofNullable(rows.getString("request_id")),
                JournalEntry.State.valueOf(rows.getString("state")),
                JournalCodec.request(rows.getString("request")),
                Optional.ofNullable(rows.getString("target")).map(Path::of),
                Optional.ofNullable(rows.getString("detail")),
                Instant.parse(rows.getString("created_at")),
                Instant.parse(rows.getString("updated_at"))));
      }
    } catch (SQLException | IOException | RuntimeException e) {
      throw new JournalException("Cannot read the journal table " + table + ": " + e.getMessage(), null, e);
    }
    // In the order they were first recorded, as the contract says.
    entries.sort(Comparator.comparing(JournalEntry::createdAt).thenComparing(JournalEntry::localId));
    return entries;
  }

  @Override
  public String toString() {
    return "JdbcSubmissionJournal{table=" + table + "}";
  }
}
