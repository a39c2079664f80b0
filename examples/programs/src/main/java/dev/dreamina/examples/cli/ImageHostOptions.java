package dev.dreamina.examples.cli;

import dev.dreamina.DreaminaClientBuilder;
import dev.dreamina.s3.S3ImageHost;
import java.net.URI;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where {@code --image FILE} and a batch's local images are published: {@code --image-host
 * s3://bucket/prefix}, with {@code --s3-endpoint} and {@code --s3-path-style} for R2, MinIO and
 * other S3-compatible stores. Credentials and region come from the AWS default chain ({@code
 * AWS_ACCESS_KEY_ID}, {@code AWS_PROFILE}, {@code AWS_REGION}, ...), never from the command line.
 */
final class ImageHostOptions {
  @Option(
      names = "--image-host",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "s3://BUCKET/PREFIX",
      description = "Where local images (--image, a batch file's paths) are published, under their content's hash, for"
          + " RunComfy to fetch by a signed URL. Credentials and region from the AWS default chain"
          + " (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION, ...). Default: $DREAMINA_IMAGE_HOST.")
  String imageHost;

  @Option(
      names = "--s3-endpoint",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "URL",
      description = "An S3-compatible https endpoint instead of AWS's: R2 https://ACCOUNT.r2.cloudflarestorage.com,"
          + " MinIO its own URL. Default: $DREAMINA_S3_ENDPOINT.")
  URI endpoint;

  @Option(
      names = "--s3-path-style",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Address objects as ENDPOINT/BUCKET/KEY (MinIO and most self-hosted stores need it).")
  boolean pathStyle;

  /** The host's location: --image-host, else $DREAMINA_IMAGE_HOST, else null. */
  String location(Map<String, String> env) {
    String fromEnv = env.get("DREAMINA_IMAGE_HOST");
    return imageHost != null ? imageHost : fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
  }

  /** Sets the builder's image host, when one is named. */
  DreaminaClientBuilder apply(DreaminaClientBuilder builder, Map<String, String> env) {
    String location = location(env);
    if (location == null) {
      return builder;
    }
    S3ImageHost.Builder host = S3ImageHost.builder().location(location).pathStyle(pathStyle);
    String endpointFromEnv = env.get("DREAMINA_S3_ENDPOINT");
    if (endpoint != null) {
      host.endpoint(endpoint);
    } else if (endpointFromEnv != null && !endpointFromEnv.isBlank()) {
      host.endpoint(URI.create(endpointFromEnv.strip()));
    }
    return builder.imageHost(host.build());
  }
}
