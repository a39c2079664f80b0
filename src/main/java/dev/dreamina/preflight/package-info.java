/**
 * Checks an input image against the endpoint page's rules (type, size, dimensions, ratio) before a
 * paid submit: {@link dev.dreamina.preflight.ImagePreflight}.
 *
 * <p>{@link org.jspecify.annotations.NullMarked @NullMarked}, as every exported package.
 */
@NullMarked
package dev.dreamina.preflight;

import org.jspecify.annotations.NullMarked;
