/**
 * {@link dev.dreamina.sandbox.RunComfySandbox}: an in-process fake of the RunComfy Model API, for
 * running examples and testing code without a token, a network or credits.
 */
package dev.dreamina.sandbox;
