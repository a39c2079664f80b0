package dev.dreamina.spring;

import dev.dreamina.DreaminaClient;
import dev.dreamina.journal.JournalEntry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The actuator endpoint {@code dreamina}: the journal's unfinished jobs of the client's account.
 * Never the token; the prompts only with {@code dreamina.endpoint.show-prompts=true}.
 */
@Endpoint(id = "dreamina")
public class DreaminaEndpoint {
  private final DreaminaClient client;
  private final boolean showPrompts;

  DreaminaEndpoint(DreaminaClient client, boolean showPrompts) {
    this.client = client;
    this.showPrompts = showPrompts;
  }

  /**
   * The pending jobs.
   *
   * @return {@code {"pending": [...]}}, oldest first
   */
  @ReadOperation
  public Map<String, Object> pending() {
    List<Map<String, Object>> jobs = client.pending().stream().map(this::describe).toList();
    return Map.of("pending", jobs);
  }

  private Map<String, Object> describe(JournalEntry e) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("localId", e.localId());
    job.put("requestId", e.requestId().orElse(null));
    job.put("state", e.state().name());
    job.put("target", e.target().map(Path::toString).orElse(null));
    job.put("detail", e.detail().orElse(null));
    job.put("createdAt", e.createdAt().toString());
    job.put("updatedAt", e.updatedAt().toString());
    if (showPrompts) {
      job.put("prompt", e.request().prompt());
    }
    return job;
  }
}
