/**
 * Every exception the SDK throws: {@link dev.dreamina.errors.DreaminaException} and its subclasses,
 * all unchecked. {@link dev.dreamina.errors.DreaminaException#requestId()} names the job to resume
 * with whenever one exists; no message contains the API token.
 */
package dev.dreamina.errors;
