package dev.dreamina.journal;

import dev.dreamina.Budget;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.internal.wire.JournalCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SubmissionJournal} kept in one JSON file at a path you choose.
 *
 * <ul>
 *   <li>Every write is atomic: the whole journal goes to a temp file beside it ({@code
 *       .<name>.tmp}), is forced to disk, and is moved over the old file. A process killed
 *       mid-write leaves the old file, whole; the next write reuses the temp file.
 *   <li>Shared safely by the threads of a process and by processes on one machine: every change
 *       is a read-modify-write under an OS file lock on {@code .<name>.lock} beside the journal,
 *       re-reading the file first, so no writer overwrites what another wrote; reads need no lock.
 *       Leases ({@link #claim}) are kept in the same file, taken under the same lock. Not for a network file system, whose locks are not to be relied on.
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
   * One lock per journal file in this JVM, shared by every instance open on it: the OS lock is
   * per process, and a second lock of the same file from this JVM would throw rather than wait.
   * Not {@code synchronized}: no pinned virtual threads.
   */
  private static final Map<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path lockFile;
  private final int maxFinished;
  private final ReentrantLock lock;
  private final Map<String, JournalEntry> entries = new LinkedHashMap<>();
  private final Map<String, JournalLease> leases = new HashMap<>();
  /** What each budget window committed, by {@code account|window}. */
  private final Map<String, BigDecimal> spend = new HashMap<>();
  /** What each job charged, by local id, then window. */
  private final Map<String, Map<String, BigDecimal>> charges = new HashMap<>();
  /** The settings stored for batches, oldest first; the {@value #MAX_BATCHES} newest are kept. */
  private final Map<String, String> batches = new LinkedHashMap<>();

  private static final int MAX_BATCHES = 100;

  private FileSubmissionJournal(Path file, int maxFinished) {
    this.file = file;
    this.lockFile = file.resolveSibling("." + file.getFileName() + ".lock");
    this.maxFinished = maxFinished;
    this.lock = THREAD_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
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
    journal.entries();
    return journal;
  }

  /** Runs {@code change} holding this JVM's lock of the file, then the OS lock on its lock file. */
  private void locked(IoStep change) throws IOException {
    lock.lock();
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock held = channel.lock(); // released when the channel closes
        change.run();
        held.release();
      }
    } finally {
      lock.unlock();
    }
  }

  @FunctionalInterface
  private interface IoStep {
    void run() throws IOException;
  }

  /** The journal's folder: {@link #open} made the path absolute, so it has one. */
  private Path folder() {
    return Objects.requireNonNull(file.getParent(), "an absolute path has a parent");
  }

  /** Replaces the entries in memory with what the file holds now; call under the lock. */
  private void load() {
    entries.clear();
    leases.clear();
    batches.clear();
    spend.clear();
    charges.clear();
    Path parent = folder();
    if (Files.exists(parent) && !Files.isDirectory(parent)) {
      throw new JournalException("Cannot read the journal " + file + ": " + parent + " is not a directory", null, null);
    }
    if (!Files.exists(file)) {
      return; // not written yet: an empty journal
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new JournalException("Cannot read the journal " + file + ": " + e, null, e);
    }
    try {
      JournalCodec.Contents contents = JournalCodec.read(bytes);
      for (JournalEntry entry : contents.entries()) {
        entries.put(entry.localId(), entry);
      }
      leases.putAll(contents.leases());
      batches.putAll(contents.batches());
      spend.putAll(contents.spend());
      charges.putAll(contents.charges());
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

  /**
   * Records an entry: under the locks, re-reads the file (what other processes wrote stays),
   * replaces or adds this entry, prunes, and writes the whole journal atomically.
   *
   * @throws JournalException when the file cannot be read or written; it is left as it was
   */
  @Override
  public void record(JournalEntry entry) {
    Objects.requireNonNull(entry, "entry == null");
    change(entry.requestId().orElse(null), () -> store(entry));
  }

  /** Under the locks, as {@link #record} does, but only while {@code owner} holds the entry's lease. */
  @Override
  public boolean recordHeld(JournalEntry entry, String owner) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    return change(
        entry.requestId().orElse(null),
        () -> {
          JournalLease lease = leases.get(entry.localId());
          return lease != null && lease.owner().equals(owner) && store(entry);
        });
  }

  /** Under the locks: puts the entry in, unless it would take a downloaded one back to COMPLETED. */
  private boolean store(JournalEntry entry) {
    JournalEntry stored = entries.get(entry.localId());
    if (stored != null && stored.state() == JournalEntry.State.DOWNLOADED && entry.state() == JournalEntry.State.COMPLETED) {
      return false; // a late write of an instance that lost the lease: the video is on disk
    }
    entries.put(entry.localId(), entry);
    if (entry.finished()) {
      leases.remove(entry.localId()); // nobody works on a finished job
    }
    prune();
    return true;
  }

  /**
   * One write of the file: the entry and its lease, or, when the entry it would replace records a
   * job or is leased by another owner, no write at all.
   */
  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until) {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(until, "until == null");
    JournalEntry[] existing = new JournalEntry[1];
    JournalLease[] lease = new JournalLease[1];
    if (!change(null, () -> intent(entry, owner, until, existing, lease))) {
      throw Refusals.refused(entry, existing[0], lease[0]);
    }
  }

  /**
   * Under the locks: puts the intent and its lease in, unless the entry it would replace records a
   * job ({@code existing[0]} says which) or is leased by another owner ({@code lease[0]}).
   */
  private boolean intent(JournalEntry entry, String owner, Instant until, JournalEntry[] existing, JournalLease[] lease) {
    existing[0] = entries.get(entry.localId());
    if (existing[0] != null && !existing[0].madeNoJob()) {
      return false;
    }
    if (!free(entry.localId(), owner, entry.updatedAt())) {
      lease[0] = leases.get(entry.localId());
      return false;
    }
    entries.remove(entry.localId()); // a rerun is recorded anew, as the newest entry
    entries.put(entry.localId(), entry);
    leases.put(entry.localId(), new JournalLease(owner, until));
    prune();
    return true;
  }

  /** Under the locks, after re-reading the file: one read-modify-write of the file. */
  @Override
  public boolean claim(String localId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(owner, "owner == null");
    return change(
        null,
        () -> {
          JournalEntry entry = entries.get(localId);
          if (entry == null || entry.finished() || !free(localId, owner, now)) {
            return false;
          }
          leases.put(localId, new JournalLease(owner, until));
          return true;
        });
  }

  /**
   * One write of the file, under the locks: the intent, as {@link #recordLeased(JournalEntry,
   * String, Instant)} writes it, and the estimate charged to each budget's window (this machine's
   * clock tells which), or, when a window would pass its limit, no write at all.
   */
  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until, List<Budget> budgets, BigDecimal estimate) {
    Objects.requireNonNull(budgets, "budgets == null");
    Objects.requireNonNull(estimate, "estimate == null");
    SpendLimitException[] over = new SpendLimitException[1];
    JournalEntry[] existing = new JournalEntry[1];
    JournalLease[] lease = new JournalLease[1];
    boolean leased =
        change(
            null,
            () -> {
              if (!intent(entry, owner, until, existing, lease)) {
                return false; // what it put in memory is read again from the file by the next step
              }
              Map<String, Budget> windows = Budgets.windows(budgets, Instant.now());
              for (Map.Entry<String, Budget> window : windows.entrySet()) {
                BigDecimal committed = spend.getOrDefault(entry.account() + "|" + window.getKey(), BigDecimal.ZERO);
                if (committed.add(estimate).compareTo(window.getValue().limit()) > 0) {
                  over[0] = Budgets.refused(window.getValue(), window.getKey(), committed, estimate);
                  return false;
                }
              }
              Map<String, BigDecimal> mine = new HashMap<>();
              windows.keySet().forEach(window -> {
                spend.merge(entry.account() + "|" + window, estimate, BigDecimal::add);
                mine.put(window, estimate);
              });
              if (!mine.isEmpty()) {
                charges.put(entry.localId(), mine);
              }
              return true;
            });
    if (over[0] != null) {
      throw over[0];
    }
    if (!leased) {
      throw Refusals.refused(entry, existing[0], lease[0]);
    }
  }

  /** Under the locks: takes the job's charges off their windows, once. */
  @Override
  public void releaseCharges(String localId) {
    Objects.requireNonNull(localId, "localId == null");
    adjustCharges(localId, null);
  }

  /** Under the locks: the real cost replaces the job's estimate in each window it was charged to. */
  @Override
  public void settleCharges(String localId, BigDecimal actual) {
    Objects.requireNonNull(localId, "localId == null");
    Objects.requireNonNull(actual, "actual == null");
    adjustCharges(localId, actual);
  }

  private void adjustCharges(String localId, @Nullable BigDecimal actual) {
    change(
        null,
        () -> {
          Map<String, BigDecimal> mine = charges.get(localId);
          JournalEntry entry = entries.get(localId);
          if (mine == null || entry == null) {
            return false;
          }
          mine.forEach((window, was) ->
              spend.merge(entry.account() + "|" + window, actual == null ? was.negate() : actual.subtract(was), BigDecimal::add));
          if (actual == null) {
            charges.remove(localId);
          } else {
            mine.replaceAll((window, was) -> actual);
          }
          return true;
        });
  }

  /** Under the lock: one read of the file. */
  @Override
  public List<SpendWindow> spend(String account, List<Budget> budgets) {
    Objects.requireNonNull(account, "account == null");
    Objects.requireNonNull(budgets, "budgets == null");
    Instant now = Instant.now();
    lock.lock();
    try {
      load();
      return budgets.stream()
          .map(b -> new SpendWindow(b, b.windowAt(now), spend.getOrDefault(account + "|" + b.windowAt(now), BigDecimal.ZERO)))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** Under the locks: takes the lease while it is nobody's, or still {@code theirs} and ends no later. */
  @Override
  public boolean takeOver(String localId, String owner, JournalLease theirs, Instant now, Instant until) {
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(theirs, "theirs == null");
    return change(
        null,
        () -> {
          JournalEntry entry = entries.get(localId);
          JournalLease lease = leases.get(localId);
          if (entry == null
              || entry.finished()
              || (lease != null && (!lease.owner().equals(theirs.owner()) || lease.until().isAfter(theirs.until())))) {
            return false;
          }
          leases.put(localId, new JournalLease(owner, until));
          return true;
        });
  }

  /** Whether {@code owner} may take the entry's lease: nobody holds it, it ended, or it is theirs. */
  private boolean free(String localId, String owner, Instant now) {
    JournalLease lease = leases.get(localId);
    return lease == null || lease.owner().equals(owner) || !lease.liveAt(now);
  }

  /** Under the locks: extends the lease only while it is {@code owner}'s and live at {@code now}. */
  @Override
  public boolean renew(String localId, String owner, Instant now, Instant until) {
    Objects.requireNonNull(owner, "owner == null");
    return change(
        null,
        () -> {
          JournalLease lease = leases.get(localId);
          if (lease == null || !lease.owner().equals(owner) || !lease.liveAt(now)) {
            return false;
          }
          leases.put(localId, new JournalLease(owner, until));
          return true;
        });
  }

  @Override
  public void release(String localId, String owner) {
    Objects.requireNonNull(owner, "owner == null");
    change(
        null,
        () -> {
          JournalLease lease = leases.get(localId);
          return lease != null && lease.owner().equals(owner) && leases.remove(localId) != null;
        });
  }

  @Override
  public Optional<JournalLease> lease(String localId) {
    lock.lock();
    try {
      load();
      return Optional.ofNullable(leases.get(localId));
    } finally {
      lock.unlock();
    }
  }

  /** Under the locks; besides this, at most {@code maxFinished} finished entries are kept anyway. */
  @Override
  public int deleteFinishedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff == null");
    int[] deleted = new int[1];
    change(
        null,
        () -> {
          deleted[0] = 0;
          var it = entries.values().iterator();
          while (it.hasNext()) {
            JournalEntry e = it.next();
            if (e.finished() && e.updatedAt().isBefore(cutoff)) {
              it.remove();
              deleted[0]++;
            }
          }
          return deleted[0] > 0;
        });
    return deleted[0];
  }

  /**
   * Re-reads the file under the locks, applies {@code change}, and writes the file when it
   * returns {@code true}.
   */
  private boolean change(@Nullable String requestId, Change change) {
    boolean[] changed = new boolean[1];
    try {
      locked(
          () -> {
            load();
            changed[0] = change.apply();
            if (changed[0]) {
              write();
            }
          });
    } catch (IOException e) {
      throw new JournalException("Cannot write the journal " + file + ": " + e, requestId, e);
    }
    return changed[0];
  }

  @FunctionalInterface
  private interface Change {
    boolean apply();
  }

  /**
   * The entries as the file holds them now, other processes' included. Reading needs no OS lock:
   * every write replaces the file atomically, so a reader sees one whole version or another.
   *
   * @throws JournalException when the file cannot be read
   */
  @Override
  public List<JournalEntry> entries() {
    lock.lock();
    try {
      load();
      return List.copyOf(entries.values());
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: one read of the file. */
  @Override
  public Optional<String> batchSettings(String batchId) {
    Objects.requireNonNull(batchId, "batchId == null");
    lock.lock();
    try {
      load();
      return Optional.ofNullable(batches.get(batchId));
    } finally {
      lock.unlock();
    }
  }

  /** Under the locks: one write of the file; the settings of the {@value #MAX_BATCHES} newest batches are kept. */
  @Override
  public boolean recordBatchSettings(String batchId, String settings) {
    Objects.requireNonNull(batchId, "batchId == null");
    Objects.requireNonNull(settings, "settings == null");
    change(
        null,
        () -> {
          batches.remove(batchId); // the newest last
          batches.put(batchId, settings);
          var oldestFirst = batches.keySet().iterator();
          while (batches.size() > MAX_BATCHES) {
            oldestFirst.next();
            oldestFirst.remove();
          }
          return true;
        });
    return true;
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
    leases.keySet().retainAll(entries.keySet()); // pruned entries take their leases along
    charges.keySet().retainAll(entries.keySet()); // and their charges (what they committed stays)
    byte[] bytes = JournalCodec.write(entries.values(), leases, batches, spend, charges);
    Path dir = folder();
    Files.createDirectories(dir);
    // One fixed temp name, safe because only the holder of the OS lock writes it: the next write
    // reuses what a killed writer left, and nothing ever has to be cleaned up.
    Path temp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(channel, ByteBuffer.wrap(bytes));
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
