package dev.dreamina.journal;

import dev.dreamina.Budget;
import dev.dreamina.errors.JournalException;
import dev.dreamina.internal.wire.JournalCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

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
 * ({@link dev.dreamina.DreaminaClient#recover()}) never works one job twice at once. Leases are
 * judged on the database's clock, never an instance's: each statement that takes, renews or checks
 * a lease computes both its end and "now" in SQL ({@code CURRENT_TIMESTAMP}, as epoch
 * milliseconds), and takes from the caller only the lease's length. An instance whose clock runs
 * ahead therefore cannot take a lease that is live, and one whose clock runs behind does not write
 * leases that are already over (ShedLock's {@code usingDbTime()} does the same). {@code
 * lease_until} is epoch milliseconds on the database's clock.
 */
public final class JdbcSubmissionJournal implements SubmissionJournal {
  /** The table used unless another is named. */
  public static final String DEFAULT_TABLE = "dreamina_journal";

  private static final String COLUMNS =
      "local_id, account, request_id, state, request, target, detail, created_at, updated_at, idempotency_key";

  private final DataSource dataSource;
  private final String table;
  private final JdbcLedger ledger;

  private JdbcSubmissionJournal(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
    this.ledger = new JdbcLedger(table);
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
   * @param table the table name: a letter or underscore, then up to 39 letters, digits or
   *     underscores (it goes into SQL, so nothing else is accepted; its index names add up to 18
   *     characters, and PostgreSQL cuts names at 63)
   * @return the journal
   * @throws IllegalArgumentException when the name is not such a name
   */
  public static JdbcSubmissionJournal of(DataSource dataSource, String table) {
    Objects.requireNonNull(dataSource, "dataSource == null");
    return new JdbcSubmissionJournal(dataSource, checkedName(table));
  }

  private static String checkedName(String table) {
    Objects.requireNonNull(table, "table == null");
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,39}")) {
      throw new IllegalArgumentException("table must be [A-Za-z_][A-Za-z0-9_]{0,39}: " + table);
    }
    return table;
  }

  /**
   * The table's DDL, for your migrations: seven statements, separated by {@code ;} and a line
   * break, each {@code IF NOT EXISTS}. Timestamps are ISO-8601 text, exact to the nanosecond on
   * every database; {@code lease_until} is epoch milliseconds, so that it compares in SQL. The two
   * indexes answer the client's reads by request id and of an account's unfinished jobs, so their
   * cost does not grow with the table. The second table, {@code <table>_batches}, holds the
   * settings batch runners store ({@link #recordBatchSettings}); {@code <table>_spend} and {@code
   * <table>_charges}, the budgets' ledger: what each window committed, and what each job charged to
   * it. Run on tables made by an earlier
   * version, it adds what they lack and changes nothing else: after 0.1.0, that is the column
   * {@code idempotency_key} ({@code ALTER TABLE … ADD COLUMN IF NOT EXISTS}). A key needs no index
   * of its own: a keyed entry's local id is derived from its account and key ({@link
   * JournalEntry#keyedLocalId}), so the primary key keeps one entry per account and key.
   *
   * @param table the table name, checked as {@link #of(DataSource, String)} checks it
   * @return the statements
   * @throws IllegalArgumentException when the name is not a table name
   */
  public static String ddl(String table) {
    return String.join(";\n", ddlStatements(checkedName(table)));
  }

  private static List<String> ddlStatements(String table) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + table + " ("
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
            + "lease_until BIGINT, "
            + "idempotency_key VARCHAR(256))",
        "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS idempotency_key VARCHAR(256)",
        "CREATE INDEX IF NOT EXISTS " + table + "_request_id_idx ON " + table + " (request_id)",
        "CREATE INDEX IF NOT EXISTS " + table + "_account_state_idx ON " + table + " (account, state)",
        "CREATE TABLE IF NOT EXISTS " + table + "_batches ("
            + "batch_id VARCHAR(2048) PRIMARY KEY, "
            + "settings VARCHAR NOT NULL, "
            + "updated_at VARCHAR(40) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + table + "_spend ("
            + "account VARCHAR(32) NOT NULL, "
            + "window_id VARCHAR(80) NOT NULL, "
            + "committed DECIMAL(19, 6) NOT NULL, "
            + "PRIMARY KEY (account, window_id))",
        "CREATE TABLE IF NOT EXISTS " + table + "_charges ("
            + "local_id VARCHAR(64) NOT NULL, "
            + "window_id VARCHAR(80) NOT NULL, "
            + "account VARCHAR(32) NOT NULL, "
            + "amount DECIMAL(19, 6) NOT NULL, "
            + "PRIMARY KEY (local_id, window_id))");
  }

  /**
   * Creates the table and its indexes when they do not exist. For tests and small apps; production databases
   * usually create it with their migrations, from {@link #ddl(String)}.
   *
   * @return this journal
   * @throws JournalException when it cannot be created
   */
  public JdbcSubmissionJournal createTableIfMissing() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String statement : ddlStatements(table)) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new JournalException("Cannot create the journal table " + table + ": " + e.getMessage(), null, e);
    }
    return this;
  }

  /** The entry's columns as an {@code UPDATE}'s {@code SET} list. */
  private static final String SET_COLUMNS =
      "account = ?, request_id = ?, state = ?, request = ?, target = ?, detail = ?, created_at = ?,"
          + " updated_at = ?, idempotency_key = ?";

  /** Entries whose job may exist and is not done with: the SQL twin of {@link JournalEntry#finished()}. */
  private static final String UNFINISHED =
      "(state IN ('INTENT', 'SUBMITTED', 'UNKNOWN') OR (state = 'COMPLETED' AND target IS NOT NULL))";

  private static final String FINISHED =
      "(state IN ('NOT_SUBMITTED', 'FAILED', 'CANCELLED', 'DOWNLOADED', 'DISMISSED')"
          + " OR (state = 'COMPLETED' AND target IS NULL))";

  /** The database's time, as epoch milliseconds: what every lease is judged on. PostgreSQL and H2 both take it. */
  private static final String NOW = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

  /** A lease {@code owner} may take now: none, ended, or already theirs. */
  private static final String LEASE_FREE = "(lease_owner IS NULL OR lease_owner = ? OR lease_until <= " + NOW + ")";

  /**
   * One {@code UPDATE} of the entry's row, or an {@code INSERT} when it has none. The lease is left
   * as it is, unless the entry is finished: then the same {@code UPDATE} clears it. A {@code
   * COMPLETED} entry updates the row only if it is not {@code DOWNLOADED}; when that leaves no row
   * changed, a keyed read tells a missing row (inserted) from a downloaded one (left as it is).
   */
  @Override
  public void record(JournalEntry entry) {
    Objects.requireNonNull(entry, "entry == null");
    String lease = entry.finished() ? ", lease_owner = NULL, lease_until = NULL" : "";
    boolean completed = entry.state() == JournalEntry.State.COMPLETED;
    String notBack = completed ? " AND state <> 'DOWNLOADED'" : "";
    inTransaction(
        "write to",
        entry.requestId().orElse(null),
        c -> {
          if (write(c, "UPDATE " + table + " SET " + SET_COLUMNS + lease + " WHERE local_id = ?" + notBack, entry) == 0
              && !(completed && exists(c, entry.localId()))) {
            write(c, "INSERT INTO " + table + " (" + INSERT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)", entry);
          }
          return true; // a value, not null: the step's result is not used
        });
  }

  /**
   * One {@code UPDATE} of the entry's row with its lease holder in the {@code WHERE} (and, for a
   * {@code COMPLETED} entry, a row not {@code DOWNLOADED}); a finished entry's clears the lease.
   */
  @Override
  public boolean recordHeld(JournalEntry entry, String owner) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    String lease = entry.finished() ? ", lease_owner = NULL, lease_until = NULL" : "";
    String notBack = entry.state() == JournalEntry.State.COMPLETED ? " AND state <> 'DOWNLOADED'" : "";
    return inTransaction(
        "write to",
        entry.requestId().orElse(null),
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE " + table + " SET " + SET_COLUMNS + lease + " WHERE local_id = ? AND lease_owner = ?" + notBack)) {
            int i = bindColumns(s, entry);
            s.setString(++i, entry.localId());
            s.setString(++i, owner);
            return s.executeUpdate() == 1;
          }
        });
  }

  private boolean exists(Connection c, String localId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE local_id = ?")) {
      s.setString(1, localId);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static final String INSERT_COLUMNS =
      "account, request_id, state, request, target, detail, created_at, updated_at, idempotency_key, local_id, lease_owner,"
          + " lease_until";

  /**
   * All or nothing, and in one statement either way: an {@code UPDATE} that replaces the row
   * only when it {@link JournalEntry#madeNoJob() made no job} and its lease is free, or an {@code
   * INSERT} of the row with its lease. When the row exists and may not be replaced, the {@code
   * INSERT} breaks the key and the transaction is rolled back: nothing is written. The lease lasts
   * {@code until − entry.updatedAt()} from the database's time.
   */
  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(until, "until == null");
    long length = lengthMillis(entry.updatedAt(), until);
    if (!inTransaction("write to", null, c -> writeIntent(c, entry, owner, length))) {
      throw refusal(entry);
    }
  }

  /**
   * The intent as {@link #recordLeased(JournalEntry, String, Instant)} writes it, then, in the
   * same transaction, the estimate charged to each budget's window (the database's clock tells
   * which): an {@code UPDATE} of the window's row in {@code <table>_spend} whose {@code WHERE}
   * keeps it within the limit (or an {@code INSERT} of the window's first row), and a row in
   * {@code <table>_charges} that remembers it for the job. Either refusal rolls everything back.
   * Two instances inserting one window's first row at once: the one that loses tries again.
   */
  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until, List<Budget> budgets, BigDecimal estimate) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(budgets, "budgets == null");
    Objects.requireNonNull(estimate, "estimate == null");
    long length = lengthMillis(entry.updatedAt(), until);
    for (int attempt = 1; ; attempt++) {
      JdbcLedger.Charged charged =
          inTransaction(
              "write to",
              null,
              c -> {
                if (!writeIntent(c, entry, owner, length)) {
                  return JdbcLedger.Charged.REFUSED_INTENT;
                }
                JdbcLedger.Charged result = ledger.charge(c, entry, budgets, estimate);
                if (result != JdbcLedger.Charged.OK) {
                  c.rollback();
                }
                return result;
              });
      switch (charged.kind()) {
        case OK -> {
          return;
        }
        case REFUSED_INTENT -> throw refusal(entry);
        case OVER ->
            throw Budgets.refused(
                Objects.requireNonNull(charged.budget()), Objects.requireNonNull(charged.window()),
                Objects.requireNonNull(charged.committed()), estimate);
        case RACED -> {
          if (attempt >= 5) {
            throw new JournalException("Cannot write to the journal table " + table + "_spend: its window row kept changing", null, null);
          }
        }
      }
    }
  }

  /**
   * Gives back what the job's charges committed, in one transaction: each charge row is deleted,
   * and only a row this call deleted is taken off its window, so that two instances releasing one
   * job give it back once.
   */
  @Override
  public void releaseCharges(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    adjustCharges("give back a charge in", localId, null);
  }

  /** The real cost replaces each charge's estimate, each row changed only from the amount read, in one transaction. */
  @Override
  public void settleCharges(String localId, BigDecimal actual) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(actual, "actual == null");
    adjustCharges("settle a charge in", localId, actual);
  }

  /** Releases ({@code actual == null}) or settles the job's charges, in one transaction. */
  private void adjustCharges(String what, String localId, @Nullable BigDecimal actual) {
    inTransaction(what, null, c -> ledger.adjust(c, localId, actual));
  }

  /** The database's time, then one keyed read of the windows' rows. */
  @Override
  public List<SpendWindow> spend(String account, List<Budget> budgets) {
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(budgets, "budgets == null");
    return inTransaction("read", null, c -> ledger.spend(c, account, budgets));
  }

  /** Writes the intent in {@code c}'s transaction: {@code false}, rolled back, when the entry may not be replaced. */
  private boolean writeIntent(Connection c, JournalEntry entry, String owner, long length) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE " + table + " SET " + SET_COLUMNS + ", lease_owner = ?, lease_until = " + NOW + " + ?"
                + " WHERE local_id = ? AND state IN ('NOT_SUBMITTED', 'DISMISSED') AND " + LEASE_FREE)) {
      int i = bindColumns(s, entry);
      s.setString(++i, owner);
      s.setLong(++i, length);
      s.setString(++i, entry.localId());
      s.setString(++i, owner);
      if (s.executeUpdate() == 1) {
        return true;
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO " + table + " (" + INSERT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + NOW + " + ?)")) {
      int i = bindColumns(s, entry);
      s.setString(++i, entry.localId());
      s.setString(++i, owner);
      s.setLong(++i, length);
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        c.rollback();
        return false; // the key is taken: the row exists and may not be replaced
      }
      throw e;
    }
  }

  private JournalException refusal(JournalEntry entry) {
    JournalEntry existing = entry(entry.localId()).orElse(entry);
    return Refusals.refused(entry, existing, existing.madeNoJob() ? lease(entry.localId()).orElse(null) : null);
  }

  /**
   * One {@code UPDATE} of the entry's row that succeeds only when the entry is unfinished and its
   * lease is free, ended, or {@code owner}'s: the database's row lock makes it atomic between
   * instances. "Ended" is on the database's clock, and the new lease lasts {@code until − now}
   * from it.
   */
  @Override
  public boolean claim(String localId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(owner, "owner == null");
    return leaseUpdate("take a lease in", UNFINISHED + " AND " + LEASE_FREE, localId, owner, lengthMillis(now, until), owner);
  }

  /** One {@code UPDATE} with the owner and a lease live on the database's clock in its {@code WHERE}. */
  @Override
  public boolean renew(String localId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(owner, "owner == null");
    return leaseUpdate("renew a lease in", "(lease_owner = ? AND lease_until > " + NOW + ")", localId, owner, lengthMillis(now, until), owner);
  }

  /**
   * One {@code UPDATE} with that very lease (its owner, ending no later than it did), or none, in
   * its {@code WHERE}.
   */
  @Override
  public boolean takeOver(String localId, String owner, JournalLease theirs, Instant now, Instant until) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(theirs, "theirs == null");
    return leaseUpdate(
        "take a lease in",
        UNFINISHED + " AND (lease_owner IS NULL OR (lease_owner = ? AND lease_until <= ?))",
        localId,
        owner,
        lengthMillis(now, until),
        theirs.owner(),
        theirs.until().toEpochMilli());
  }

  /**
   * {@code UPDATE … SET lease_owner = owner, lease_until = NOW + length WHERE local_id = ? AND
   * condition}, with the condition's own parameters (text, or epoch milliseconds) bound after.
   */
  private boolean leaseUpdate(String what, String condition, String localId, String owner, long length, Object... params) {
    return inTransaction(
        what,
        null,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE " + table + " SET lease_owner = ?, lease_until = " + NOW + " + ? WHERE local_id = ? AND " + condition)) {
            s.setString(1, owner);
            s.setLong(2, length);
            s.setString(3, localId);
            for (int i = 0; i < params.length; i++) {
              if (params[i] instanceof Long millis) {
                s.setLong(4 + i, millis);
              } else {
                s.setString(4 + i, (String) params[i]);
              }
            }
            return s.executeUpdate() == 1;
          }
        });
  }

  /** A lease's length in milliseconds, from the caller's two times: all the database takes from its clock. */
  private static long lengthMillis(Instant now, Instant until) {
    Objects.requireNonNull(now, "now == null");
    Objects.requireNonNull(until, "until == null");
    return Math.max(0, until.toEpochMilli() - now.toEpochMilli());
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

  /**
   * One {@code DELETE}. Timestamps are compared as text, so the cutoff is taken down to a whole
   * second, less one: an entry up to two seconds older than {@code cutoff} may stay until the
   * next pass, and none younger is deleted.
   */
  @Override
  public int deleteFinishedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff == null");
    String before = cutoff.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1).toString();
    return inTransaction(
        "delete from",
        null,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE " + FINISHED + " AND updated_at < ?")) {
            s.setString(1, before);
            return s.executeUpdate();
          }
        });
  }

  @FunctionalInterface
  private interface SqlStep<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code step} in one transaction, committed before it returns, or rolled back. */
  private <T> T inTransaction(String what, @Nullable String requestId, SqlStep<T> step) {
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

  /** Runs an UPDATE or INSERT whose first ten parameters are the entry's columns, local id last. */
  private static int write(Connection c, String sql, JournalEntry e) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(bindColumns(s, e) + 1, e.localId());
      return s.executeUpdate();
    }
  }

  /** Binds the entry's nine columns but its local id, in {@link #SET_COLUMNS}' order; returns 9. */
  private static int bindColumns(PreparedStatement s, JournalEntry e) throws SQLException {
    s.setString(1, e.account());
    s.setString(2, e.requestId().orElse(null));
    s.setString(3, e.state().name());
    s.setString(4, JournalCodec.requestJson(e.request()));
    s.setString(5, e.target().map(Path::toString).orElse(null));
    s.setString(6, e.detail().orElse(null));
    s.setString(7, e.createdAt().toString());
    s.setString(8, e.updatedAt().toString());
    s.setString(9, e.idempotencyKey().orElse(null));
    return 9;
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public List<JournalEntry> entries() {
    List<JournalEntry> entries = select("", s -> {});
    // In the order they were first recorded, as the contract says.
    entries.sort(Comparator.comparing(JournalEntry::createdAt).thenComparing(JournalEntry::localId));
    return entries;
  }

  /** By the primary key. */
  @Override
  public Optional<JournalEntry> entry(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    return select(" WHERE local_id = ?", s -> s.setString(1, localId)).stream().findFirst();
  }

  /** Through the index on {@code request_id}. */
  @Override
  public Optional<JournalEntry> byRequestId(String account, String requestId) {
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(requestId, "requestId == null");
    return select(
            " WHERE request_id = ? AND account = ?",
            s -> {
              s.setString(1, requestId);
              s.setString(2, account);
            })
        .stream()
        .findFirst();
  }

  /** Through the index on {@code (account, state)}. */
  @Override
  public List<JournalEntry> unfinished(String account) {
    Objects.requireNonNull(account, "account == null");
    List<JournalEntry> entries = select(" WHERE account = ? AND " + UNFINISHED, s -> s.setString(1, account));
    entries.sort(Comparator.comparing(JournalEntry::createdAt).thenComparing(JournalEntry::localId));
    return entries;
  }

  @Override
  public Optional<JournalLease> lease(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT lease_owner, lease_until FROM " + table + " WHERE local_id = ?")) {
      s.setString(1, localId);
      try (ResultSet rows = s.executeQuery()) {
        if (!rows.next() || rows.getString(1) == null) {
          return Optional.empty();
        }
        return Optional.of(new JournalLease(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2))));
      }
    } catch (SQLException e) {
      throw new JournalException("Cannot read the journal table " + table + ": " + e.getMessage(), null, e);
    }
  }

  /** {@code SELECT CURRENT_TIMESTAMP}: the database's clock, which every instance shares. */
  @Override
  public Optional<Instant> clock() {
    try (Connection c = dataSource.getConnection()) {
      return Optional.of(JdbcLedger.databaseTime(c));
    } catch (SQLException | RuntimeException e) {
      throw new JournalException("Cannot read the database's clock: " + e.getMessage(), null, e);
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  /** {@code SELECT} the entry columns, with {@code where} appended and bound by {@code binder}. */
  private List<JournalEntry> select(String where, Binder binder) {
    List<JournalEntry> entries = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + where)) {
      binder.bind(s);
      try (ResultSet rows = s.executeQuery()) {
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
                  Instant.parse(rows.getString("updated_at")),
                  Optional.ofNullable(rows.getString("idempotency_key"))));
        }
      }
    } catch (SQLException | IOException | RuntimeException e) {
      throw new JournalException("Cannot read the journal table " + table + ": " + e.getMessage(), null, e);
    }
    return entries;
  }

  /** By the primary key of {@code <table>_batches}. */
  @Override
  public Optional<String> batchSettings(String batchId) {
    Objects.requireNonNull(batchId, "batchId == null");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT settings FROM " + table + "_batches WHERE batch_id = ?")) {
      s.setString(1, batchId);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new JournalException("Cannot read the journal table " + table + "_batches: " + e.getMessage(), null, e);
    }
  }

  /** An {@code UPDATE} of the batch's row, or an {@code INSERT} when it has none, in one transaction. */
  @Override
  public boolean recordBatchSettings(String batchId, String settings) {
    Objects.requireNonNull(batchId, "batchId == null");
    Objects.requireNonNull(settings, "settings == null");
    String now = Instant.now().toString();
    inTransaction(
        "write batch settings to",
        null,
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("UPDATE " + table + "_batches SET settings = ?, updated_at = ? WHERE batch_id = ?")) {
            update.setString(1, settings);
            update.setString(2, now);
            update.setString(3, batchId);
            if (update.executeUpdate() > 0) {
              return true; // a value, not null: the step's result is not used
            }
          }
          try (PreparedStatement insert =
              c.prepareStatement("INSERT INTO " + table + "_batches (batch_id, settings, updated_at) VALUES (?, ?, ?)")) {
            insert.setString(1, batchId);
            insert.setString(2, settings);
            insert.setString(3, now);
            insert.executeUpdate();
          }
          return true; // a value, not null: the step's result is not used
        });
    return true;
  }

  @Override
  public String toString() {
    return "JdbcSubmissionJournal{table=" + table + "}";
  }
}
