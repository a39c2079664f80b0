package dev.dreamina.internal;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Status;
import dev.dreamina.Submission;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.JournalException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalEntry.State;
import dev.dreamina.journal.SubmissionJournal;
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
public final class JournalRecorder {
  private static final System.Logger LOG = System.getLogger("dev.dreamina");

  private final SubmissionJournal journal;
  private final String account;
  private final TimeSource time;

  public JournalRecorder(SubmissionJournal journal, String apiToken, TimeSource time) {
    this.journal = journal;
    this.account = journal == null ? "" : account(apiToken);
    this.time = time;
  }

  public boolean enabled() {
    return journal != null;
  }

  /** The first 16 hex digits of the token's SHA-256: tells accounts apart, reveals nothing. */
  public static String account(String apiToken) {
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
  public Recording intent(ImageToVideoRequest request, Path target) {
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
  public final class Recording {
    private JournalEntry entry;

    private Recording(JournalEntry entry) {
      this.entry = entry;
    }

    /** Records how the submit ended: its request id, an unknown outcome, or no job. */
    public void settle(Submission submission, Throwable failure) {
      if (failure == null) {
        update(State.SUBMITTED, submission.requestId(), null);
      } else if (failure instanceof SubmissionUnknownException) {
        update(State.UNKNOWN, null, failure.getMessage());
      } else {
        update(State.NOT_SUBMITTED, null, failure.getMessage());
      }
    }

    private void update(State state, String requestId, String detail) {
      if (entry != null) {
        entry = entry.with(state, requestId, detail, time.now());
        note(entry);
      }
    }
  }

  /**
   * Records how an await ended: completed ({@code failure == null}), or failed or cancelled (a
   * {@link GenerationFailedException}); any other failure says nothing about the job.
   */
  public void ended(String requestId, Throwable failure) {
    if (failure == null) {
      terminal(requestId, Status.COMPLETED, null);
    } else if (failure instanceof GenerationFailedException failed) {
      terminal(requestId, failed.status(), failed.error().orElse(null));
    }
  }

  /** Records a terminal state of a journaled job; jobs not in the journal are left alone. */
  private void terminal(String requestId, Status status, String detail) {
    State state =
        status == Status.COMPLETED ? State.COMPLETED : status == Status.CANCELLED ? State.CANCELLED : State.FAILED;
    byRequestId(requestId)
        .filter(e -> e.state() != State.DOWNLOADED)
        .ifPresent(e -> note(e.with(state, null, detail, time.now())));
  }

  public void downloaded(String requestId) {
    byRequestId(requestId).ifPresent(e -> note(e.with(State.DOWNLOADED, null, null, time.now())));
  }

  public Optional<JournalEntry> byRequestId(String requestId) {
    if (journal == null) {
      return Optional.empty();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && e.requestId().equals(Optional.of(requestId)))
        .findFirst();
  }

  public List<JournalEntry> pending() {
    if (journal == null) {
      return List.of();
    }
    return journal.entries().stream()
        .filter(e -> e.account().equals(account) && !e.finished())
        .sorted(Comparator.comparing(JournalEntry::createdAt))
        .collect(Collectors.toList());
  }

  public void dismiss(String localId) {
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
