/**
 * The submission journal: a record of every paid job, so that a crash between "submitted" and
 * "downloaded" never orphans one. Give one to {@link dev.dreamina.DreaminaClientBuilder#journal}:
 * {@link dev.dreamina.journal.FileSubmissionJournal} keeps it in a file (processes on one
 * machine), {@link dev.dreamina.journal.JdbcSubmissionJournal} in a table several machines share.
 * Leases ({@link dev.dreamina.journal.JournalLease}) keep two instances from working one job;
 * {@link dev.dreamina.DreaminaClient#recover()} finishes what a dead instance left.
 *
 * <p>{@link org.jspecify.annotations.NullMarked @NullMarked}, as every exported package.
 */
@NullMarked
package dev.dreamina.journal;

import org.jspecify.annotations.NullMarked;
