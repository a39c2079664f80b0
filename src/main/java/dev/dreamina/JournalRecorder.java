package dev.dreamina;

import dev.dreamina.JournalEntry.State;
import dev.dreamina.internal.TimeSource;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the client writes to its {@link SubmissionJournal}, and reads back. Before a submit a
 * failed write throws, so nothing is submitted; after one it is logged at WARNING instead, since
 * the job exists and its caller must still get its request id.
 */
final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;

  JournalRecorder(SubmissionJournal journal, String apiToken, TimeSource time) {
    this.journal = journal;
    this.account = journal == null ? "" : account(apiToken);
    this.time = time;
  }

  boolean enabled() {
    return journal != null;
  }

  /** The first 16 hex digits of the token's SHA-256: tells accounts apart, reveals nothing. */
  static String account(String apiToken) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(apiToken.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Records the intent to submit.
   *
   * @throws JournalException when it cannot be written; then nothing may be submitted
   */
  Recording intent(ImageToVideoRequest request, Path target) {
    if (journal == null) {
      return new Recording(null);
    }
    var now = time.now();
    JournalEntry entry =
        new JournalEntry(
            UUID.randomUUID().toString(),
            account,
            Optional.empty(),
            State.INTENT,
            request,
            Optional.ofNullable(target).map(Path::toAbsolutePath),
            Optional.empty(),
            now,
            now);
    try {
      journal.record(entry);
    } catch (RuntimeException e) {
      throw new JournalException(
          "Not submitted: the journal cannot record the job, so a crash could lose it. " + e.getMessage(),
          null,
          e);
    }
    return new Recording(entry);
  }

  /** One submit's entry, updated as its outcome becomes known. */
  final class Recording {
    private JournalEntry entry;

    private Recording(JournalEntry entry) {
      this.entry = entry;
    }

    void submitted(String requestId) {
      update(State.SUBMITTED, requestId, null);
    }

    void unknown(String detail) {
      update(State.UNKNOWN, null, detail);
    }

    void notSubmitted(String detail) {
      update(State.NOT_SUBMITTED, null, detail);
    }

    private void update(State state, String requestId, String detail) {
      if (entry != null) {
        entry = entry.with(state, requestId, detail, time.now());
        note(entry);
      }
    }
  }

  /** Records a terminal state of a journaled job; jobs not in the journal are left alone. */
  void terminal(String requestId, Status status, String detail) {
    State state =
        status == Status.COMPLETED ? State.COMPLETED : status == Status.CANCELLED ? State.CANCELLED : State.FAILED;
    byRequestId(requestId)
        .filter(e -> e.state() != State.DOWNLOADED)
        .ifPresent(e -> note(e.with(state, null, detail, time.now())));
  }

  void downloaded(String requestId) {
    byRequestId(requestId).ifPresent(e -> note(e.with(State.DOWNLOADED, null, null, time.now())));
  }

  Optional<JournalEntry> byRequestId(String requestId) {
    if (journal == null) {
      return Optional.empty();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && e.requestId().equals(Optional.of(requestId)))
        .findFirst();
  }

  List<JournalEntry> pending() {
    if (journal == null) {
      return List.of();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && !e.finished())
        .sorted(Comparator.comparing(JournalEntry::createdAt))
        .collect(Collectors.toList());
  }

  void dismiss(String localId) {
    JournalEntry entry =
        journal == null
            ? null
            : journal.entries().stream()
                .filter(e -> e.account().equals(account) && e.localId().equals(localId))
                .findFirst()
                .orElse(null);
    if (entry == null) {
      throw new IllegalArgumentException("No journal entry with local id " + localId);
    }
    journal.record(entry.with(State.DISMISSED, null, null, time.now()));
  }

  private void note(JournalEntry entry) {
    try {
      journal.record(entry);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Could not record " + entry.state() + " for request "
              + entry.requestId().orElse("(none yet, local id " + entry.localId() + ")")
              + " in the journal: " + e.getMessage());
    }
  }
}
