package dev.dreamina.s3;

import dev.dreamina.images.ImageHost;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * docs/images.md's S3 block, compiled word for word (the SDK's DocSamplesTest checks that the page
 * and this file agree). Not run: it names real buckets.
 */
final class ImageDocSamples {
  private ImageDocSamples() {}

  static void hosts(String accountId, String keyId, String secret, S3Client appS3Client) {
    ImageHost aws = S3ImageHost.builder()
        .bucket("my-images")
        .prefix("dreamina/")
        .region("eu-west-1")                      // else AWS_REGION, the profile, the instance
        .build();

    ImageHost r2 = S3ImageHost.builder()
        .bucket("my-images")
        .endpoint(URI.create("https://" + accountId + ".r2.cloudflarestorage.com"))
        .region("auto")
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
        .build();

    ImageHost minio = S3ImageHost.builder()
        .location("s3://images/dreamina")         // bucket and prefix in one
        .endpoint(URI.create("https://minio.internal:9000"))
        .pathStyle(true)                          // MinIO and most self-hosted stores need it
        .build();

    ImageHost shared = S3ImageHost.builder()
        .bucket("my-images")
        .s3Client(appS3Client)                    // the app's own S3Client: its region, endpoint, credentials
        .build();
  }
}
