/**
 * The submission journal: a record of every paid job, so that a crash between "submitted" and
 * "downloaded" never orphans one. Give one to {@link dev.dreamina.DreaminaClient.Builder#journal};
 * {@link dev.dreamina.journal.FileSubmissionJournal} keeps it in a file.
 */
package dev.dreamina.journal;
