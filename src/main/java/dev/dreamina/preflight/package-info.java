/**
 * Checks an input image against the endpoint page's rules (type, size, dimensions, ratio) before a
 * paid submit: {@link dev.dreamina.preflight.ImagePreflight}.
 */
package dev.dreamina.preflight;
