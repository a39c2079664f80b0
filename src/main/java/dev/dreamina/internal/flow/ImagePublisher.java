package dev.dreamina.internal.flow;

import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.errors.DreaminaException;
import dev.dreamina.errors.GenerationFailedException;
import dev.dreamina.errors.ImagePublishException;
import dev.dreamina.errors.InvalidRequestException;
import dev.dreamina.errors.InvalidRequestException.Violation;
import dev.dreamina.images.ImageHost;
import dev.dreamina.images.ImageUploads;
import dev.dreamina.images.LocalImage;
import dev.dreamina.images.PublishedImage;
import dev.dreamina.internal.Futures;
import dev.dreamina.internal.SignedUrls;
import dev.dreamina.internal.http.ClientRuntime;
import dev.dreamina.preflight.ImagePreflight;
import dev.dreamina.preflight.PreflightReport;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Local images on their way to a URL RunComfy can fetch: the image preflight on the local bytes
 * (always: it costs nothing, and a bad file is refused before any upload or payment), then the
 * client's {@link ImageHost}, which stores the image under its content's name once and signs a
 * URL that lives {@link #lifetime}.
 */
public final class ImagePublisher {
  private static final Logger LOG = System.getLogger("dev.dreamina");

  private final @Nullable ImageHost host;
  private final Duration lifetime;
  private final ImagePreflight preflight;
  private final ImageUploads uploads;
  /** The images of jobs this client waits for, by name, and how many jobs hold each. */
  private final Map<String, Integer> holds = new HashMap<>();
  /** The images being published now, by name. */
  private final Map<String, CompletableFuture<PublishedImage>> publishing = new ConcurrentHashMap<>();

  public ImagePublisher(@Nullable ImageHost host, Duration lifetime, ImagePreflight preflight, ImageUploads uploads) {
    this.host = host;
    this.lifetime = lifetime;
    this.preflight = preflight;
    this.uploads = uploads;
  }

  /**
   * The request to submit: this one, or, for a request with a local image, one with the URL the
   * image was published at.
   *
   * @throws IllegalStateException when the request has a local image and there is no host
   * @throws InvalidRequestException when the image fails the preflight; nothing was uploaded
   * @throws ImagePublishException when the host could not publish it
   */
  public ImageToVideoRequest resolve(ImageToVideoRequest request) {
    return resolve(request, false).request();
  }

  /**
   * {@link #resolve(ImageToVideoRequest)} for a job this client waits for: when the host removes
   * images once their job ended, the image is held until {@link #release}, so that no other job
   * of this client removes it first.
   */
  private Resolved resolveHeld(ImageToVideoRequest request) {
    return resolve(request, true);
  }

  /** A request ready to submit, and the image it holds, when {@link #release} may remove it. */
  private record Resolved(ImageToVideoRequest request, @Nullable PublishedImage held) {}

  private Resolved resolve(ImageToVideoRequest request, boolean hold) {
    if (request.imageFile().isEmpty()) {
      return new Resolved(request, null);
    }
    Path file = request.imageFile().get();
    ImageHost to = host(file.toString());
    LocalImage image = checkedRead(file);
    boolean held = hold && to.removesWhenDone();
    if (held) {
      synchronized (holds) {
        holds.merge(image.name(), 1, Integer::sum);
      }
    }
    try {
      PublishedImage published = publish(to, image);
      return new Resolved(request.toBuilder().imageFile(null).imageUrl(published.url()).build(), held ? published : null);
    } catch (RuntimeException e) {
      if (held) {
        synchronized (holds) {
          unhold(image.name());
        }
      }
      throw e;
    }
  }

  /**
   * Runs a job that this client waits for ({@code generate}) on the request with its local image
   * published, holding the image until the job ends; then, when the host removes images, removes
   * it ({@link #release}).
   */
  public RequestResult holding(ImageToVideoRequest request, Function<ImageToVideoRequest, RequestResult> job) {
    Resolved resolved = resolveHeld(request);
    RequestResult result = null;
    RuntimeException failure = null;
    try {
      result = job.apply(resolved.request());
      return result;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      release(resolved, result, failure);
    }
  }

  /** {@link #holding}, publishing on the runtime's blocking executor; the release happens before the future completes. */
  public CompletableFuture<RequestResult> holdingAsync(
      ImageToVideoRequest request, ClientRuntime runtime, Function<ImageToVideoRequest, CompletableFuture<RequestResult>> job) {
    CompletableFuture<RequestResult> generated = new CompletableFuture<>();
    runtime.blocking(() -> resolveHeld(request))
        .whenComplete(
            (resolved, failure) -> {
              if (failure != null) {
                generated.completeExceptionally(Futures.unwrap(failure));
                return;
              }
              CompletableFuture<RequestResult> running = job.apply(resolved.request());
              Futures.cancelTogether(generated, running);
              running.whenComplete(
                  (result, jobFailure) -> {
                    Throwable why = jobFailure == null ? null : Futures.unwrap(jobFailure);
                    runtime.blocking(
                            () -> {
                              release(resolved, result, why);
                              return null;
                            })
                        .whenComplete(
                            (released, never) -> {
                              if (why == null) {
                                generated.complete(result);
                              } else {
                                generated.completeExceptionally(why);
                              }
                            });
                  });
            });
    return generated;
  }

  /**
   * The job's outcome: ended when it has a result or failed ({@link GenerationFailedException});
   * any other failure (a timed-out wait, a submit without an answer) leaves its outcome unknown.
   */
  private void release(Resolved resolved, @Nullable RequestResult result, @Nullable Throwable failure) {
    String job =
        result != null
            ? result.requestId()
            : failure instanceof DreaminaException e ? e.requestId().orElse("a job not submitted") : "a job not submitted";
    release(resolved, job, result != null || failure instanceof GenerationFailedException);
  }

  /**
   * Lets go of a {@link #resolveHeld} image: once no job of this client holds it, and when its job
   * ended (its video made, or failed, or cancelled: RunComfy has fetched the image, or never
   * will), the host removes it. A job whose outcome is not known (a submit without an answer, a
   * wait that timed out) keeps it, for a resume; a bucket lifecycle rule removes it later.
   */
  private void release(Resolved resolved, String job, boolean ended) {
    PublishedImage image = resolved.held();
    if (image == null || host == null) {
      return;
    }
    synchronized (holds) { // held while removing, so that a publishing of the same image waits for it
      if (!unhold(image.name()) || !ended) {
        return;
      }
      try {
        host.remove(image, uploads);
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Could not remove the image of " + job + " from " + host.location() + ": "
                + SignedUrls.redact(String.valueOf(e.getMessage())) + "; a bucket lifecycle rule will");
      }
    }
  }

  /** {@code client.publishImage(file)}: checked, then published. */
  public PublishedImage publish(Path file) {
    ImageHost to = host(file.toString());
    return publish(to, checkedRead(file));
  }

  /** {@code client.publishImage(bytes)}: checked, then published. */
  public PublishedImage publish(byte[] image) {
    ImageHost to = host("the image");
    checked(preflight.check(image));
    return publish(to, LocalImage.of(image));
  }

  /** One hold fewer; whether it was the last. Called holding {@link #holds}. */
  private boolean unhold(String name) {
    if (holds.merge(name, -1, Integer::sum) > 0) {
      return false;
    }
    holds.remove(name);
    return true;
  }

  /**
   * The file, checked with the image preflight and read.
   *
   * @throws InvalidRequestException when it fails the preflight, or changed since it was checked
   */
  private LocalImage checkedRead(Path file) {
    checked(preflight.check(file));
    try {
      return LocalImage.read(file);
    } catch (IOException | IllegalArgumentException e) { // it changed since the preflight read it
      throw new InvalidRequestException(List.of(new Violation("image_urls", "could not read " + file + ": " + e.getMessage())));
    }
  }

  private ImageHost host(String what) {
    if (host == null) {
      throw new IllegalStateException(
          "A local image ("
              + what
              + ") is published to the client's image host, and this client has none: set one with"
              + " DreaminaClientBuilder.imageHost(...) (S3ImageHost, in dreamina-java-s3, for S3, R2 or MinIO),"
              + " or publish the image yourself and give its URL. Nothing was uploaded or submitted.");
    }
    return host;
  }

  /**
   * Publishes the image, once at a time per name: a second caller with the same image (a batch's
   * rows that share it) waits for the first and takes its URL, so it is uploaded once.
   */
  private PublishedImage publish(ImageHost to, LocalImage image) {
    CompletableFuture<PublishedImage> mine = new CompletableFuture<>();
    CompletableFuture<PublishedImage> running = publishing.putIfAbsent(image.name(), mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw (RuntimeException) e.getCause(); // what the first caller threw
      }
    }
    try {
      PublishedImage published = to.publish(image, lifetime, uploads);
      mine.complete(published);
      return published;
    } catch (IOException | RuntimeException e) {
      RuntimeException failure =
          e instanceof DreaminaException known
              ? known
              : new ImagePublishException(
                  "Not submitted: could not publish " + image.source() + " to " + to.location() + ": " + e.getMessage(),
                  to.location(),
                  e);
      mine.completeExceptionally(failure);
      throw failure;
    } finally {
      publishing.remove(image.name(), mine);
    }
  }

  /** The report's failures as the request's, under {@code image_urls}, when it has any. */
  static void checked(PreflightReport report) {
    if (!report.passes()) {
      throw new InvalidRequestException(
          report.failures().stream()
              .map(f -> new Violation("image_urls", f.message()))
              .toList());
    }
  }

  /** The request as the journal keeps it: a signed image URL without its signature. */
  static ImageToVideoRequest withoutSignature(ImageToVideoRequest request) {
    return SignedUrls.isSigned(request.imageUrl())
        ? request.toBuilder().imageUrl(SignedUrls.unsigned(request.imageUrl())).build()
        : request;
  }
}
