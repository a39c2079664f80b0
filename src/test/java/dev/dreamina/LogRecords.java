package dev.dreamina;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one logger receives while it is open; close it to stop listening. */
final class LogRecords extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<String> messages = new ArrayList<>();

  private LogRecords(String name) {
    this.logger = Logger.getLogger(name);
  }

  static LogRecords on(String loggerName) {
    LogRecords records = new LogRecords(loggerName);
    records.logger.addHandler(records);
    return records;
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    messages.add(record.getMessage());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
