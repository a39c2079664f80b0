package dev.dreamina.images;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The HTTP an {@link ImageHost} needs, given to it by the client: the client's own connections
 * (its OkHttp client, its TLS settings, its timeouts), without the API token, which never goes
 * anywhere but RunComfy. Each call is one attempt; none is logged. A message of a failure names
 * the host and the status, never the URL's query.
 */
public interface ImageUploads {
  /**
   * Whether an object is there: a {@code GET} of its first byte, with a pre-signed {@code GET}
   * URL (a signature for {@code GET} does not sign {@code HEAD}).
   *
   * @param signedGet the object's URL
   * @return {@code true} on 200 or 206; {@code false} on 404, or 403 (what S3 answers for a
   *     missing object when the key may not list the bucket)
   * @throws IOException on any other answer, or when the host cannot be reached
   */
  boolean exists(URI signedGet) throws IOException;

  /**
   * Uploads an image with a {@code PUT}.
   *
   * @param signedPut the pre-signed URL
   * @param headers the headers the signature covers (such as {@code Content-Type}), sent as they are
   * @param image the image
   * @throws IOException when the answer is not 2xx, or the host cannot be reached
   */
  void put(URI signedPut, Map<String, String> headers, LocalImage image) throws IOException;

  /**
   * Deletes an object with a {@code DELETE}.
   *
   * @param signedDelete the pre-signed URL
   * @throws IOException when the answer is not 2xx or 404, or the host cannot be reached
   */
  void delete(URI signedDelete) throws IOException;
}
