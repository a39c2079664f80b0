/**
 * Many videos at once, within a budget: {@link dev.dreamina.DreaminaClientAsync#batch} runs a list
 * of requests with a bounded number of jobs in flight, adapts to rate limits, reports each
 * request's outcome, and, with a journal and a batch id, resumes after a crash without submitting
 * any request twice.
 *
 * <p>{@link org.jspecify.annotations.NullMarked @NullMarked}, as every exported package.
 */
@NullMarked
package dev.dreamina.batch;

import org.jspecify.annotations.NullMarked;
