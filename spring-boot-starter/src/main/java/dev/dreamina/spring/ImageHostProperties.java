package dev.dreamina.spring;

import java.time.Duration;

/**
 * Where requests' local images ({@code ImageToVideoRequest.builder().imageFile(path)}) are
 * published: {@code dreamina.image-host.*}. The S3 host needs {@code dreamina-java-s3} on the class
 * path and {@code dreamina.image-host.s3.bucket}.
 */
public class ImageHostProperties {
  /** How long a published image's signed URL lives: at least as long as a job can wait in RunComfy's queue (default 2h). */
  private Duration urlLifetime;

  private final S3 s3 = new S3();

  public Duration getUrlLifetime() {
    return urlLifetime;
  }

  public void setUrlLifetime(Duration urlLifetime) {
    this.urlLifetime = urlLifetime;
  }

  public S3 getS3() {
    return s3;
  }

  /**
   * An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2, GCS interoperability).
   * With an {@code S3Client} bean in the context, its region, endpoint and credentials are used;
   * else an {@code AwsCredentialsProvider} bean's credentials, else the AWS default chain.
   */
  public static class S3 {
    /** The bucket; setting it turns the S3 image host on. */
    private String bucket;

    /** The prefix of the images' keys, such as dreamina/ (default: none). */
    private String prefix = "";

    /** The region (default: the AWS default region chain, else us-east-1 with an endpoint; R2 takes auto). */
    private String region;

    /** An S3-compatible https endpoint instead of AWS's, such as https://ACCOUNT.r2.cloudflarestorage.com. */
    private java.net.URI endpoint;

    /** Whether to address objects as endpoint/bucket/key (MinIO and most self-hosted stores need it). */
    private boolean pathStyle;

    /** Whether to delete an image once the job a generate call waited for has ended (default: a bucket lifecycle rule does it). */
    private boolean removeWhenDone;

    public String getBucket() {
      return bucket;
    }

    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public java.net.URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(java.net.URI endpoint) {
      this.endpoint = endpoint;
    }

    public boolean isPathStyle() {
      return pathStyle;
    }

    public void setPathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
    }

    public boolean isRemoveWhenDone() {
      return removeWhenDone;
    }

    public void setRemoveWhenDone(boolean removeWhenDone) {
      this.removeWhenDone = removeWhenDone;
    }
  }
}
