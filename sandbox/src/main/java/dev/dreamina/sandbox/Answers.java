package dev.dreamina.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's JSON answers: the documented shapes, or with answer variety, job by job, the other
 * shapes RunComfy's own clients accept. Uses a mapper of its own: the sandbox needs nothing of the
 * SDK but its public API.
 */
final class Answers {
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  static final String MODEL_ID = RunComfySandbox.MODEL_ID;

  /** Each state's spellings: the documented one first, then those RunComfy's clients accept. */
  private static final Map<String, List<String>> SPELLINGS =
      Map.of(
          "in_queue", List.of("in_queue", "pending", "waiting"),
          "in_progress", List.of("in_progress", "processing", "starting"),
          "completed", List.of("completed", "succeeded"),
          "cancelled", List.of("cancelled", "canceled"),
          "failed", List.of("failed"));

  /** The video's content types; empty for none at all. */
  static final List<String> VIDEO_TYPES =
      List.of("video/mp4", "binary/octet-stream", "application/octet-stream", "");

  /** Sent or left out, in turn. */
  private static final List<Boolean> SENT_OR_NOT = List.of(true, false);

  private final URI baseUrl;
  private final BigDecimal basePrice;
  private final String priceUnit;
  private final boolean answerVariety;

  Answers(URI baseUrl, BigDecimal basePrice, String priceUnit, boolean answerVariety) {
    this.baseUrl = baseUrl;
    this.basePrice = basePrice;
    this.priceUnit = priceUnit;
    this.answerVariety = answerVariety;
  }

  ObjectNode submitted(String id) {
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("request_id", id);
    answer.put("status_url", requestUrl(id, "status"));
    answer.put("result_url", requestUrl(id, "result"));
    answer.put("cancel_url", requestUrl(id, "cancel"));
    return answer;
  }

  ObjectNode price() {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("model_id", MODEL_ID);
    body.put("base_price_usd", basePrice);
    body.put("price_unit", priceUnit);
    body.put("pricing_note", "Sandbox price: nothing is charged.");
    return body;
  }

  /** A new answer about a job: its {@code request_id} (left out in turn when varied) and status. */
  private ObjectNode about(Job job, String status) {
    ObjectNode body = MAPPER.createObjectNode();
    if (job.pick(SENT_OR_NOT)) {
      body.put("request_id", job.id);
    }
    body.put("status", job.pick(SPELLINGS.get(status)));
    return body;
  }

  ObjectNode status(Job job) {
    Job.State state = job.state();
    ObjectNode body = about(job, state.status());
    if (state.queuePosition() > 0) {
      if (job.pick(SENT_OR_NOT)) {
        body.put("queue_position", state.queuePosition());
      } else {
        body.put("queue_position", (double) state.queuePosition()); // 2.0
      }
    }
    body.put("status_url", requestUrl(job.id, "status"));
    body.put("result_url", requestUrl(job.id, "result"));
    if (answerVariety) {
      body.put("instance_id", "sandbox-" + job.number);
    }
    return body;
  }

  ObjectNode result(Job job, boolean includeCost) {
    Job.State state = job.state();
    ObjectNode body = about(job, state.status());
    body.put("model_id", MODEL_ID);
    body.put("created_at", job.createdAt.toString());
    boolean completed = state.status().equals("completed");
    if (completed) {
      output(job, body.putObject("output"));
    } else if (answerVariety) {
      body.set("output", job.pick(List.<JsonNode>of(MAPPER.createArrayNode(), MAPPER.getNodeFactory().textNode(""))));
    }
    if (answerVariety) {
      body.putObject("metadata").put("sandbox", true).put("variant", job.number);
    }
    if (state.status().equals("failed")) {
      body.put("error", job.failure());
    }
    if (completed || state.status().equals("failed")) {
      body.put("finished_at", job.createdAt.plus(job.duration()).toString());
    }
    if (includeCost && completed) {
      body.put("cost", cost(job));
    }
    return body;
  }

  /**
   * A completed job's outputs: {@code output.video}, or when varied in turn {@code output.videos}
   * with one URL next to an {@code images} list of objects, or {@code output.video} next to an
   * {@code image} that is not a URL; the URL itself carries, in turn, a pre-signed-looking query
   * with a {@code |} and a space that {@link URI} does not accept as they are.
   */
  private void output(Job job, ObjectNode output) {
    String url =
        baseUrl + "/files/" + job.id + "/output.mp4"
            + job.pick(List.of("", "?X-Amz-Signature=sandbox|" + job.number + "&X-Note=a b"));
    switch (job.pick(List.of(0, 1, 2))) {
      case 1 -> {
        output.putArray("videos").add(url);
        output.putArray("images").addObject().put("url", baseUrl + "/files/" + job.id + "/thumb.png");
      }
      case 2 -> {
        output.put("video", url);
        output.put("image", 0);
        output.putObject("thumbnail").put("width", 640);
      }
      default -> output.put("video", url);
    }
  }

  /** The configured price times the video's seconds when priced per second, else the price. */
  private BigDecimal cost(Job job) {
    if (!priceUnit.equals("second")) {
      return basePrice;
    }
    return basePrice.multiply(BigDecimal.valueOf(job.frames == 241 ? 10 : 5));
  }

  /** Cancels a queued job; the answer says so with {@code outcome}, or in turn with its status only. */
  ObjectNode cancel(Job job) {
    String outcome = job.cancelIfQueued() ? "cancelled" : "not_cancellable";
    ObjectNode body = about(job, job.state().status());
    if (job.pick(SENT_OR_NOT)) {
      body.put("outcome", outcome); // else the status says it, as RunComfy's clients infer
    }
    return body;
  }

  /** An error body; {@code errorCode} is one of RunComfy's documented codes, or {@code null}. */
  static ObjectNode error(Integer errorCode, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    if (errorCode != null) {
      body.put("error_code", errorCode);
    }
    body.put("error_message", message);
    return body;
  }

  static ObjectNode validationError(List<ObjectNode> problems) {
    ObjectNode body = error(422001, "Validation Error");
    body.putArray("detail").addAll(problems);
    return body;
  }

  /** The {@code error_code} RunComfy documents for an HTTP status, or {@code null} for none. */
  static Integer documentedCode(int status) {
    return switch (status) {
      case 401 -> 401001;
      case 402 -> 400002;
      case 403 -> 403003;
      case 404 -> 404001;
      case 422 -> 422001;
      case 500 -> 500001;
      default -> null;
    };
  }

  private String requestUrl(String id, String action) {
    return baseUrl + "/v1/requests/" + id + "/" + action;
  }
}
