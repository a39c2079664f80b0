package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.JournalException;
import dev.dreamina.journal.JournalEntry.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default methods of {@link SubmissionJournal}, on a journal that implements only the two it must. */
class SubmissionJournalDefaultsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final String ACCOUNT = "0123456789abcdef";

  /** A user's own journal: {@code record} and {@code entries}, nothing else. */
  private static final class Minimal implements SubmissionJournal {
    final Map<String, JournalEntry> entries = new LinkedHashMap<>();

    @Override
    public void record(JournalEntry entry) {
      entries.put(entry.localId(), entry);
    }

    @Override
    public List<JournalEntry> entries() {
      return new ArrayList<>(entries.values());
    }
  }

  private static JournalEntry entry(String id, int second, State state, String requestId) {
    Instant at = T0.plusSeconds(second);
    ImageToVideoRequest request = ImageToVideoRequest.builder().prompt("p").imageUrl("https://example.com/a.png").build();
    return new JournalEntry(
        id, ACCOUNT, Optional.ofNullable(requestId), state, request, Optional.of(Path.of("/v/" + id + ".mp4")), Optional.empty(), at, at);
  }

  @Test
  void anIntentNeverReplacesAPaidJobsEntryAndReplacesOneWithNoJob() {
    Minimal journal = new Minimal();
    JournalEntry paid = entry("a", 1, State.SUBMITTED, "req_a");
    JournalEntry refused = entry("b", 2, State.NOT_SUBMITTED, null);
    journal.record(paid);
    journal.record(refused);

    JournalException e =
        assertThrows(JournalException.class, () -> journal.recordLeased(entry("a", 9, State.INTENT, null), "A", T0.plusSeconds(60)));
    assertTrue(e.getMessage().contains("records a job"), e.getMessage());
    assertEquals(paid, journal.entries.get("a"), "the paid job's entry as it was");

    JournalEntry rerun = entry("b", 9, State.INTENT, null);
    journal.recordLeased(rerun, "A", T0.plusSeconds(60));
    assertEquals(rerun, journal.entries.get("b"));
  }

  @Test
  void keyedReadsScanTheEntries() {
    Minimal journal = new Minimal();
    JournalEntry open = entry("a", 2, State.SUBMITTED, "req_a");
    JournalEntry older = entry("c", 1, State.INTENT, null);
    journal.record(open);
    journal.record(entry("b", 3, State.DOWNLOADED, "req_b"));
    journal.record(older);

    assertEquals(Optional.of(open), journal.entry("a"));
    assertEquals(Optional.of(open), journal.byRequestId(ACCOUNT, "req_a"));
    assertEquals(Optional.empty(), journal.byRequestId("ffffffffffffffff", "req_a"));
    assertEquals(List.of(older, open), journal.unfinished(ACCOUNT));
    assertEquals(Optional.empty(), journal.lease("a"));
    assertEquals(0, journal.deleteFinishedBefore(T0.plusSeconds(3600)), "the default deletes nothing");
    assertFalse(journal.recordBatchSettings("/b.csv", "{}"), "the default stores no batch settings, and says so");
    assertEquals(Optional.empty(), journal.batchSettings("/b.csv"));
  }
}
