package dev.dreamina.examples.cli;

import dev.dreamina.DreaminaClient;
import dev.dreamina.ImageToVideoRequest;
import dev.dreamina.RequestResult;
import dev.dreamina.Submission;
import dev.dreamina.examples.ExampleBackend;
import dev.dreamina.images.LocalImage;
import dev.dreamina.journal.JournalEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/**
 * {@code dreamina generate}: one job, submitted (its image published first when it is a local
 * file), awaited and downloaded; with an idempotency key, once per key.
 */
@Command(mixinStandardHelpOptions = true, name = "generate", description = "Submit a job, wait for it and download the MP4.")
final class GenerateCommand implements Callable<Integer> {
  @ParentCommand DreaminaCli cli;

  @Option(names = "--prompt", required = true, description = "Text prompt, at most 800 characters.")
  String prompt;

  @ArgGroup(multiplicity = "1")
  Image image;

  /** The input image: a URL, or a local file the client publishes to --image-host. */
  static final class Image {
    @Option(names = "--image-url", required = true, description = "https URL of a JPEG or PNG.")
    String url;

    @Option(
        names = "--image",
        required = true,
        paramLabel = "FILE",
        description = "A local JPEG or PNG: checked (as --preflight does), then published to --image-host under its"
            + " content's hash (once) before the job is submitted with its signed URL.")
    Path file;
  }

  @Option(names = "--frames", description = "121 (about 5 s) or 241 (about 10 s).")
  Integer frames;

  @Option(names = "--seed", description = "-1 for random, or 0 and up.")
  Integer seed;

  @Option(names = {"-o", "--output"}, description = "Where to save the MP4 (default: REQUEST_ID.mp4, a name no earlier video has).")
  Path output;

  @Option(names = "--overwrite", description = "Replace the -o file if it exists (without it, an existing file is refused before anything is paid).")
  boolean overwrite;

  @Option(names = "--timeout", description = "How long to wait, e.g. 90s, 15m, PT1H (default 15m).")
  Duration timeout;

  @Option(
      names = "--preflight",
      description = "Fetch the image first and check the page's rules (JPEG/PNG, size, sides, ratio);"
          + " a failing image exits 3 and nothing is submitted.")
  boolean preflight;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "One paid job per KEY (an order id, say), whoever runs it and however often: run again, it prints"
          + " the same request_id and submits nothing (nor downloads, when -o is there already). Exits 8 if the key's"
          + " first submit has an unknown outcome, 3 if the key was used with another request.")
  String idempotencyKey;

  @Override
  public Integer call() throws Exception {
    ImageToVideoRequest.Builder builder = ImageToVideoRequest.builder().prompt(prompt).imageUrl(image.url).imageFile(image.file);
    if (image.file != null && cli.imageHosting.location(cli.env) == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--image needs --image-host s3://BUCKET/PREFIX (or $DREAMINA_IMAGE_HOST) to publish it to");
    }
    if (frames != null) {
      builder.frames(frames);
    }
    if (seed != null) {
      builder.seed(seed);
    }
    ImageToVideoRequest request = builder.build();
    try (ExampleBackend backend = cli.open()) {
      DreaminaClient client = backend.client().withPreflight(preflight);
      if (idempotencyKey != null) {
        client = client.withOptions(o -> o.idempotencyKey(idempotencyKey));
        Optional<JournalEntry> known = client.journalEntryForKey(idempotencyKey);
        if (output != null && known.isPresent() && downloadedTo(known.get(), output) && sameRequest(known.get().request(), request)) {
          cli.out.println("request_id: " + known.get().requestId().orElseThrow());
          cli.out.println("already downloaded: " + output.toAbsolutePath());
          return 0;
        }
      }
      if (output != null && Files.exists(output) && !overwrite) {
        cli.err.println("error: " + output + " exists; pass --overwrite to replace it, or choose another -o. Nothing was submitted.");
        return DreaminaCli.VALIDATION;
      }
      // Without -o, the journal names no target, and a resume saves to REQUEST_ID.mp4 as well.
      Submission submission = client.submit(request, output);
      cli.out.println("request_id: " + submission.requestId());
      RequestResult done = cli.await(backend, submission.requestId(), timeout);
      cli.download(client, done, output != null ? output : Path.of(submission.requestId() + ".mp4"));
      return 0;
    }
  }

  /** Whether the entry records its video downloaded to {@code output}, and the file is there. */
  /**
   * Whether the journaled request is this one: for a local image, the journal holds the URL it
   * was published at, named by the image's content, so the file's content is compared with it.
   */
  private static boolean sameRequest(ImageToVideoRequest journaled, ImageToVideoRequest request) {
    if (request.imageFile().isEmpty()) {
      return journaled.equals(request);
    }
    try {
      String name = LocalImage.read(request.imageFile().get()).name();
      String anyUrl = "https://image/";
      return journaled.imageUrl().getPath().endsWith("/" + name)
          && journaled.toBuilder().imageUrl(anyUrl).build().equals(request.toBuilder().imageFile(null).imageUrl(anyUrl).build());
    } catch (IOException | IllegalArgumentException unreadable) {
      return false; // then the submit checks it, and says why
    }
  }

  private static boolean downloadedTo(JournalEntry entry, Path output) {
    return entry.state() == JournalEntry.State.DOWNLOADED
        && entry.target().equals(Optional.of(output.toAbsolutePath()))
        && Files.isRegularFile(output);
  }
}

