package dev.dreamina.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.errors.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A batch file: CSV with the header {@code prompt,image_url,frames,seed,output} (RFC 4180 quoting;
 * columns in any order, all but prompt and image_url optional), or JSON Lines with the same field
 * names. Every row is validated before anything is paid; bad rows are reported with their line
 * numbers.
 */
final class BatchFile {
  /** A valid row: its line number (the batch key), request and output path, if given. */
  record Row(int line, ImageToVideoRequest request, String output) {
    String key() {
      return "line " + line;
    }
  }

  /** What the file holds: the valid rows and one message per problem, by line. */
  record Parsed(List<Row> rows, List<String> problems) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchFile() {}

  static Parsed read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean jsonLines =
        name.endsWith(".jsonl") || name.endsWith(".ndjson")
            || lines.stream().filter(l -> !l.isBlank()).findFirst().map(l -> l.strip().startsWith("{")).orElse(false);
    return jsonLines ? jsonLines(lines) : csv(lines);
  }

  private static Parsed jsonLines(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int line = i + 1;
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(lines.get(i));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        problems.add("line " + line + ": not JSON: " + e.getOriginalMessage());
        continue;
      }
      row(line, text(node, "prompt"), text(node, "image_url"), text(node, "frames"), text(node, "seed"), text(node, "output"), rows, problems);
    }
    return new Parsed(rows, problems);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Parsed csv(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<List<String>> records = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    // Records may span lines inside quotes: parse the whole text, remembering where each begins.
    parse(String.join("\n", lines), records, starts);
    if (records.isEmpty()) {
      problems.add("line 1: the file is empty; expected the header prompt,image_url,frames,seed,output");
      return new Parsed(rows, problems);
    }
    List<String> header = records.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    if (!header.contains("prompt") || !header.contains("image_url")) {
      problems.add("line 1: the header must name prompt and image_url (and may name frames, seed, output): " + header);
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
      row(line, field(header, fields, "prompt"), field(header, fields, "image_url"), field(header, fields, "frames"),
          field(header, fields, "seed"), field(header, fields, "output"), rows, problems);
    }
    return new Parsed(rows, problems);
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
      } else if (c != '\r') {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
      starts.add(recordLine);
    }
  }

  private static void row(
      int line, String prompt, String imageUrl, String frames, String seed, String output, List<Row> rows, List<String> problems) {
    ImageToVideoRequest.Builder request = ImageToVideoRequest.builder();
    List<String> mine = new ArrayList<>();
    if (prompt != null) {
      request.prompt(prompt);
    }
    if (imageUrl != null) {
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
    try {
      ImageToVideoRequest built = request.build();
      if (mine.isEmpty()) {
        rows.add(new Row(line, built, output == null ? null : output.strip()));
      }
    } catch (InvalidRequestException e) {
      e.violations().forEach(v -> mine.add(v.field() + ": " + v.message()));
    }
    mine.forEach(m -> problems.add("line " + line + ": " + m));
  }
}
