/**
 * A typed client for RunComfy's Dreamina 3.0 Pro image-to-video API.
 *
 * <p>Start with {@link dev.dreamina.DreaminaClient}: build an {@link
 * dev.dreamina.ImageToVideoRequest}, then {@link dev.dreamina.DreaminaClient#generate} it. Every
 * exception is a {@link dev.dreamina.DreaminaException}.
 *
 * <p>Everything in this package is non-null: no parameter accepts {@code null} unless its javadoc
 * says so, and no method returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.dreamina;
