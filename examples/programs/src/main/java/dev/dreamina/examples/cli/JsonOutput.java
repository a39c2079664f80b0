package dev.dreamina.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalLease;
import dev.dreamina.journal.RecoveryReport;
import dev.dreamina.journal.SpendWindow;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code --json} output of {@code status}, {@code result}, {@code pending} and {@code resume}:
 * one JSON document on stdout, snake_case names as the API's, absent values as {@code null}, for
 * scripts ({@code jq}). Nothing else goes to stdout then.
 */
final class JsonOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonOutput() {}

  static String status(RequestStatus status) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("request_id", status.requestId());
    node.put("status", status.rawStatus());
    if (status.queuePosition().isPresent()) {
      node.put("queue_position", status.queuePosition().getAsInt());
    } else {
      node.putNull("queue_position");
    }
    return write(node);
  }

  static String result(RequestResult result) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("request_id", result.requestId());
    node.put("status", result.rawStatus());
    node.put("video_url", result.videoUrl().map(Object::toString).orElse(null));
    node.put("cost", result.cost().orElse(null));
    node.put("error", result.error().orElse(null));
    return write(node);
  }

  /** Each unfinished entry with its lease as the journal has it. */
  static String pending(List<JournalEntry> entries, Function<String, Optional<JournalLease>> leaseOf) {
    ArrayNode array = MAPPER.createArrayNode();
    for (JournalEntry entry : entries) {
      ObjectNode node = entry(array.addObject(), entry);
      lease(node, leaseOf.apply(entry.localId()));
    }
    return write(array);
  }

  /** Each budget's current window: what it committed across the fleet, and what is left. */
  static String spend(List<SpendWindow> windows) {
    ArrayNode array = MAPPER.createArrayNode();
    for (SpendWindow w : windows) {
      ObjectNode node = array.addObject();
      node.put("budget", w.budget().toString());
      node.put("period", w.budget().period().name().toLowerCase(Locale.ROOT));
      node.put("limit", w.budget().limit());
      node.put("window", w.window());
      node.put("committed", w.committed());
      node.put("remaining", w.remaining());
    }
    return write(array);
  }

  /** A recovery pass: each item's outcome, entry and, for a held one, its lease. */
  static String recovery(RecoveryReport report) {
    ArrayNode array = MAPPER.createArrayNode();
    for (RecoveryReport.Item item : report.items()) {
      ObjectNode node = entry(array.addObject(), item.entry());
      node.put("outcome", item.outcome().name().toLowerCase(Locale.ROOT));
      node.put("detail", item.detail().orElse(null));
      lease(node, item.lease());
    }
    return write(array);
  }

  private static ObjectNode entry(ObjectNode node, JournalEntry entry) {
    node.put("local_id", entry.localId());
    node.put("request_id", entry.requestId().orElse(null));
    node.put("state", entry.state().name().toLowerCase(Locale.ROOT));
    node.put("created_at", entry.createdAt().toString());
    node.put("target", entry.target().map(Object::toString).orElse(null));
    return node;
  }

  private static void lease(ObjectNode node, Optional<JournalLease> lease) {
    if (lease.isEmpty()) {
      node.putNull("lease");
      return;
    }
    ObjectNode held = node.putObject("lease");
    held.put("owner", lease.get().owner());
    held.put("until", lease.get().until().toString());
  }

  private static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
