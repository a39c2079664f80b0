/**
 * A typed client for RunComfy's Dreamina 3.0 Pro image-to-video API.
 *
 * <p>Start with {@link dev.dreamina.DreaminaClient}: build an {@link
 * dev.dreamina.ImageToVideoRequest}, then {@link dev.dreamina.DreaminaClient#generate} it; {@link dev.dreamina.DreaminaClient#async()} makes the
 * same calls without blocking. Every exception is a {@link dev.dreamina.errors.DreaminaException}
 * (package {@code dev.dreamina.errors}); the journal and the image preflight have packages of
 * their own, {@code dev.dreamina.journal} and {@code dev.dreamina.preflight}.
 *
 * <p>Everything in this package is non-null: no parameter accepts {@code null} unless its javadoc
 * says so, and no method returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.dreamina;
