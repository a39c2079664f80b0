package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The blocking and the async API behind one face, so that one test pins both: the same requests
 * must be sent and the same exception types must come out (for async, as the future's cause,
 * never wrapped).
 */
enum Mode {
  BLOCKING {
    @Override
    Calls of(DreaminaClient client) {
      return new Calls() {
        @Override
        public DreaminaClient client() {
          return client;
        }

        @Override
        public Submission submit(ImageToVideoRequest request) {
          return client.submit(request);
        }

        @Override
        public RequestStatus status(String id) {
          return client.status(id);
        }

        @Override
        public RequestResult result(String id) {
          return client.result(id);
        }

        @Override
        public CancelResult cancel(String id) {
          return client.cancel(id);
        }

        @Override
        public RequestResult awaitResult(String id, AwaitOptions options) {
          return client.awaitResult(id, options);
        }

        @Override
        public RequestResult generate(ImageToVideoRequest request, AwaitOptions options) {
          return client.generate(request, options);
        }
      };
    }
  },
  ASYNC {
    @Override
    Calls of(DreaminaClient client) {
      return new Calls() {
        @Override
        public DreaminaClient client() {
          return client;
        }

        @Override
        public Submission submit(ImageToVideoRequest request) {
          return join(client.async().submit(request));
        }

        @Override
        public RequestStatus status(String id) {
          return join(client.async().status(id));
        }

        @Override
        public RequestResult result(String id) {
          return join(client.async().result(id));
        }

        @Override
        public CancelResult cancel(String id) {
          return join(client.async().cancel(id));
        }

        @Override
        public RequestResult awaitResult(String id, AwaitOptions options) {
          return join(client.async().awaitResult(id, options));
        }

        @Override
        public RequestResult generate(ImageToVideoRequest request, AwaitOptions options) {
          return join(client.async().generate(request, options));
        }
      };
    }
  };

  abstract Calls of(DreaminaClient client);

  /** The client's calls, blocking or async. */
  interface Calls {
    Submission submit(ImageToVideoRequest request);

    RequestStatus status(String id);

    RequestResult result(String id);

    CancelResult cancel(String id);

    RequestResult awaitResult(String id, AwaitOptions options);

    default RequestResult awaitResult(String id) {
      return awaitResult(id, client().awaitOptions());
    }

    DreaminaClient client();

    RequestResult generate(ImageToVideoRequest request, AwaitOptions options);

    default RequestResult generate(ImageToVideoRequest request) {
      return generate(request, client().awaitOptions());
    }
  }

  /** The future's value, or its failure rethrown as it is: the type the blocking call throws. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      assertFalse(cause instanceof CompletionException, "the cause must not be wrapped: " + cause);
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new AssertionError("unexpected failure type", cause);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the future did not complete", e);
    }
  }
}
