package dev.dreamina.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SignedUrlsTest {
  private static final String AWS =
      "https://images.s3.eu-west-1.amazonaws.com/p/ab.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
          + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261207%2Feu-west-1%2Fs3%2Faws4_request"
          + "&X-Amz-Date=20261207T120000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host"
          + "&X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=0123456789abcdef";

  @Test
  void blanksTheSignatureCredentialAndSessionTokenAndKeepsTheRest() {
    String text = "{\"image_urls\":[\"" + AWS + "\"]}";
    String redacted = SignedUrls.redact(text);
    assertEquals(
        "{\"image_urls\":[\"https://images.s3.eu-west-1.amazonaws.com/p/ab.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=REDACTED&X-Amz-Date=20261207T120000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host"
            + "&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED\"]}",
        redacted);
  }

  @Test
  void blanksGoogleFormsAndAnyCase() {
    assertEquals(
        "u?x-goog-signature=REDACTED&X-Goog-Credential=REDACTED x",
        SignedUrls.redact("u?x-goog-signature=abc&X-Goog-Credential=me%40p.iam x"));
  }

  @Test
  void leavesOtherTextAlone() {
    String plain = "https://example.com/street.jpg?w=640&sig=ok";
    assertSame(plain, SignedUrls.redact(plain));
    assertFalse(SignedUrls.isSigned(URI.create(plain)));
    assertEquals(URI.create(plain), SignedUrls.unsigned(URI.create(plain)));
  }

  @Test
  void theUnsignedUrlNamesTheObjectWhateverTheSignature() {
    URI signed = URI.create(AWS);
    assertTrue(SignedUrls.isSigned(signed));
    assertEquals(URI.create("https://images.s3.eu-west-1.amazonaws.com/p/ab.jpg"), SignedUrls.unsigned(signed));
    URI other = URI.create(AWS.replace("0123456789abcdef", "fedcba").replace("20261207T120000Z", "20261208T000000Z"));
    assertEquals(SignedUrls.unsigned(signed), SignedUrls.unsigned(other));
    assertEquals(
        URI.create("https://minio.local:9000/images/ab.png?versionId=3"),
        SignedUrls.unsigned(URI.create("https://minio.local:9000/images/ab.png?versionId=3&X-Amz-Signature=f")));
  }
}
