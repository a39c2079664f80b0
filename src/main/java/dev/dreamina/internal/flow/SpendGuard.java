package dev.dreamina.internal.flow;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.Price;
import dev.dreamina.Status;
import dev.dreamina.errors.SpendLimitException;
import dev.dreamina.errors.SubmissionUnknownException;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.TimeSource;
import dev.dreamina.internal.http.RunComfyApi;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's spend limit: before each submit, the job's estimate (from the price, fetched once
 * and kept for {@value #PRICE_SECONDS} seconds) is added to what the client has committed, or the
 * submit is refused with nothing sent. A job that fails or is cancelled gives its estimate back; a
 * completed one is counted at its real cost when its result says. A submit whose outcome is
 * unknown stays counted: it may have been paid. It guards this client's own submits, not the
 * account.
 */
public final class SpendGuard {
  static final long PRICE_SECONDS = 600;

  private final BigDecimal limit;
  /** Whether each submit needs its estimate even without a limit here: the journal's budgets charge it. */
  private final boolean estimateAlways;
  private final RunComfyApi api;
  private final TimeSource time;
  private final Map<String, BigDecimal> byRequest = new ConcurrentHashMap<>();
  private BigDecimal committed = BigDecimal.ZERO; // guarded by this
  private Price price; // guarded by this
  private long priceNanos; // guarded by this

  /**
   * A guard; {@code limit == null} guards nothing here, and with {@code estimateAlways} each
   * reservation still carries the job's estimate, for the journal's budgets.
   */
  public SpendGuard(BigDecimal limit, boolean estimateAlways, RunComfyApi api, TimeSource time) {
    this.limit = limit;
    this.estimateAlways = estimateAlways;
    this.api = api;
    this.time = time;
  }

  /** What the client has committed so far, in US dollars. */
  public synchronized BigDecimal committed() {
    return committed;
  }

  /** Reserves the job's estimate, fetching the price on this thread when needed. */
  public Reservation reserve(ImageToVideoRequest request) {
    if (limit == null && !estimateAlways) {
      return none;
    }
    Price known = cachedPrice();
    if (known == null) {
      try {
        known = remember(api.price());
      } catch (RuntimeException e) {
        throw priceUnknown(e);
      }
    }
    return reserve(request, known);
  }

  /** {@link #reserve}, fetching the price without blocking. */
  public CompletableFuture<Reservation> reserveAsync(ImageToVideoRequest request) {
    if (limit == null && !estimateAlways) {
      return CompletableFuture.completedFuture(none);
    }
    Price known = cachedPrice();
    CompletableFuture<Price> price =
        known != null ? CompletableFuture.completedFuture(known) : api.priceAsync().thenApply(this::remember);
    return price.handle(
        (p, failure) -> {
          if (failure != null) {
            throw priceUnknown(Futures.unwrap(failure));
          }
          return reserve(request, p);
        });
  }

  private synchronized Price cachedPrice() {
    return price != null && time.nanoTime() - priceNanos < Duration.ofSeconds(PRICE_SECONDS).toNanos() ? price : null;
  }

  private synchronized Price remember(Price fetched) {
    price = fetched;
    priceNanos = time.nanoTime();
    return fetched;
  }

  private SpendLimitException priceUnknown(Throwable cause) {
    return new SpendLimitException(
        "Not submitted: a spend limit " + (limit != null ? "of " + limit + " USD " : "(a budget) ") + "is set and the price"
            + " cannot be read, so the job's cost is unknown (" + cause.getMessage() + ")",
        limit != null ? limit : BigDecimal.ZERO,
        committed(),
        null,
        cause);
  }

  private synchronized Reservation reserve(ImageToVideoRequest request, Price known) {
    Optional<BigDecimal> estimate = known.estimate(request);
    if (estimate.isEmpty()) {
      throw new SpendLimitException(
          "Not submitted: a spend limit " + (limit != null ? "of " + limit + " USD " : "(a budget) ") + "is set and the price ("
              + known.basePriceUsd() + " USD per " + known.priceUnit() + ") gives no estimate for this job",
          limit != null ? limit : BigDecimal.ZERO,
          committed,
          null,
          null);
    }
    if (limit == null) {
      return new Reservation(estimate.get(), false); // charged by the journal's budgets only
    }
    BigDecimal after = committed.add(estimate.get());
    if (after.compareTo(limit) > 0) {
      throw new SpendLimitException(
          "Not submitted: this job (estimated " + estimate.get() + " USD) would pass this client's spend limit of "
              + limit + " USD; " + committed + " USD is committed",
          limit,
          committed,
          estimate.get(),
          null);
    }
    committed = after;
    return new Reservation(estimate.get(), true);
  }

  private synchronized void giveBack(BigDecimal amount) {
    committed = committed.subtract(amount);
  }

  /** A job's end: failed and cancelled jobs give their estimate back, completed ones count their cost. */
  public void ended(String requestId, Status status, Optional<BigDecimal> cost) {
    BigDecimal reserved = byRequest.remove(requestId);
    if (reserved == null) {
      return;
    }
    if (status == Status.FAILED || status == Status.CANCELLED) {
      giveBack(reserved);
    } else if (status == Status.COMPLETED && cost.isPresent()) {
      giveBack(reserved.subtract(cost.get()));
    }
  }

  /** The reservation of every submit without a limit: nothing to settle, nothing allocated. */
  private final Reservation none = new Reservation(BigDecimal.ZERO, false);

  /** One submit's estimate, held until the submit's outcome is known. */
  public final class Reservation {
    private final BigDecimal amount;
    /** Whether the amount counts against this client's own limit. */
    private final boolean counted;

    private Reservation(BigDecimal amount, boolean counted) {
      this.amount = amount;
      this.counted = counted;
    }

    /** The job's estimate, when a limit or a budget needed it; else {@code null}. */
    public BigDecimal estimate() {
      return this == none ? null : amount;
    }

    /** How the submit ended: a job (kept against its id), no job (given back), or unknown (kept). */
    public void settle(String requestId, Throwable failure) {
      if (!counted || amount.signum() == 0) {
        return;
      }
      if (failure == null) {
        byRequest.put(requestId, amount);
      } else if (!(failure instanceof SubmissionUnknownException)) {
        giveBack(amount);
      }
    }
  }
}
