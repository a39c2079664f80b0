package dev.dreamina.images;

import dev.dreamina.internal.SignedUrls;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * An image an {@link ImageHost} published: the {@code https} URL RunComfy fetches it from, signed
 * or public, and until when that URL works. A signed URL is a credential for its object:
 * {@link #toString()} never shows its signature, and neither does any message of the SDK.
 *
 * @param url the URL to put in a request's {@code image_urls}; keep it out of logs
 * @param name the object's name, made from the image's content ({@link LocalImage#name()})
 * @param validUntil when the URL stops working; far in the future for a public one
 * @param uploaded whether this publishing uploaded the image; {@code false} when it was there
 */
public record PublishedImage(URI url, String name, Instant validUntil, boolean uploaded) {
  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when the URL is not an absolute {@code https} URL
   */
  public PublishedImage {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(validUntil, "validUntil == null");
    if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "RunComfy fetches images over https only; the host gave " + SignedUrls.redact(url.toString()));
    }
  }

  /**
   * The URL without its signature: the object's address, safe to log or store.
   *
   * @return the URL, its signing parameters removed
   */
  public URI unsignedUrl() {
    return SignedUrls.unsigned(url);
  }

  @Override
  public String toString() {
    return "PublishedImage{url=" + SignedUrls.redact(url.toString()) + ", validUntil=" + validUntil + ", uploaded=" + uploaded + "}";
  }
}
