package dev.dreamina.internal;

import dev.dreamina.journal.JournalLease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lease owner ids that say where they live, and whether the process behind one still runs.
 *
 * <p>A default id reads {@code host/pid/nonce/boot.pidns.start}: the {@code HOSTNAME} (else {@code
 * host}), the process id, a random suffix (two clients of one process differ), and, where Linux
 * tells them, the first 8 hex digits of the kernel's boot id, the inode of the process's PID
 * namespace and its start time in epoch milliseconds. An owner with the same boot id, PID namespace
 * and host runs on this machine, where its process id means the same process: if no process with
 * that id and start time runs, its leases are nobody's. Any other owner (another machine or
 * container, a reboot, an id the app chose, a machine without {@code /proc}) cannot be checked
 * from here, and its lease is waited out.
 */
public final class LeaseOwners {
  private static final Pattern ID =
      Pattern.compile("(?<host>.+)/(?<pid>\\d{1,10})/[0-9a-f]{6}/(?<boot>[0-9a-f]{8})\\.(?<ns>\\d{1,20})\\.(?<start>\\d{1,15})");

  private static final String HOST = host();

  /** This machine's boot id and this process's PID namespace, "boot.ns"; empty where Linux does not tell them. */
  private static final Optional<String> MACHINE = machine();

  /** When this process started, in epoch milliseconds; empty where the JDK cannot tell. */
  private static final Optional<Long> STARTED = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli);

  private LeaseOwners() {}

  /** What is known of a lease's owner. */
  public enum Liveness {
    /** A process on this machine that runs (this one included). */
    RUNNING_HERE,
    /** A process on this machine that no longer runs: its leases can be taken at once. */
    GONE,
    /** Another machine, or an owner that cannot be checked: its lease is waited out. */
    UNKNOWN
  }

  /** A new owner id for a client of this process. */
  public static String newId() {
    String nonce = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    String id = HOST + "/" + ProcessHandle.current().pid() + "/" + nonce;
    return MACHINE.isPresent() && STARTED.isPresent() ? id + "/" + MACHINE.get() + "." + STARTED.get() : id;
  }

  /**
   * What is known of {@code owner}.
   *
   * @param owner a lease's owner, as stored
   */
  public static Liveness liveness(String owner) {
    return liveness(ID.matcher(owner));
  }

  private static Liveness liveness(Matcher id) {
    if (MACHINE.isEmpty()
        || !id.matches()
        || !id.group("host").equals(HOST)
        || !MACHINE.get().equals(id.group("boot") + "." + id.group("ns"))) {
      return Liveness.UNKNOWN;
    }
    long pid = Long.parseLong(id.group("pid"));
    long start = Long.parseLong(id.group("start"));
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return Liveness.GONE;
    }
    Optional<Instant> started = process.get().info().startInstant();
    return started.isPresent() && started.get().toEpochMilli() != start ? Liveness.GONE : Liveness.RUNNING_HERE;
  }

  /**
   * Who holds a lease, saying only what is known: "process 24529 on this machine (…), still
   * running, until T"; "process 24529 on this machine (…), which no longer runs"; "web-2/31/… until
   * T (on another machine, which cannot be checked from here)"; or, for an id the app chose,
   * "pod-7 until T".
   *
   * @param lease the lease
   */
  public static String describe(JournalLease lease) {
    Matcher id = ID.matcher(lease.owner());
    if (!id.matches()) {
      return lease.owner() + " until " + lease.until();
    }
    String process = "process " + id.group("pid") + " on this machine (" + lease.owner() + ")";
    return switch (liveness(id)) {
      case RUNNING_HERE -> process + ", still running, until " + lease.until();
      case GONE -> process + ", which no longer runs";
      case UNKNOWN -> lease.owner() + " until " + lease.until() + " (on another machine, which cannot be checked from here)";
    };
  }

  private static String host() {
    String host = Optional.ofNullable(System.getenv("HOSTNAME")).map(String::strip).filter(h -> !h.isEmpty()).orElse("host");
    return host.length() > 64 ? host.substring(0, 64) : host;
  }

  private static Optional<String> machine() {
    try {
      String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip().replace("-", "");
      String ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
      if (boot.length() < 8 || ns.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(boot.substring(0, 8).toLowerCase(Locale.ROOT) + "." + ns);
    } catch (IOException | RuntimeException notLinux) {
      return Optional.empty();
    }
  }
}
