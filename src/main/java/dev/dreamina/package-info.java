/**
 * A typed client for RunComfy's Dreamina 3.0 Pro image-to-video API.
 *
 * <p>Start with {@link dev.dreamina.DreaminaClient}: build an {@link
 * dev.dreamina.ImageToVideoRequest}, then {@link dev.dreamina.DreaminaClient#generate} it; {@link dev.dreamina.DreaminaClient#async()} makes the
 * same calls without blocking. Every exception is a {@link dev.dreamina.errors.DreaminaException}
 * (package {@code dev.dreamina.errors}); the journal and the image preflight have packages of
 * their own, {@code dev.dreamina.journal} and {@code dev.dreamina.preflight}.
 *
 * <p>Every exported package is {@link org.jspecify.annotations.NullMarked @NullMarked}: no parameter
 * accepts {@code null} and no method returns it unless its type says {@link
 * org.jspecify.annotations.Nullable @Nullable}; absent values are {@link java.util.Optional}.
 * Kotlin, IntelliJ and NullAway read this.
 */
@NullMarked
package dev.dreamina;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
