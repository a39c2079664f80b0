/**
 * Every exception the SDK throws: {@link dev.dreamina.errors.DreaminaException} and its subclasses,
 * all unchecked. {@link dev.dreamina.errors.DreaminaException#requestId()} names the job to resume
 * with whenever one exists; no message contains the API token.
 *
 * <p>{@link org.jspecify.annotations.NullMarked @NullMarked}, as every exported package.
 */
@NullMarked
package dev.dreamina.errors;

import org.jspecify.annotations.NullMarked;
