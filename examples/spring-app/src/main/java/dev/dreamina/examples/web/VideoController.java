package dev.dreamina.examples.web;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /videos} submits a job; {@code GET /videos/{id}} tells its status, and its video when done. */
@RestController
class VideoController {
  private final DreaminaClient client;

  VideoController(DreaminaClient client) {
    this.client = client;
  }

  /** What a caller posts; frames and seed are optional. */
  record VideoOrder(String prompt, String imageUrl, Integer frames, Integer seed) {}

  @PostMapping("/videos")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> submit(@RequestBody VideoOrder order) {
    ImageToVideoRequest.Builder request = ImageToVideoRequest.builder().prompt(order.prompt()).imageUrl(order.imageUrl());
    if (order.frames() != null) {
      request.frames(order.frames());
    }
    if (order.seed() != null) {
      request.seed(order.seed());
    }
    // build() validates every rule at once; InvalidRequestException becomes a 400 (ApiErrors).
    return Map.of("requestId", client.submit(request.build()).requestId());
  }

  @GetMapping("/videos/{id}")
  Map<String, Object> status(@PathVariable String id) {
    RequestStatus status = client.status(id);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", id);
    body.put("status", status.status().name());
    status.queuePosition().ifPresent(position -> body.put("queuePosition", position));
    if (status.status() == Status.COMPLETED) {
      RequestResult result = client.result(id);
      result.videoUrl().ifPresent(url -> body.put("video", url.toString()));
    }
    return body;
  }
}
