package dev.dreamina.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.batch.BatchItem;
import dev.dreamina.errors.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A batch file: CSV with the header {@code prompt,image_url,frames,seed,output,key} (RFC 4180
 * quoting; columns in any order, all but prompt and image_url optional), or JSON Lines with the
 * same field names. A row's {@code key} is its idempotency key: one paid job per key, whatever
 * batch or run it is in; two rows may not share one. Every row is validated before anything is paid; bad rows are reported with their line
 * numbers. A column or field the batch does not know is an error (a misspelt {@code seed} would
 * otherwise pay for a video without its seed), with a hint when it is close to a known one. A
 * leading UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped; line breaks inside quoted
 * fields are kept as written, CRLF included. An {@code image_url} without {@code ://} is a local
 * image file, relative to the batch file's folder, which the client publishes to {@code
 * --image-host}.
 */
final class BatchFile {
  /** A valid row: its line number (the batch key), request, output path and idempotency key, if given. */
  record Row(int line, ImageToVideoRequest request, String output, String idempotencyKey) {
    String key() {
      return "line " + line;
    }
  }

  /** What the file holds: the valid rows and one message per problem, by line. */
  record Parsed(List<Row> rows, List<String> problems) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The columns and fields a batch file may name. */
  static final List<String> FIELDS = List.of("prompt", "image_url", "frames", "seed", "output", "key");

  private BatchFile() {}

  static Parsed read(Path file) throws IOException {
    String text = Files.readString(file);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a UTF-8 byte-order mark, as Excel writes "CSV UTF-8"
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean jsonLines =
        name.endsWith(".jsonl") || name.endsWith(".ndjson") || text.stripLeading().startsWith("{");
    Path base = file.toAbsolutePath().getParent();
    return jsonLines ? jsonLines(text.split("\r?\n", -1), base) : csv(text, base);
  }

  /** "unknown column seeed (did you mean seed?)", for a name no batch file may use. */
  static String unknown(String what, String name) {
    String hint =
        FIELDS.stream()
            .filter(known -> distance(known, name.toLowerCase(Locale.ROOT)) <= 2)
            .findFirst()
            .map(known -> " (did you mean " + known + "?)")
            .orElse("");
    return "unknown " + what + " " + name + hint + "; the known ones are " + String.join(", ", FIELDS);
  }

  /** Levenshtein distance: edits (insert, delete, replace) from one to the other. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Parsed jsonLines(String[] lines, Path base) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      int line = i + 1;
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(lines[i]);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        problems.add("line " + line + ": not JSON: " + e.getOriginalMessage());
        continue;
      }
      if (!node.isObject()) {
        problems.add("line " + line + ": not a JSON object with the fields " + String.join(", ", FIELDS));
        continue;
      }
      List<String> unknownFields = new ArrayList<>();
      node.fieldNames().forEachRemaining(f -> {
        if (!FIELDS.contains(f)) {
          unknownFields.add(unknown("field", f));
        }
      });
      if (!unknownFields.isEmpty()) {
        unknownFields.forEach(u -> problems.add("line " + line + ": " + u));
        continue;
      }
      row(base, line, text(node, "prompt"), text(node, "image_url"), text(node, "frames"), text(node, "seed"), text(node, "output"),
          text(node, "key"), rows, problems);
    }
    return keysOnce(new Parsed(rows, problems));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Parsed csv(String text, Path base) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<List<String>> records = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    // Records may span lines inside quotes: parse the whole text, remembering where each begins.
    parse(text, records, starts);
    if (records.isEmpty()) {
      problems.add("line 1: the file is empty; expected the header prompt,image_url,frames,seed,output,key");
      return new Parsed(rows, problems);
    }
    List<String> header = records.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i);
      if (!FIELDS.contains(column)) {
        problems.add("line 1: " + unknown("column", column));
      } else if (header.indexOf(column) != i) {
        problems.add("line 1: the column " + column + " is named twice");
      }
    }
    if (!header.contains("prompt") || !header.contains("image_url")) {
      problems.add("line 1: the header must name prompt and image_url (and may name frames, seed, output): " + header);
    }
    if (!problems.isEmpty()) {
      return new Parsed(rows, problems);
    }
    for (int r = 1; r < records.size(); r++) {
      List<String> fields = records.get(r);
      int line = starts.get(r);
      if (fields.size() == 1 && fields.get(0).isBlank()) {
        continue;
      }
      if (fields.size() > header.size()) {
        problems.add("line " + line + ": " + fields.size() + " fields, but the header has " + header.size());
        continue;
      }
      row(base, line, field(header, fields, "prompt"), field(header, fields, "image_url"), field(header, fields, "frames"),
          field(header, fields, "seed"), field(header, fields, "output"), field(header, fields, "key"), rows, problems);
    }
    return keysOnce(new Parsed(rows, problems));
  }

  /** A problem for each row whose idempotency key an earlier row has: one key, one job, one row. */
  private static Parsed keysOnce(Parsed parsed) {
    Map<String, Integer> firstLine = new HashMap<>();
    List<String> problems = new ArrayList<>(parsed.problems());
    for (Row row : parsed.rows()) {
      if (row.idempotencyKey() != null) {
        Integer first = firstLine.putIfAbsent(row.idempotencyKey(), row.line());
        if (first != null) {
          problems.add("line " + row.line() + ": key " + row.idempotencyKey() + " is line " + first + "'s too; a key names one job");
        }
      }
    }
    return new Parsed(parsed.rows(), problems);
  }

  private static String field(List<String> header, List<String> fields, String name) {
    int i = header.indexOf(name);
    if (i < 0 || i >= fields.size() || fields.get(i).isBlank()) {
      return null;
    }
    return fields.get(i);
  }

  /**
   * RFC 4180: fields separated by commas; a field that starts with a double quote runs to the
   * closing one, "" inside it being a quote, commas and line breaks included.
   */
  private static void parse(String text, List<List<String>> records, List<Integer> starts) {
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    int line = 1;
    int recordLine = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') {
            line++;
          }
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true; // a quote opens a quoted field only at its start; elsewhere it is text
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        starts.add(recordLine);
        record = new ArrayList<>();
        line++;
        recordLine = line;
      } else if (c != '\r' || i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
        field.append(c); // a CR outside quotes is dropped only as half of a CRLF line end
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
      starts.add(recordLine);
    }
  }

  private static void row(
      Path base, int line, String prompt, String imageUrl, String frames, String seed, String output, String key, List<Row> rows,
      List<String> problems) {
    ImageToVideoRequest.Builder request = ImageToVideoRequest.builder();
    List<String> mine = new ArrayList<>();
    if (prompt != null) {
      request.prompt(prompt);
    }
    if (imageUrl != null && !imageUrl.contains("://") && !imageUrl.isBlank()) {
      Path local = base.resolve(imageUrl.strip()); // a local image, relative to the batch file
      request.imageFile(local);
      if (!Files.isRegularFile(local)) {
        mine.add("image_url: no such file: " + local);
      }
    } else if (imageUrl != null) {
      request.imageUrl(imageUrl.strip());
    }
    if (frames != null) {
      try {
        request.frames(Integer.parseInt(frames.strip()));
      } catch (NumberFormatException e) {
        mine.add("frames: not a whole number: " + frames);
      }
    }
    if (seed != null) {
      try {
        request.seed(Integer.parseInt(seed.strip()));
      } catch (NumberFormatException e) {
        mine.add("seed: not a whole number: " + seed);
      }
    }
    String idempotencyKey = key == null || key.isBlank() ? null : key.strip();
    try {
      ImageToVideoRequest built = request.build();
      if (idempotencyKey != null) {
        try {
          BatchItem.of("line " + line, built).withIdempotencyKey(idempotencyKey); // checked as the SDK checks it
        } catch (IllegalArgumentException e) {
          mine.add("key: " + e.getMessage());
        }
      }
      if (mine.isEmpty()) {
        rows.add(new Row(line, built, output == null ? null : output.strip(), idempotencyKey));
      }
    } catch (InvalidRequestException e) {
      e.violations().forEach(v -> mine.add(v.field() + ": " + v.message()));
    }
    mine.forEach(m -> problems.add("line " + line + ": " + m));
  }
}
