package dev.dreamina.s3;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3-compatible server for tests: s3proxy on an in-memory store, checking every request's
 * Signature V4 (pre-signed URLs and their expiry included), serving https on loopback with a
 * certificate made here. It counts the objects stored, so that a test can say nothing was uploaded.
 * Used by this module's tests and, through its test jar, by the CLI's and the starter's.
 */
public final class S3TestServer implements AutoCloseable {
  /** The bucket made at start. */
  public static final String BUCKET = "images";
  /** The access key the server takes. */
  public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  /** Its secret. */
  public static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  private static final HeldCertificate CERTIFICATE =
      new HeldCertificate.Builder().addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();

  private final S3Proxy proxy;
  private final BlobStore store;
  private final AtomicInteger puts = new AtomicInteger();

  private S3TestServer() throws Exception {
    BlobStore memory = ContextBuilder.newBuilder("transient").build(BlobStoreContext.class).getBlobStore();
    this.store =
        new ForwardingBlobStore(memory) {
          @Override
          public String putBlob(String container, Blob blob) {
            puts.incrementAndGet();
            return super.putBlob(container, blob);
          }

          @Override
          public String putBlob(String container, Blob blob, PutOptions options) {
            puts.incrementAndGet();
            return super.putBlob(container, blob, options);
          }
        };
    store.createContainerInLocation(null, BUCKET);
    HandshakeCertificates tls = new HandshakeCertificates.Builder().heldCertificate(CERTIFICATE).build();
    this.proxy =
        S3Proxy.builder()
            .blobStore(store)
            .secureEndpoint(URI.create("https://127.0.0.1:0"))
            .sslContext(tls.sslContext())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.onSpinWait();
    }
  }

  /** Starts a server. */
  public static S3TestServer start() {
    try {
      return new S3TestServer();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start", e);
    }
  }

  /** Its https endpoint. */
  public URI endpoint() {
    return URI.create("https://127.0.0.1:" + proxy.getSecurePort());
  }

  /** The certificate it serves, to trust. */
  public static X509Certificate certificate() {
    return CERTIFICATE.certificate();
  }

  /**
   * Writes a PKCS12 trust store holding {@link #certificate()}, for a JVM started with {@code
   * -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=PASSWORD} (a CLI process,
   * say): its OkHttp and the sandbox's image fetch then trust this server, as they would a real one.
   */
  public static java.nio.file.Path writeTrustStore(java.nio.file.Path file, String password) throws java.io.IOException {
    try {
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("s3-test-server", certificate());
      try (var out = java.nio.file.Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return file;
    } catch (java.security.GeneralSecurityException e) {
      throw new java.io.IOException("could not write a trust store: " + e.getMessage(), e);
    }
  }

  /** An OkHttp client that trusts {@link #certificate()}. */
  public static OkHttpClient trustingClient() {
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(CERTIFICATE.certificate()).build();
    return new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
  }

  /** The server's credentials. */
  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A host on this server's {@link #BUCKET}, path style, under {@code prefix}. */
  public S3ImageHost.Builder host(String prefix) {
    return S3ImageHost.builder().bucket(BUCKET).prefix(prefix).endpoint(endpoint()).pathStyle(true).region("us-east-1").credentials(credentials());
  }

  /** How many objects were stored. */
  public int puts() {
    return puts.get();
  }

  /** The keys in the bucket. */
  public Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    for (StorageMetadata m : store.list(BUCKET, ListContainerOptions.Builder.recursive())) {
      keys.add(m.getName());
    }
    return keys;
  }

  /** An object's bytes. */
  public byte[] object(String key) throws java.io.IOException {
    Blob blob = store.getBlob(BUCKET, key);
    if (blob == null) {
      throw new java.io.FileNotFoundException(key);
    }
    try (var in = blob.getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  /** Stops it, so that the next request finds nothing listening. */
  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
