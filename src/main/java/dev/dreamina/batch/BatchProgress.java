package dev.dreamina.batch;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a batch stands.
 *
 * @param total requests in the batch
 * @param done requests that ended, any way
 * @param failed of those, the ones that did not complete
 * @param running jobs in flight (being submitted, waited for or downloaded)
 * @param queued requests not started yet
 * @param concurrency how many jobs may be in flight now (lowered after a rate limit)
 * @param spendCommitted what the client has committed against its spend limit
 * @param elapsed since the batch started
 * @param remaining an estimate of the time left, once some requests are done
 */
public record BatchProgress(
    int total,
    int done,
    int failed,
    int running,
    int queued,
    int concurrency,
    BigDecimal spendCommitted,
    Duration elapsed,
    Optional<Duration> remaining) {}
