package dev.dreamina.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.JournalException;
import dev.dreamina.internal.flow.JournalRecorder;
import dev.dreamina.journal.JournalEntry.State;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSubmissionJournalTest {
  private static final String TOKEN = "rc-test-TOKEN-7f3a9c1e5b";

  private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

  @TempDir Path dir;

  private static JournalEntry entry(String localId, State state, Optional<Path> target) {
    ImageToVideoRequest request =
        ImageToVideoRequest.builder()
            .prompt("A slow tracking shot, \"quoted\", ünïcödé 🎬")
            .imageUrl("https://example.com/street.jpg?sig=a%2Fb")
            .frames(241)
            .seed(42)
            .build();
    return new JournalEntry(
        localId, "0123456789abcdef", Optional.of("req_" + localId), state, request, target,
        Optional.of("detail of " + localId), T0, T0.plusSeconds(1));
  }

  @Test
  void entriesSurviveReopeningExactly() {
    Path file = dir.resolve("sub/journal.json");
    FileSubmissionJournal journal = FileSubmissionJournal.open(file);
    List<JournalEntry> written =
        List.of(
            entry("a", State.SUBMITTED, Optional.of(dir.resolve("a.mp4").toAbsolutePath())),
            entry("b", State.UNKNOWN, Optional.empty()),
            entry("c", State.DOWNLOADED, Optional.of(dir.resolve("c.mp4").toAbsolutePath())));
    written.forEach(journal::record);
    journal.record(written.get(0).with(State.COMPLETED, null, null, T0.plusSeconds(9)));

    List<JournalEntry> read = FileSubmissionJournal.open(file).entries();

    assertEquals(3, read.size());
    assertEquals(written.get(0).with(State.COMPLETED, null, null, T0.plusSeconds(9)), read.get(0));
    assertEquals(written.subList(1, 3), read.subList(1, 3));
  }

  @Test
  void aWriterKilledMidWriteLeavesTheOldFileReadable() throws Exception {
    Path file = dir.resolve("journal.json");
    for (int kill = 0; kill < 2; kill++) {
      Process writer =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp", System.getProperty("java.class.path"),
                  JournalWriterChild.class.getName(), file.toString())
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      // Let it write a while, so that the file is large and a write is in flight when it dies.
      int writes = 200 + ThreadLocalRandom.current().nextInt(200);
      for (int seen = 0; seen < writes; ) {
        String line = out.readLine();
        if (line == null) {
          throw new AssertionError("the writer stopped early");
        }
        if (line.startsWith("wrote ")) {
          seen++;
        }
      }
      writer.destroyForcibly();
      writer.waitFor();

      List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();

      assertTrue(entries.size() >= writes, "entries: " + entries.size() + ", writes: " + writes);
      assertEquals(
          entries.size(), entries.stream().map(JournalEntry::localId).distinct().count(), "no duplicates");
    }
    try (var files = Files.list(dir)) {
      List<Path> left = files.sorted().collect(Collectors.toList());
      Path lock = dir.resolve(".journal.json.lock");
      assertTrue(
          List.of(List.of(lock, file), List.of(lock, dir.resolve(".journal.json.tmp"), file)).contains(left),
          "the journal, its lock file, and at most its one temp file, which the next write reuses: " + left);
    }
  }

  /**
   * What a writer killed halfway through a write leaves (the random kills above land there too,
   * now and then): the journal file whole, as before that write, and the half of the next one in
   * the temp file, which is never read, and which the next write replaces.
   */
  @Test
  void aHalfWrittenTempFileIsNeverReadAndTheNextWriteReplacesIt() throws Exception {
    Path file = dir.resolve("journal.json");
    FileSubmissionJournal journal = FileSubmissionJournal.open(file);
    for (int i = 0; i < 50; i++) {
      journal.record(entry("local-" + i, State.SUBMITTED, Optional.empty()));
    }
    byte[] whole = Files.readAllBytes(file);
    Path temp = dir.resolve(".journal.json.tmp");
    Files.write(temp, java.util.Arrays.copyOf(whole, whole.length / 2)); // the 51st write, cut off

    List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();
    assertEquals(50, entries.size(), "the 50 finished writes, and none of the half-done 51st");
    assertEquals("local-49", entries.get(49).localId());

    FileSubmissionJournal.open(file).record(entry("local-50", State.SUBMITTED, Optional.empty()));
    assertEquals(51, FileSubmissionJournal.open(file).entries().size());
    assertFalse(Files.exists(temp), "the temp file was written whole and moved into place");
  }

  @Test
  void anUnreadableFileIsNeverOverwritten() throws Exception {
    Path file = dir.resolve("journal.json");
    byte[] garbage = "{\"version\":1,\"entries\":[{\"local_id\":".getBytes(StandardCharsets.UTF_8);
    Files.write(file, garbage);

    JournalException e = assertThrows(JournalException.class, () -> FileSubmissionJournal.open(file));

    assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
    assertArrayEquals(garbage, Files.readAllBytes(file));
  }

  @Test
  void finishedEntriesArePrunedOldestFirstAndPendingNever() {
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("j.json"), 2);
    journal.record(entry("p1", State.SUBMITTED, Optional.empty()));
    for (int i = 1; i <= 5; i++) {
      journal.record(entry("f" + i, State.FAILED, Optional.empty()));
    }
    journal.record(entry("p2", State.UNKNOWN, Optional.empty()));
    journal.record(entry("p3", State.COMPLETED, Optional.of(dir.resolve("x.mp4"))));

    List<String> kept =
        FileSubmissionJournal.open(dir.resolve("j.json")).entries().stream()
            .map(JournalEntry::localId)
            .collect(Collectors.toList());

    assertEquals(List.of("p1", "f4", "f5", "p2", "p3"), kept);
  }

  @Test
  void recordsFromManyThreadsAreAllKept() throws Exception {
    Path file = dir.resolve("j.json");
    FileSubmissionJournal journal = FileSubmissionJournal.open(file);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String id = "t" + i;
      writes.add(pool.submit(() -> journal.record(entry(id, State.SUBMITTED, Optional.empty()))));
    }
    for (Future<?> write : writes) {
      write.get();
    }
    pool.shutdown();

    assertEquals(400, journal.entries().size());
    assertEquals(400, FileSubmissionJournal.open(file).entries().size());
  }

  @Test
  void eightProcessesWritingOneFileAtOnceLoseNothing() throws Exception {
    Path file = dir.resolve("shared/journal.json");
    int processes = 8;
    int jobs = 25;
    List<Process> writers = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      writers.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp", System.getProperty("java.class.path"),
                  JournalFleetChild.class.getName(), file.toString(), "p" + p, String.valueOf(jobs))
              .redirectErrorStream(true)
              .start());
    }
    // A reader polls the file all the while: it must always read a whole journal.
    int reads = 0;
    while (writers.stream().anyMatch(Process::isAlive)) {
      FileSubmissionJournal.open(file).entries();
      reads++;
    }
    for (Process writer : writers) {
      assertEquals(0, writer.waitFor(), new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    List<JournalEntry> entries = FileSubmissionJournal.open(file).entries();
    assertEquals(processes * jobs, entries.size(), "every job of every process is there");
    assertTrue(entries.stream().allMatch(e -> e.state() == State.SUBMITTED && e.requestId().isPresent()),
        "each with its final state");
    assertTrue(reads > 0);
  }

  @Test
  void aJournalThatCannotBeWrittenSaysSoAndKeepsItsState() throws Exception {
    FileSubmissionJournal journal = FileSubmissionJournal.open(dir.resolve("sub/journal.json"));
    Files.writeString(dir.resolve("sub"), "a file where the journal's directory should be");

    JournalException e =
        assertThrows(JournalException.class, () -> journal.record(entry("a", State.INTENT, Optional.empty())));

    assertTrue(e.getMessage().startsWith("Cannot write the journal"), e.getMessage());
    assertEquals(
        "a file where the journal's directory should be", Files.readString(dir.resolve("sub")), "a failed write changes nothing");
    // Every read is of the file as it is now: it cannot be read there either, and says why.
    JournalException read = assertThrows(JournalException.class, journal::entries);
    assertTrue(read.getMessage().contains("is not a directory"), read.getMessage());
    assertThrows(JournalException.class, () -> FileSubmissionJournal.open(dir.resolve("sub/other.json")));
  }

  @Test
  void theFileHoldsAHashOfTheTokenNeverTheToken() throws Exception {
    String account = JournalRecorder.account(TOKEN);

    assertEquals(16, account.length());
    assertFalse(account.contains("TOKEN"));
    assertEquals(account, JournalRecorder.account(TOKEN), "stable");
    assertFalse(account.equals(JournalRecorder.account(TOKEN + "x")), "tells accounts apart");
  }
}
