package dev.dreamina.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dreamina.internal.LeaseOwners.Liveness;
import dev.dreamina.journal.JournalLease;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Owner ids that say where they live, read back on this (Linux) machine. */
class LeaseOwnersTest {
  private static final Instant UNTIL = Instant.parse("2026-12-07T12:00:00Z");

  /** host, pid, nonce, "boot.ns.start" of a new id of this process. */
  private static String[] mine() {
    String[] parts = LeaseOwners.newId().split("/");
    assertEquals(4, parts.length, "this machine tells its boot id and PID namespace: " + String.join("/", parts));
    return parts;
  }

  private static String owner(String host, long pid, String machine, long start) {
    return host + "/" + pid + "/abcdef/" + machine + "." + start;
  }

  @Test
  void anIdSaysWhereItLivesAndEachClientGetsItsOwn() {
    String[] id = mine();
    assertEquals(String.valueOf(ProcessHandle.current().pid()), id[1]);
    assertTrue(id[3].matches("[0-9a-f]{8}\\.\\d+\\.\\d+"), id[3]);
    assertNotEquals(LeaseOwners.newId(), LeaseOwners.newId());
    assertTrue(LeaseOwners.newId().length() <= 128, "fits the journal's lease_owner column");
    assertEquals(Liveness.RUNNING_HERE, LeaseOwners.liveness(String.join("/", id)));
  }

  @Test
  void aProcessOfThisMachineThatEndedOrWhoseIdWasReusedIsGone() throws Exception {
    String[] id = mine();
    String machine = id[3].substring(0, id[3].lastIndexOf('.'));
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    assertEquals(Liveness.GONE, LeaseOwners.liveness(owner(id[0], ended.pid(), machine, 1)));

    long myStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
    long me = ProcessHandle.current().pid();
    assertEquals(Liveness.RUNNING_HERE, LeaseOwners.liveness(owner(id[0], me, machine, myStart)));
    assertEquals(Liveness.GONE, LeaseOwners.liveness(owner(id[0], me, machine, myStart - 60_000)), "the id, reused by another process");
  }

  @Test
  void anotherHostBootOrPidNamespaceOrAnIdTheAppChoseCannotBeChecked() {
    String[] id = mine();
    String[] machine = id[3].split("\\.");
    long me = ProcessHandle.current().pid();
    long start = Long.parseLong(machine[2]);
    assertEquals(Liveness.UNKNOWN, LeaseOwners.liveness(owner("another-host", me, machine[0] + "." + machine[1], start)));
    String otherBoot = machine[0].equals("00000000") ? "11111111" : "00000000";
    assertEquals(Liveness.UNKNOWN, LeaseOwners.liveness(owner(id[0], 1, otherBoot + "." + machine[1], start)), "a reboot, or a machine with the same name");
    assertEquals(Liveness.UNKNOWN, LeaseOwners.liveness(owner(id[0], 1, machine[0] + ".1", start)), "another container's PID namespace");
    assertEquals(Liveness.UNKNOWN, LeaseOwners.liveness("pod-7"));
    assertEquals(Liveness.UNKNOWN, LeaseOwners.liveness("host/123/abcdef"), "an id of a machine without /proc");
  }

  @Test
  void theDescriptionSaysOnlyWhatIsKnown() throws Exception {
    String[] id = mine();
    String machine = id[3].substring(0, id[3].lastIndexOf('.'));
    String running = String.join("/", id);
    assertEquals(
        "process " + id[1] + " on this machine (" + running + "), still running, until " + UNTIL,
        LeaseOwners.describe(new JournalLease(running, UNTIL)));
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    String gone = owner(id[0], ended.pid(), machine, 1);
    assertEquals("process " + ended.pid() + " on this machine (" + gone + "), which no longer runs", LeaseOwners.describe(new JournalLease(gone, UNTIL)));
    String remote = owner("web-2", 31, machine, 1);
    assertEquals(remote + " until " + UNTIL + " (on another machine, which cannot be checked from here)", LeaseOwners.describe(new JournalLease(remote, UNTIL)));
    assertEquals("pod-7 until " + UNTIL, LeaseOwners.describe(new JournalLease("pod-7", UNTIL)));
  }
}
