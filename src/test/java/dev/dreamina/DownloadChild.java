package dev.dreamina;

import java.net.URI;
import java.nio.file.Path;

/**
 * Downloads one URL to one path with a real client, in a JVM of its own: {@link DownloadTest}
 * starts it under a chosen umask. Arguments: the URL, the target.
 */
public final class DownloadChild {
  private DownloadChild() {}

  public static void main(String[] args) {
    try (DreaminaClient client = DreaminaClient.builder().apiToken("child-token").build()) {
      client.download(URI.create(args[0]), Path.of(args[1]));
    }
  }
}
