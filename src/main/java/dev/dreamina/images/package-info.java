/**
 * Images from the app's own disk. RunComfy fetches the input image itself, from a public or
 * pre-signed {@code https} URL; an {@link dev.dreamina.images.ImageHost} (the S3-compatible one is
 * the {@code dreamina-java-s3} artifact) publishes a local image and signs such a URL, and a
 * request made with {@link dev.dreamina.ImageToVideoRequest.Builder#imageFile} is published by the
 * client on submit, after the image preflight, under a name made of its content's hash.
 *
 * <p>A signed URL is a credential for its object: {@link dev.dreamina.images.PublishedImage#toString()},
 * the SDK's exception messages, its wire log and the journal never show its signature.
 *
 * <p>{@link org.jspecify.annotations.NullMarked @NullMarked}, as every exported package.
 */
@NullMarked
package dev.dreamina.images;

import org.jspecify.annotations.NullMarked;
