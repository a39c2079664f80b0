package dev.dreamina.journal;

import dev.dreamina.ImageToVideoRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One of several processes writing the same journal file at once, for {@link
 * FileSubmissionJournalTest}: for each of its jobs an intent, then the submitted state. Arguments:
 * the file, a name for this process, the number of jobs.
 */
public final class JournalFleetChild {
  private JournalFleetChild() {}

  public static void main(String[] args) {
    FileSubmissionJournal journal = FileSubmissionJournal.open(Path.of(args[0]));
    String name = args[1];
    int jobs = Integer.parseInt(args[2]);
    ImageToVideoRequest request =
        ImageToVideoRequest.builder().prompt("a fleet of writers").imageUrl("https://example.com/a.png").build();
    for (int i = 0; i < jobs; i++) {
      Instant now = Instant.now();
      JournalEntry intent =
          new JournalEntry(name + "-" + i, "acct", Optional.empty(), JournalEntry.State.INTENT,
              request, Optional.empty(), Optional.empty(), now, now);
      journal.record(intent);
      journal.record(intent.with(JournalEntry.State.SUBMITTED, "req_" + name + "_" + i, null, Instant.now()));
    }
  }
}
