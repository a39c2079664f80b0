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

  private static final ApiCall PRICE = ApiCall.get(SUBMIT_PATH, null, null);

  private final Transport transport;

  public RunComfyApi(Transport transport) {
    this.transport = transport;
  }

  public Submission submit(ImageToVideoRequest request) {
    return submitAnswered(request).value();
  }

  /** The submit, with the status and headers of its answer. */
  public Answered<Submission> submitAnswered(ImageToVideoRequest request) {
    return transport.execute(ApiCall.submit(SUBMIT_PATH, Json.requestBody(request))).map(RunComfyApi::submission);
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
    return statusAnswered(requestId, deadlineNanos).value();
  }

  public Answered<RequestStatus> statusAnswered(String requestId, long deadlineNanos) {
    return transport.execute(statusCall(requestId, deadlineNanos)).map(json -> ResponseParser.status(json, requestId));
  }

  public RequestResult result(String requestId, long deadlineNanos) {
    return resultAnswered(requestId, deadlineNanos).value();
  }

  public Answered<RequestResult> resultAnswered(String requestId, long deadlineNanos) {
    return transport.execute(resultCall(requestId, deadlineNanos)).map(json -> ResponseParser.result(json, requestId));
  }

  /**
   * @param retry {@code false} for one bounded attempt, as at an await deadline
   */
  public CancelResult cancel(String requestId, boolean retry) {
    return cancelAnswered(requestId, retry).value();
  }

  public Answered<CancelResult> cancelAnswered(String requestId, boolean retry) {
    return transport.execute(cancelCall(requestId, retry)).map(json -> ResponseParser.cancel(json, requestId));
  }

  public Price price() {
    return priceAnswered().value();
  }

  public Answered<Price> priceAnswered() {
    return transport.execute(PRICE).map(ResponseParser::price);
  }

  public CompletableFuture<Submission> submitAsync(ImageToVideoRequest request) {
    return Futures.map(submitAnsweredAsync(request), Answered::value);
  }

  public CompletableFuture<Answered<Submission>> submitAnsweredAsync(ImageToVideoRequest request) {
    return Futures.map(
        transport.executeAsync(ApiCall.submit(SUBMIT_PATH, Json.requestBody(request))),
        answer -> answer.map(RunComfyApi::submission));
  }

  /** One stage, not two: waits poll this. */
  public CompletableFuture<RequestStatus> statusAsync(String requestId, long deadlineNanos) {
    return Futures.map(
        transport.executeAsync(statusCall(requestId, deadlineNanos)),
        answer -> ResponseParser.status(answer.value(), requestId));
  }

  public CompletableFuture<Answered<RequestStatus>> statusAnsweredAsync(String requestId, long deadlineNanos) {
    return Futures.map(
        transport.executeAsync(statusCall(requestId, deadlineNanos)),
        answer -> answer.map(json -> ResponseParser.status(json, requestId)));
  }

  public CompletableFuture<RequestResult> resultAsync(String requestId, long deadlineNanos) {
    return Futures.map(
        transport.executeAsync(resultCall(requestId, deadlineNanos)),
        answer -> ResponseParser.result(answer.value(), requestId));
  }

  public CompletableFuture<Answered<RequestResult>> resultAnsweredAsync(String requestId, long deadlineNanos) {
    return Futures.map(
        transport.executeAsync(resultCall(requestId, deadlineNanos)),
        answer -> answer.map(json -> ResponseParser.result(json, requestId)));
  }

  public CompletableFuture<CancelResult> cancelAsync(String requestId, boolean retry) {
    return Futures.map(cancelAnsweredAsync(requestId, retry), Answered::value);
  }

  public CompletableFuture<Answered<CancelResult>> cancelAnsweredAsync(String requestId, boolean retry) {
    return Futures.map(
        transport.executeAsync(cancelCall(requestId, retry)),
        answer -> answer.map(json -> ResponseParser.cancel(json, requestId)));
  }

  public CompletableFuture<Price> priceAsync() {
    return Futures.map(priceAnsweredAsync(), Answered::value);
  }

  public CompletableFuture<Answered<Price>> priceAnsweredAsync() {
    return Futures.map(transport.executeAsync(PRICE), answer -> answer.map(ResponseParser::price));
  }

  private static ApiCall statusCall(String requestId, long deadlineNanos) {
    return ApiCall.get(requestPath(requestId, "status"), null, requestId).withDeadline(deadlineNanos);
  }

  private static ApiCall resultCall(String requestId, long deadlineNanos) {
    return ApiCall.get(requestPath(requestId, "result"), RESULT_QUERY, requestId).withDeadline(deadlineNanos);
  }

  private static ApiCall cancelCall(String requestId, boolean retry) {
    ApiCall call = ApiCall.post(requestPath(requestId, "cancel"), requestId);
    return retry ? call : call.once();
  }

  /** The one place a request id enters a URL, so the one place it is checked. */
  private static String requestPath(String requestId, String action) {
    return "v1/requests/" + RequestIds.check(requestId) + "/" + action;
  }
}
