package dev.dreamina.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.journal.JournalEntry;
import dev.dreamina.journal.JournalLease;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal file's JSON: {@code {"version":1,"entries":[...],"leases":{...},"batches":{...},
 * "spend":{...},"charges":{...}}}, one object per job, the leases held, by local id, the settings
 * stored for batches, by batch id, what each budget window committed, by {@code account|window},
 * and each job's charges, by local id then window (all but {@code "entries"} may be absent: none).
 */
public final class JournalCodec {
  private static final int VERSION = 1;

  private JournalCodec() {}

  /** What a journal file holds. */
  public record Contents(
      List<JournalEntry> entries,
      Map<String, JournalLease> leases,
      Map<String, String> batches,
      Map<String, BigDecimal> spend,
      Map<String, Map<String, BigDecimal>> charges) {}

  /**
   * @param spend what each budget window committed, by {@code account|window}
   * @param charges what each job charged, by local id, then window
   */
  public static byte[] write(
      Collection<JournalEntry> entries,
      Map<String, JournalLease> leases,
      Map<String, String> batches,
      Map<String, BigDecimal> spend,
      Map<String, Map<String, BigDecimal>> charges)
      throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("version", VERSION);
    ArrayNode list = root.putArray("entries");
    for (JournalEntry e : entries) {
      ObjectNode node = list.addObject();
      node.put("local_id", e.localId());
      node.put("account", e.account());
      e.requestId().ifPresent(id -> node.put("request_id", id));
      node.put("state", e.state().name());
      node.set("request", Json.requestNode(e.request()));
      e.target().ifPresent(t -> node.put("target", t.toString()));
      e.detail().ifPresent(d -> node.put("detail", d));
      node.put("created_at", e.createdAt().toString());
      node.put("updated_at", e.updatedAt().toString());
      e.idempotencyKey().ifPresent(k -> node.put("idempotency_key", k));
    }
    ObjectNode leaseNodes = root.putObject("leases");
    leases.forEach(
        (localId, lease) ->
            leaseNodes.putObject(localId).put("owner", lease.owner()).put("until", lease.until().toString()));
    if (!batches.isEmpty()) {
      ObjectNode batchNodes = root.putObject("batches");
      batches.forEach(batchNodes::put);
    }
    if (!spend.isEmpty()) {
      ObjectNode spendNodes = root.putObject("spend");
      spend.forEach((window, committed) -> spendNodes.put(window, committed.toPlainString()));
    }
    if (!charges.isEmpty()) {
      ObjectNode chargeNodes = root.putObject("charges");
      charges.forEach((localId, byWindow) -> {
        ObjectNode node = chargeNodes.putObject(localId);
        byWindow.forEach((window, amount) -> node.put(window, amount.toPlainString()));
      });
    }
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  /**
   * @throws IOException when the bytes are not a journal this version can read
   */
  public static Contents read(byte[] bytes) throws IOException {
    JsonNode root = Json.parse(bytes);
    if (root.path("version").asInt(-1) != VERSION || !root.path("entries").isArray()) {
      throw new IOException("not a version " + VERSION + " journal");
    }
    List<JournalEntry> entries = new ArrayList<>();
    for (JsonNode node : root.get("entries")) {
      try {
        entries.add(
            new JournalEntry(
                node.get("local_id").textValue(),
                node.get("account").textValue(),
                text(node, "request_id"),
                JournalEntry.State.valueOf(node.get("state").textValue()),
                Json.request(node.get("request")),
                text(node, "target").map(Path::of),
                text(node, "detail"),
                Instant.parse(node.get("created_at").textValue()),
                Instant.parse(node.get("updated_at").textValue()),
                text(node, "idempotency_key")));
      } catch (RuntimeException broken) {
        throw new IOException("a journal entry is unreadable: " + broken.getMessage() + ": " + node, broken);
      }
    }
    Map<String, JournalLease> leases = new HashMap<>();
    for (var field : (Iterable<Map.Entry<String, JsonNode>>) () -> root.path("leases").fields()) {
      JsonNode node = field.getValue();
      try {
        leases.put(field.getKey(), new JournalLease(node.get("owner").textValue(), Instant.parse(node.get("until").textValue())));
      } catch (RuntimeException broken) {
        throw new IOException("a lease is unreadable: " + broken.getMessage() + ": " + node, broken);
      }
    }
    Map<String, String> batches = new LinkedHashMap<>();
    for (var field : (Iterable<Map.Entry<String, JsonNode>>) () -> root.path("batches").fields()) {
      if (!field.getValue().isTextual()) {
        throw new IOException("a batch's settings are unreadable: " + field.getValue());
      }
      batches.put(field.getKey(), field.getValue().textValue());
    }
    Map<String, BigDecimal> spend = new HashMap<>();
    Map<String, Map<String, BigDecimal>> charges = new HashMap<>();
    try {
      for (var field : (Iterable<Map.Entry<String, JsonNode>>) () -> root.path("spend").fields()) {
        spend.put(field.getKey(), new BigDecimal(field.getValue().textValue()));
      }
      for (var field : (Iterable<Map.Entry<String, JsonNode>>) () -> root.path("charges").fields()) {
        Map<String, BigDecimal> byWindow = new HashMap<>();
        for (var charge : (Iterable<Map.Entry<String, JsonNode>>) () -> field.getValue().fields()) {
          byWindow.put(charge.getKey(), new BigDecimal(charge.getValue().textValue()));
        }
        charges.put(field.getKey(), byWindow);
      }
    } catch (RuntimeException broken) {
      throw new IOException("the budgets' ledger is unreadable: " + broken.getMessage(), broken);
    }
    return new Contents(entries, leases, batches, spend, charges);
  }

  /** A request as JSON text, in the wire's shape: what the database journal stores. */
  public static String requestJson(ImageToVideoRequest request) {
    return Json.text(Json.requestNode(request));
  }

  /**
   * Reads back what {@link #requestJson} wrote.
   *
   * @throws IOException when it is not a request this SDK can read
   */
  public static ImageToVideoRequest request(String json) throws IOException {
    try {
      return Json.request(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    } catch (RuntimeException broken) {
      throw new IOException("a stored request is unreadable: " + broken.getMessage(), broken);
    }
  }

  private static Optional<String> text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.textValue());
  }
}
