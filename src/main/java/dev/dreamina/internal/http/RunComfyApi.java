package dev.dreamina.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dreamina.CancelResult;
import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Price;
import dev.dreamina.RequestResult;
import dev.dreamina.RequestStatus;
import dev.dreamina.Submission;
import dev.dreamina.errors.InvalidResponseException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.wire.Json;
import dev.dreamina.internal.wire.RequestIds;
import dev.dreamina.internal.wire.ResponseParser;
import java.util.concurrent.CompletableFuture;

/** The endpoints of the RunComfy Model API that this model uses: paths, bodies and parsing. */
public final class RunComfyApi {
  private static final String SUBMIT_PATH = "v1/models/" + DreaminaClient.MODEL_ID;

  /** Results always ask for the job's cost; RunComfy adds a numeric {@code cost} field. */
  private static final String RESULT_QUERY = "include_cost=true";

  private final Transport transport;

  public RunComfyApi(Transport transport) {
    this.transport = transport;
  }

  public Submission submit(ImageToVideoRequest request) {
    return submission(transport.execute(ApiCall.submit(SUBMIT_PATH, Json.requestBody(request))));
  }

  private static Submission submission(JsonNode json) {
    try {
      return ResponseParser.submission(json);
    } catch (InvalidResponseException unreadable) {
      // A 2xx came back, so a job probably exists, but without a readable request_id.
      throw new SubmissionUnknownException(unreadable);
    }
  }

  public RequestStatus status(String requestId, long deadlineNanos) {
    ApiCall call = ApiCall.get(requestPath(requestId, "status"), null, requestId);
    return ResponseParser.status(transport.execute(call.withDeadline(deadlineNanos)), requestId);
  }

  public RequestResult result(String requestId, long deadlineNanos) {
    ApiCall call = ApiCall.get(requestPath(requestId, "result"), RESULT_QUERY, requestId);
    return ResponseParser.result(transport.execute(call.withDeadline(deadlineNanos)), requestId);
  }

  /**
   * @param retry {@code false} for one bounded attempt, as at an await deadline
   */
  public CancelResult cancel(String requestId, boolean retry) {
    ApiCall call = ApiCall.post(requestPath(requestId, "cancel"), requestId);
    return ResponseParser.cancel(transport.execute(retry ? call : call.once()), requestId);
  }

  public CompletableFuture<Submission> submitAsync(ImageToVideoRequest request) {
    return Futures.map(
        transport.executeAsync(ApiCall.submit(SUBMIT_PATH, Json.requestBody(request))),
        RunComfyApi::submission);
  }

  public CompletableFuture<RequestStatus> statusAsync(String requestId, long deadlineNanos) {
    ApiCall call = ApiCall.get(requestPath(requestId, "status"), null, requestId);
    return Futures.map(
        transport.executeAsync(call.withDeadline(deadlineNanos)),
        json -> ResponseParser.status(json, requestId));
  }

  public CompletableFuture<RequestResult> resultAsync(String requestId, long deadlineNanos) {
    ApiCall call = ApiCall.get(requestPath(requestId, "result"), RESULT_QUERY, requestId);
    return Futures.map(
        transport.executeAsync(call.withDeadline(deadlineNanos)),
        json -> ResponseParser.result(json, requestId));
  }

  public CompletableFuture<CancelResult> cancelAsync(String requestId, boolean retry) {
    ApiCall call = ApiCall.post(requestPath(requestId, "cancel"), requestId);
    return Futures.map(
        transport.executeAsync(retry ? call : call.once()),
        json -> ResponseParser.cancel(json, requestId));
  }

  public Price price() {
    return ResponseParser.price(transport.execute(ApiCall.get(SUBMIT_PATH, null, null)));
  }

  public CompletableFuture<Price> priceAsync() {
    return Futures.map(transport.executeAsync(ApiCall.get(SUBMIT_PATH, null, null)), ResponseParser::price);
  }

  /** The one place a request id enters a URL, so the one place it is checked. */
  private static String requestPath(String requestId, String action) {
    return "v1/requests/" + RequestIds.check(requestId) + "/" + action;
  }
}
