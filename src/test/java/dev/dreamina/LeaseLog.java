package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.SubmissionJournal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared journal, logging each lease taken (after the database granted it) and each lease
 * given up (before the database is told), so that in the log a job's holder always lets go
 * before the next one takes it, if the database did its job.
 */
final class LeaseLog implements SubmissionJournal {
  record Event(String localId, String owner, boolean taken, Instant now, Instant until) {}

  private final SubmissionJournal journal;
  private final List<Event> events = new ArrayList<>();

  LeaseLog(SubmissionJournal journal) {
    this.journal = journal;
  }

  @Override
  public void record(JournalEntry entry) {
    journal.record(entry);
  }

  @Override
  public List<JournalEntry> entries() {
    return journal.entries();
  }

  @Override
  public boolean claim(String localId, String owner, Instant now, Instant until) {
    boolean taken = journal.claim(localId, owner, now, until);
    if (taken) {
      add(new Event(localId, owner, true, now, until));
    }
    return taken;
  }

  /** A renewal is logged as a taking, since it extends the holder's lease. */
  @Override
  public boolean renew(String localId, String owner, Instant now, Instant until) {
    boolean renewed = journal.renew(localId, owner, now, until);
    if (renewed) {
      add(new Event(localId, owner, true, now, until));
    }
    return renewed;
  }

  /** Logged as a taking, as {@link #claim} is. */
  @Override
  public boolean takeOver(String localId, String owner, JournalLease theirs, Instant now, Instant until) {
    boolean taken = journal.takeOver(localId, owner, theirs, now, until);
    if (taken) {
      add(new Event(localId, owner, true, now, until));
    }
    return taken;
  }

  @Override
  public boolean recordHeld(JournalEntry entry, String owner) {
    return journal.recordHeld(entry, owner);
  }

  @Override
  public Optional<Instant> clock() {
    return journal.clock();
  }

  @Override
  public void recordLeased(JournalEntry entry, String owner, Instant until) {
    journal.recordLeased(entry, owner, until);
    add(new Event(entry.localId(), owner, true, entry.updatedAt(), until));
  }

  @Override
  public Optional<JournalEntry> entry(String localId) {
    return journal.entry(localId);
  }

  @Override
  public Optional<JournalEntry> byRequestId(String account, String requestId) {
    return journal.byRequestId(account, requestId);
  }

  @Override
  public List<JournalEntry> unfinished(String account) {
    return journal.unfinished(account);
  }

  @Override
  public Optional<JournalLease> lease(String localId) {
    return journal.lease(localId);
  }

  @Override
  public void release(String localId, String owner) {
    add(new Event(localId, owner, false, null, null));
    journal.release(localId, owner);
  }

  private synchronized void add(Event event) {
    events.add(event);
  }

  synchronized List<Event> claims() {
    return events.stream().filter(Event::taken).toList();
  }

  /** When each job's lease taken by {@code owner} ends, as last renewed. */
  synchronized Map<String, Instant> untilByJob(String owner) {
    Map<String, Instant> until = new HashMap<>();
    events.stream().filter(e -> e.taken() && e.owner().equals(owner)).forEach(e -> until.put(e.localId(), e.until()));
    return until;
  }

  /**
   * Walks the log: a lease taken by someone other than the job's holder is a double hold,
   * unless the holder gave it up first or its lease had run out (A's, never given up).
   */
  synchronized void assertNoJobHeldByTwoAtOnce() {
    Map<String, Event> holder = new HashMap<>();
    for (Event e : events) {
      Event current = holder.get(e.localId());
      if (!e.taken()) {
        if (current != null && current.owner().equals(e.owner())) {
          holder.remove(e.localId());
        }
        continue;
      }
      if (current != null && !current.owner().equals(e.owner())) {
        assertFalse(
            e.now().isBefore(current.until()),
            e.owner() + " took " + e.localId() + " while " + current.owner() + " held it until " + current.until());
      }
      holder.put(e.localId(), e);
    }
  }
}
