package dev.dreamina.s3;

import dev.dreamina.images.ImageHost;
import dev.dreamina.images.ImageUploads;
import dev.dreamina.images.LocalImage;
import dev.dreamina.images.PublishedImage;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * An {@link ImageHost} on S3-compatible storage: AWS S3, Cloudflare R2, MinIO, Backblaze B2, or
 * Google Cloud Storage's interoperability API. Each image is stored once, as {@code
 * <prefix><sha256>.jpg} (or {@code .png}), and RunComfy fetches it with a pre-signed {@code GET}
 * that lasts the client's {@link dev.dreamina.DreaminaClientBuilder#imageUrlLifetime image URL
 * lifetime}. The bucket stays private.
 *
 * <p>URLs are signed offline by the AWS SDK v2's {@link S3Presigner} (Signature V4); the bytes go
 * over the dreamina client's own OkHttp connections: a {@code GET} of one byte to see whether the
 * image is there, and a {@code PUT} when it is not. Credentials come from the AWS default chain
 * (environment, profile, container or instance role) unless {@link Builder#credentials given}; the
 * region likewise, else {@code us-east-1} when an {@link Builder#endpoint endpoint} is set.
 *
 * <pre>{@code
 * ImageHost host = S3ImageHost.builder()
 *     .bucket("my-images")
 *     .prefix("dreamina/")
 *     .build();
 * }</pre>
 *
 * <p>Old images are best removed by a bucket lifecycle rule on the prefix (docs/images.md shows
 * one); {@link Builder#removeWhenDone(boolean)} deletes an image as soon as the job that a
 * client waited for has ended. Thread-safe. {@link #toString()} shows the bucket and the prefix,
 * never a credential.
 */
public final class S3ImageHost implements ImageHost {
  /** S3's longest pre-signed URL: 7 days (Signature V4). */
  public static final Duration MAX_URL_LIFETIME = Duration.ofDays(7);

  private final String bucket;
  private final String prefix;
  private final S3Presigner presigner;
  private final boolean removeWhenDone;
  private final Clock clock;

  private S3ImageHost(Builder b, S3Presigner presigner) {
    this.bucket = Objects.requireNonNull(b.bucket, "bucket");
    this.prefix = b.prefix;
    this.presigner = presigner;
    this.removeWhenDone = b.removeWhenDone;
    this.clock = b.clock;
  }

  /**
   * Starts configuring a host.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A host for an {@code s3://bucket/prefix} location, with the default credentials and region.
   *
   * @param location {@code s3://bucket} or {@code s3://bucket/prefix/}
   * @return the host
   */
  public static S3ImageHost of(String location) {
    return builder().location(location).build();
  }

  @Override
  public String location() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public PublishedImage publish(LocalImage image, Duration validFor, ImageUploads uploads) throws IOException {
    if (validFor.compareTo(MAX_URL_LIFETIME) > 0) {
      throw new IllegalArgumentException("S3 signs URLs for at most 7 days, not " + validFor);
    }
    String key = prefix + image.name();
    URI get;
    PresignedPutObjectRequest put;
    try {
      get = uri(presigner.presignGetObject(r -> r.signatureDuration(validFor).getObjectRequest(o -> o.bucket(bucket).key(key))).url());
      if (uploads.exists(get)) {
        return new PublishedImage(get, image.name(), clock.instant().plus(validFor), false);
      }
      String md5 = md5(image.bytes());
      put =
          presigner.presignPutObject(
              r -> r.signatureDuration(Duration.ofMinutes(15))
                  .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(image.contentType()).contentMD5(md5)));
    } catch (SdkException e) {
      throw new IOException("could not sign for " + location() + ": " + e.getMessage(), e);
    }
    uploads.put(uri(put.url()), headers(put.signedHeaders()), image);
    return new PublishedImage(get, image.name(), clock.instant().plus(validFor), true);
  }

  @Override
  public void remove(PublishedImage image, ImageUploads uploads) throws IOException {
    String key = prefix + image.name();
    URI delete;
    try {
      delete = uri(presigner.presignDeleteObject(r -> r.signatureDuration(Duration.ofMinutes(15)).deleteObjectRequest(o -> o.bucket(bucket).key(key))).url());
    } catch (SdkException e) {
      throw new IOException("could not sign for " + location() + ": " + e.getMessage(), e);
    }
    uploads.delete(delete);
  }

  @Override
  public boolean removesWhenDone() {
    return removeWhenDone;
  }

  @Override
  public String toString() {
    return "S3ImageHost{" + location() + (removeWhenDone ? ", removeWhenDone" : "") + "}";
  }

  /** The headers the signature covers, but {@code host}, which OkHttp sets. */
  private static Map<String, String> headers(Map<String, List<String>> signed) {
    Map<String, String> headers = new LinkedHashMap<>();
    signed.forEach(
        (name, values) -> {
          if (!name.equalsIgnoreCase("host")) {
            headers.put(name, String.join(",", values));
          }
        });
    return headers;
  }

  private static String md5(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JDK", e);
    }
  }

  private static URI uri(java.net.URL url) {
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("The presigner made a URL that is not a URI", e);
    }
  }

  /** Configures an {@link S3ImageHost}. Not thread-safe. */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private Region region;
    private URI endpoint;
    private boolean pathStyle;
    private AwsCredentialsProvider credentials;
    private S3Client s3Client;
    private boolean removeWhenDone;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the bucket and prefix from an {@code s3://bucket/prefix} location.
     *
     * @param location {@code s3://bucket} or {@code s3://bucket/prefix}
     * @return this builder
     */
    public Builder location(String location) {
      Objects.requireNonNull(location, "location == null");
      if (!location.regionMatches(true, 0, "s3://", 0, 5) || location.length() == 5) {
        throw new IllegalArgumentException("An S3 location reads s3://bucket or s3://bucket/prefix, not " + location);
      }
      String rest = location.substring(5);
      int slash = rest.indexOf('/');
      bucket(slash < 0 ? rest : rest.substring(0, slash));
      return prefix(slash < 0 ? "" : rest.substring(slash + 1));
    }

    /**
     * Sets the bucket. Required.
     *
     * @param bucket the bucket's name
     * @return this builder
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket == null");
      if (bucket.isBlank() || bucket.contains("/")) {
        throw new IllegalArgumentException("Not a bucket name: '" + bucket + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * Sets the prefix of the images' keys, such as {@code dreamina/}; a missing final {@code /} is
     * added. Default: none.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
      this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
      return this;
    }

    /**
     * Sets the region. Default: the AWS default region chain ({@code AWS_REGION}, the profile,
     * the instance), else {@code us-east-1} when an endpoint is set. R2 takes {@code auto}.
     *
     * @param region the region's id, such as {@code eu-west-1}
     * @return this builder
     */
    public Builder region(String region) {
      this.region = Region.of(Objects.requireNonNull(region, "region == null").toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Sets an S3-compatible endpoint instead of AWS's: for R2 {@code
     * https://<account>.r2.cloudflarestorage.com}, for MinIO its own URL. It must be {@code
     * https}: RunComfy fetches images over https only.
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint == null");
      if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
        throw new IllegalArgumentException("RunComfy fetches images over https only; the endpoint must be https, not " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Addresses objects as {@code https://endpoint/bucket/key} rather than {@code
     * https://bucket.endpoint/key}: what MinIO and most self-hosted stores need. Default {@code false}.
     *
     * @param pathStyle whether to use path-style URLs
     * @return this builder
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Sets the credentials. Default: the AWS default credentials chain.
     *
     * @param credentials the credentials provider
     * @return this builder
     */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials == null");
      return this;
    }

    /**
     * Signs with the app's own {@link S3Client}: its region, endpoint, path style and
     * credentials. The other settings of this builder but the bucket and prefix are then unused.
     *
     * @param s3Client the client
     * @return this builder
     */
    public Builder s3Client(S3Client s3Client) {
      this.s3Client = Objects.requireNonNull(s3Client, "s3Client == null");
      return this;
    }

    /**
     * Deletes each image once the job a client waited for in the same call ({@code generate},
     * {@code generateAndDownload}, and their async forms) has ended: made its video, failed or
     * been cancelled. Images of plain submits, of batches, of jobs awaited after a restart, and of
     * jobs whose outcome is not known (a timed-out wait, a submit without an answer) are left to
     * the bucket's lifecycle rule. An image that several jobs of one client use is deleted when
     * the last of them ends; a job of another client or process that uses the same image, and
     * that RunComfy has not fetched yet, then fails. Default {@code false}: prefer a lifecycle
     * rule.
     *
     * @param removeWhenDone whether to delete images after their job
     * @return this builder
     */
    public Builder removeWhenDone(boolean removeWhenDone) {
      this.removeWhenDone = removeWhenDone;
      return this;
    }

    /** Tests fix the clock that {@link PublishedImage#validUntil()} is read on. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds the host. No request is made.
     *
     * @return the host
     * @throws IllegalStateException when no bucket was set, or no region is found
     */
    public S3ImageHost build() {
      if (bucket == null) {
        throw new IllegalStateException("An S3ImageHost needs a bucket: bucket(...) or location(\"s3://bucket/prefix\")");
      }
      S3Presigner.Builder presigner = S3Presigner.builder();
      if (s3Client != null) {
        presigner.s3Client(s3Client);
      } else {
        presigner
            .region(region != null ? region : defaultRegion())
            .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
          presigner.endpointOverride(endpoint);
        }
      }
      return new S3ImageHost(this, presigner.build());
    }

    private Region defaultRegion() {
      try {
        return new DefaultAwsRegionProviderChain().getRegion();
      } catch (SdkException none) {
        if (endpoint != null) {
          return Region.US_EAST_1;
        }
        throw new IllegalStateException(
            "No AWS region: set AWS_REGION, a profile's region, or region(...) on the builder", none);
      }
    }
  }
}
