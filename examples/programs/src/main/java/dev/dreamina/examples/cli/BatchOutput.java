package dev.dreamina.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dreamina.batch.BatchOutcome;
import dev.dreamina.batch.BatchProgress;
import dev.dreamina.batch.BatchReport;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** What {@code dreamina batch} prints and writes: its progress bar, each outcome's line, the report file. */
final class BatchOutput {
  private BatchOutput() {}

  static String bar(BatchProgress p) {
    return String.format(
        Locale.ROOT,
        "done %d/%d  running %d  queued %d  failed %d  %s USD  %s  ETA %s   ",
        p.done(), p.total(), p.running(), p.queued(), p.failed(), p.spendCommitted().toPlainString(),
        clock(p.elapsed()), p.remaining().map(BatchOutput::clock).orElse("--:--"));
  }

  static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  static String line(BatchOutcome o) {
    return o.key() + ": " + o.kind().name().toLowerCase(Locale.ROOT)
        + o.requestId().map(id -> " " + id).orElse("")
        + o.file().map(f -> " -> " + f).orElse("")
        + o.detail().map(d -> " (" + d + ")").orElse("");
  }

  /** One row per outcome: line, outcome, request_id, file, cost, detail. */
  static void writeReport(BatchReport done, Path report) throws IOException {
    if (report.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      StringBuilder csv = new StringBuilder("line,outcome,request_id,file,cost,detail\n");
      for (BatchOutcome o : done.outcomes()) {
        csv.append(o.key().substring("line ".length())).append(',')
            .append(o.kind().name().toLowerCase(Locale.ROOT)).append(',')
            .append(o.requestId().orElse("")).append(',')
            .append(quote(o.file().map(Path::toString).orElse(""))).append(',')
            .append(o.cost().map(BigDecimal::toPlainString).orElse("")).append(',')
            .append(quote(o.detail().orElse(""))).append('\n');
      }
      Files.writeString(report, csv);
      return;
    }
    ObjectMapper json = new ObjectMapper();
    ArrayNode rows = json.createArrayNode();
    for (BatchOutcome o : done.outcomes()) {
      ObjectNode row = rows.addObject();
      row.put("line", Integer.parseInt(o.key().substring("line ".length())));
      row.put("outcome", o.kind().name().toLowerCase(Locale.ROOT));
      o.requestId().ifPresentOrElse(id -> row.put("request_id", id), () -> row.putNull("request_id"));
      o.file().ifPresentOrElse(f -> row.put("file", f.toString()), () -> row.putNull("file"));
      o.cost().ifPresentOrElse(c -> row.put("cost", c), () -> row.putNull("cost"));
      o.detail().ifPresentOrElse(d -> row.put("detail", d), () -> row.putNull("detail"));
    }
    json.writerWithDefaultPrettyPrinter().writeValue(report.toFile(), rows);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
