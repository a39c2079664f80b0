package dev.dreamina.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** Test helpers for {@link JdbcSubmissionJournal}s. */
public final class JdbcJournals {
  private JdbcJournals() {}

  /**
   * Time passes on the database's clock, for its leases: every lease in the table ends {@code by}
   * earlier, which is the same to every lease decision (each compares a lease's end with the
   * database's time) as the database's clock running {@code by} ahead.
   */
  public static void ageLeases(DataSource dataSource, Duration by) {
    ageLeases(dataSource, JdbcSubmissionJournal.DEFAULT_TABLE, by);
  }

  /** {@link #ageLeases(DataSource, Duration)} on a named table. */
  public static void ageLeases(DataSource dataSource, String table, Duration by) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("UPDATE " + table + " SET lease_until = lease_until - ? WHERE lease_until IS NOT NULL")) {
      s.setLong(1, by.toMillis());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
