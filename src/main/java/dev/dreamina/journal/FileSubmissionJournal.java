package dev.dreamina.journal;

import dev.dreamina.errors.JournalException;
import dev.dreamina.internal.JournalCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SubmissionJournal} kept in one JSON file at a path you choose.
 *
 * <ul>
 *   <li>Every write is atomic: the whole journal goes to a temp file beside it ({@code
 *       .<name>.tmp}), is forced to disk, and is moved over the old file. A process killed
 *       mid-write leaves the old file, whole; the next write reuses the temp file.
 *   <li>Safe across threads of one process (one lock; no two processes should share a file).
 *   <li>Entries are keyed by their local id and hold no secret: the account is a hash of the token.
 *   <li>Finished entries beyond {@code maxFinished} (default {@value #DEFAULT_MAX_FINISHED}) are
 *       pruned, oldest first; unfinished ones are never pruned.
 *   <li>A file that exists but cannot be read is never overwritten: {@link #open} fails instead.
 * </ul>
 */
public final class FileSubmissionJournal implements SubmissionJournal {
  /** How many finished entries are kept by default. */
  public static final int DEFAULT_MAX_FINISHED = 1000;

  /**
   * Runs between the two halves of a write, when set: the crash test halts the JVM here, so that
   * it dies with a write half done. Never set outside tests.
   */
  static volatile Runnable halfWritten;

  private final Path file;
  private final int maxFinished;
  private final ReentrantLock lock = new ReentrantLock(); // not synchronized: no pinned virtual threads
  private final Map<String, JournalEntry> entries = new LinkedHashMap<>();

  private FileSubmissionJournal(Path file, int maxFinished) {
    this.file = file;
    this.maxFinished = maxFinished;
  }

  /**
   * Opens the journal at {@code file}, reading it when it exists. The file and its directory are
   * created on the first write.
   *
   * @param file the journal file, for example {@code ~/.dreamina/journal.json}
   * @return the journal
   * @throws JournalException when the file exists but cannot be read as a journal
   */
  public static FileSubmissionJournal open(Path file) {
    return open(file, DEFAULT_MAX_FINISHED);
  }

  /**
   * Opens the journal at {@code file}, keeping at most {@code maxFinished} finished entries.
   *
   * @param file the journal file
   * @param maxFinished 0 or more
   * @return the journal
   * @throws JournalException when the file exists but cannot be read as a journal
   */
  public static FileSubmissionJournal open(Path file, int maxFinished) {
    Objects.requireNonNull(file, "file == null");
    if (maxFinished < 0) {
      throw new IllegalArgumentException("maxFinished < 0: " + maxFinished);
    }
    FileSubmissionJournal journal = new FileSubmissionJournal(file.toAbsolutePath(), maxFinished);
    journal.load();
    return journal;
  }

  private void load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new JournalException("Cannot read the journal " + file + ": " + e, null, e);
    }
    try {
      for (JournalEntry entry : JournalCodec.read(bytes)) {
        entries.put(entry.localId(), entry);
      }
    } catch (IOException e) {
      throw new JournalException(
          "The journal " + file + " is not readable (" + e.getMessage()
              + "). It was left untouched; move it aside to start a new one.",
          null,
          e);
    }
  }

  /**
   * The journal file.
   *
   * @return its absolute path
   */
  public Path file() {
    return file;
  }

  @Override
  public void record(JournalEntry entry) {
    Objects.requireNonNull(entry, "entry == null");
    lock.lock();
    try {
      Map<String, JournalEntry> before = new LinkedHashMap<>(entries);
      entries.put(entry.localId(), entry);
      prune();
      try {
        write();
      } catch (IOException e) {
        entries.clear();
        entries.putAll(before);
        throw new JournalException(
            "Cannot write the journal " + file + ": " + e, entry.requestId().orElse(null), e);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<JournalEntry> entries() {
    lock.lock();
    try {
      return List.copyOf(entries.values());
    } finally {
      lock.unlock();
    }
  }

  private void prune() {
    long finished = entries.values().stream().filter(JournalEntry::finished).count();
    var oldestFirst = entries.values().iterator();
    while (finished > maxFinished && oldestFirst.hasNext()) {
      if (oldestFirst.next().finished()) {
        oldestFirst.remove();
        finished--;
      }
    }
  }

  private void write() throws IOException {
    byte[] bytes = JournalCodec.write(new ArrayList<>(entries.values()));
    Path dir = file.getParent();
    Files.createDirectories(dir);
    // One fixed temp name: the next write reuses what a killed writer left, and opening the
    // journal never has to delete anything (which could race with a live writer).
    Path temp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(channel, ByteBuffer.wrap(bytes, 0, bytes.length / 2));
        Runnable crash = halfWritten;
        if (crash != null) {
          channel.force(true);
          crash.run();
        }
        writeFully(channel, ByteBuffer.wrap(bytes, bytes.length / 2, bytes.length - bytes.length / 2));
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public String toString() {
    return "FileSubmissionJournal{file=" + file + "}";
  }
}
