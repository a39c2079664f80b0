package dev.dreamina.examples.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The CLI's DataSource for {@code --journal jdbc:…}: a new connection from the driver each time (a
 * command runs a handful of statements, so no pool). The user name and password come only from
 * {@value #USER} and {@value #PASSWORD}, never from the command line, where shell history and
 * {@code ps} would show them.
 */
final class JdbcUrlDataSource implements DataSource {
  static final String USER = "DREAMINA_JOURNAL_USER";
  static final String PASSWORD = "DREAMINA_JOURNAL_PASSWORD";

  private final String url;
  private final String user;
  private final String password;

  private JdbcUrlDataSource(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * @throws IllegalArgumentException when the URL carries a password
   */
  static JdbcUrlDataSource of(String url, Map<String, String> env) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.contains("password=") || lower.matches("jdbc:[a-z0-9]+://[^/@]*:[^/@]*@.*")) {
      throw new IllegalArgumentException(
          "--journal must not carry a password: set " + PASSWORD + " (and " + USER + ") in the environment instead");
    }
    return new JdbcUrlDataSource(url, env.get(USER), env.get(PASSWORD));
  }

  @Override
  public Connection getConnection() throws SQLException {
    return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  /** The URL, which holds no password. */
  @Override
  public String toString() {
    return url;
  }
}
