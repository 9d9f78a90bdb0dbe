package io.tokenguard.instrumentation.jdkhttp;

import io.tokenguard.bootstrap.JdkHttpClientBridge;
import io.tokenguard.bootstrap.PassThrough;
import io.tokenguard.events.RequestInfo;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Translates the JDK client's requests and responses into {@link RequestGuard} calls and back: puts the
 * current token on guarded requests, and turns a 401 into one refresh and one retry whose response the
 * caller receives as if it were the first (two retries when the first may have met the same revocation:
 * {@link RequestGuard#retried}). Requests to other hosts return null at once (untouched).
 */
final class JdkHttpClientInterceptor implements JdkHttpClientBridge.Hook {
    private static final String NAME = "jdk-http-client";

    private final RequestGuard guard;
    /**
     * Where async retries continue after a refresh: never the refresh thread, never blocking the client's.
     * Made when first needed (a holder class), not on the host's start-up path.
     */
    private static final class Callbacks {
        static final Executor POOL = AgentThreads.pool("callbacks", 4);
    }

    JdkHttpClientInterceptor(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public HttpResponse<?> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler)
            throws IOException, InterruptedException {
        if (!guarded(request)) {
            return null;
        }
        Token token = guard.tokenForRequest();
        Exchange exchange = prepare(request, token);
        if (exchange == null) {
            return null;
        }
        HttpResponse<?> first = sendUntouched(client, exchange.first, HeldRejection.holding401(handler));
        HeldRejection rejection = HeldRejection.in(first);
        if (rejection == null) {
            return first;
        }
        Optional<HttpRequest.BodyPublisher> retryBody = exchange.body.retry();
        if (retryBody == null) {
            guard.bodyNotReplayable(exchange.info, rejection.statusCode(), token);
            return join(rejection.deliver(first, handler));
        }
        Token fresh = guard.rejected(exchange.info, rejection.statusCode(), token);
        if (fresh == null) {
            return join(rejection.deliver(first, handler));
        }
        HttpResponse<?> retry = sendUntouched(client, exchange.retry(retryBody, fresh), HeldRejection.holding401(handler));
        HeldRejection again = HeldRejection.in(retry);
        Token last = guard.retried(exchange.info, retry.statusCode(), fresh);
        if (again == null) {
            return retry;
        }
        if (last == null) {
            return join(again.deliver(retry, handler));
        }
        HttpResponse<?> third = sendUntouched(client, exchange.retry(retryBody, last), handler);
        guard.retriedAgain(exchange.info, third.statusCode(), last);
        return third;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<?> sendAsync(HttpClient client, HttpRequest request,
            HttpResponse.BodyHandler<?> handler, HttpResponse.PushPromiseHandler<?> pushPromiseHandler) {
        if (!guarded(request)) {
            return null;
        }
        CompletableFuture<Token> token = guard.tokenForRequestAsync();
        if (token.isDone()) {
            return sendAsync(client, request, handler, pushPromiseHandler, token.join());
        }
        // Only an expired token waits, and then on the refresh, not on a client thread.
        return token.thenComposeAsync(t -> {
            CompletableFuture<?> handled = sendAsync(client, request, handler, pushPromiseHandler, t);
            return handled != null ? handled
                    : untouched(() -> client.sendAsync(request, (HttpResponse.BodyHandler) handler,
                            (HttpResponse.PushPromiseHandler) pushPromiseHandler));
        }, Callbacks.POOL);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<?> sendAsync(HttpClient client, HttpRequest request,
            HttpResponse.BodyHandler<?> handler, HttpResponse.PushPromiseHandler<?> pushPromiseHandler, Token token) {
        Exchange exchange = prepare(request, token);
        if (exchange == null) {
            return null;
        }
        HttpResponse.PushPromiseHandler<Object> push = (HttpResponse.PushPromiseHandler) pushPromiseHandler;
        CompletableFuture<HttpResponse<Object>> first =
                untouched(() -> client.sendAsync(exchange.first, HeldRejection.holding401(handler), push));
        return first.thenCompose(response -> {
            HeldRejection rejection = HeldRejection.in(response);
            if (rejection == null) {
                return CompletableFuture.completedFuture(response);
            }
            Optional<HttpRequest.BodyPublisher> retryBody = exchange.body.retry();
            if (retryBody == null) {
                guard.bodyNotReplayable(exchange.info, rejection.statusCode(), token);
                return (CompletableFuture) rejection.deliver(response, handler);
            }
            return guard.rejectedAsync(exchange.info, rejection.statusCode(), token).thenComposeAsync(fresh -> {
                if (fresh == null) {
                    return (CompletableFuture) rejection.deliver(response, handler);
                }
                return retryAsync(client, exchange, retryBody, handler, push, fresh);
            }, Callbacks.POOL);
        });
    }

    /** The retry with {@code fresh}, and the second one if its 401 may be the first one's revocation. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<?> retryAsync(HttpClient client, Exchange exchange,
            Optional<HttpRequest.BodyPublisher> retryBody, HttpResponse.BodyHandler<?> handler,
            HttpResponse.PushPromiseHandler<Object> push, Token fresh) {
        CompletableFuture<HttpResponse<Object>> retry = untouched(() -> client.sendAsync(
                exchange.retry(retryBody, fresh), HeldRejection.holding401(handler), push));
        return retry.thenCompose(response -> {
            HeldRejection again = HeldRejection.in(response);
            if (again == null) {
                guard.retried(exchange.info, response.statusCode(), fresh); // not a 401: only reported
                return CompletableFuture.completedFuture(response);
            }
            return guard.retriedAsync(exchange.info, again.statusCode(), fresh).thenComposeAsync(last -> {
                if (last == null) {
                    return (CompletableFuture) again.deliver(response, handler);
                }
                return untouched(() -> client.sendAsync(exchange.retry(retryBody, last),
                        (HttpResponse.BodyHandler<Object>) handler, push))
                        .thenApply(third -> {
                            guard.retriedAgain(exchange.info, third.statusCode(), last);
                            return (HttpResponse) third;
                        });
            }, Callbacks.POOL);
        });
    }

    @Override
    public Object redirectHeaders(URI to, Object userHeaders) {
        try {
            HttpHeaders headers = (HttpHeaders) userHeaders;
            String name = guard.header();
            for (String value : headers.allValues(name)) {
                if (guard.strayToken(to.getScheme(), to.getHost(), to.getPort(), value)) {
                    return HttpHeaders.of(headers.map(), (header, v) -> !header.equalsIgnoreCase(name));
                }
            }
            return headers;
        } catch (RuntimeException e) {
            guard.internalFailure(NAME, e);
            return userHeaders;
        }
    }

    /** A request to a guarded host that should carry the token (per {@code inject}). */
    private boolean guarded(HttpRequest request) {
        try {
            URI uri = request.uri();
            return guard.guards(uri.getScheme(), uri.getHost(), uri.getPort())
                    && guard.shouldInject(request.headers().firstValue(guard.header()).isPresent());
        } catch (RuntimeException e) {
            guard.internalFailure(NAME, e);
            return false;
        }
    }

    /** The request as it goes out first, or null to leave it untouched (no token). */
    private Exchange prepare(HttpRequest request, Token token) {
        try {
            if (token == null) {
                return null;
            }
            URI uri = request.uri();
            RequestInfo info = new RequestInfo(uri.getHost(), request.method(), uri.getRawPath(), NAME);
            ReplayableBody body = ReplayableBody.of(request.bodyPublisher(), guard.maxReplayBytes());
            HttpRequest first = RequestCopy.withHeader(request, guard.header(), guard.headerValue(token), body.first());
            return new Exchange(request, info, body, first);
        } catch (RuntimeException e) {
            guard.internalFailure(NAME, e);
            return null;
        }
    }

    private final class Exchange {
        final HttpRequest original;
        final RequestInfo info;
        final ReplayableBody body;
        final HttpRequest first;

        Exchange(HttpRequest original, RequestInfo info, ReplayableBody body, HttpRequest first) {
            this.original = original;
            this.info = info;
            this.body = body;
            this.first = first;
        }

        /** The original request again, with the fresh token and the body to resend. */
        HttpRequest retry(Optional<HttpRequest.BodyPublisher> retryBody, Token fresh) {
            return RequestCopy.withHeader(original, guard.header(), guard.headerValue(fresh), retryBody);
        }
    }

    private static <T> HttpResponse<T> sendUntouched(HttpClient client, HttpRequest request,
            HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        PassThrough.enter();
        try {
            return client.send(request, handler);
        } finally {
            PassThrough.exit();
        }
    }

    private static <T> T untouched(Supplier<T> call) {
        PassThrough.enter();
        try {
            return call.get();
        } finally {
            PassThrough.exit();
        }
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        }
    }
}
