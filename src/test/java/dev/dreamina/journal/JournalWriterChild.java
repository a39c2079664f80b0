package dev.dreamina.journal;

import dev.dreamina.ImageToVideoRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** Writes to a journal until it is killed from outside, at a random moment. */
public final class JournalWriterChild {
  private JournalWriterChild() {}

  public static void main(String[] args) {
    FileSubmissionJournal journal = FileSubmissionJournal.open(Path.of(args[0]), 100_000);
    String padding = "a long prompt to make the file big enough to be cut mid-write ".repeat(10);
    for (int i = 0; ; i++) {
      ImageToVideoRequest request =
          ImageToVideoRequest.builder().prompt(padding + i).imageUrl("https://example.com/" + i + ".png").build();
      Instant now = Instant.now();
      journal.record(
          new JournalEntry("local-" + i, "acct", Optional.of("req_" + i), JournalEntry.State.SUBMITTED,
              request, Optional.empty(), Optional.empty(), now, now));
      System.out.println("wrote " + i);
    }
  }
}
