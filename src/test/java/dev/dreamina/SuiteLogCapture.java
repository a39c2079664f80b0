package dev.dreamina;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures every log record of the SDK, OkHttp, MockWebServer and Hibernate Validator, at every
 * level, for the whole test run, so {@link SecretsTest} (ordered last) can check that the token
 * is in none of them. Registered for every test class through {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} and {@code
 * junit-platform.properties}.
 */
public final class SuiteLogCapture implements BeforeAllCallback {
  private static final List<String> LINES = new ArrayList<>();
  // Strong references: JUL forgets the level of a logger nobody holds.
  private static final List<Logger> LOGGERS = new ArrayList<>();

  static {
    Handler handler =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            String line = record.getLevel() + " " + record.getLoggerName() + " " + formatter.formatMessage(record);
            if (record.getThrown() != null) {
              line += " " + record.getThrown();
            }
            synchronized (LINES) {
              LINES.add(line);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    for (String name : List.of("dev.dreamina", "okhttp3", "mockwebserver3", "org.hibernate.validator")) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.ALL);
      logger.addHandler(handler);
      LOGGERS.add(logger);
    }
    // At ALL the wire log is on at debug for every test (its lines are read here, headers and
    // bodies included); they are INFO records, which the console would print: captured only.
    Logger wire = Logger.getLogger(WireLog.LOGGER);
    wire.setUseParentHandlers(false);
    wire.addHandler(handler);
    LOGGERS.add(wire);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Loading this class installed the capture; nothing more to do per class.
  }

  /** Every line captured so far. */
  static List<String> lines() {
    synchronized (LINES) {
      return List.copyOf(LINES);
    }
  }
}
