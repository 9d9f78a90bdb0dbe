package io.tokenguard.instrumentation.jdkhttp;

import io.tokenguard.guard.RequestGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * The body of a 401 from a guarded host, held back from the program's own body handler: if the request
 * is retried, the program never sees the 401 at all (its handler never writes a file or opens a stream
 * for it). If it is not retried, {@link #deliver} plays the held bytes into the program's handler, so
 * the program gets the original 401 exactly as the server sent it.
 */
final class HeldRejection {
    private final HttpResponse.ResponseInfo info;
    private final byte[] body;

    private HeldRejection(HttpResponse.ResponseInfo info, byte[] body) {
        this.info = info;
        this.body = body;
    }

    /** A handler that holds back 401 bodies and hands every other response to {@code handler}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static HttpResponse.BodyHandler<Object> holding401(HttpResponse.BodyHandler<?> handler) {
        return info -> info.statusCode() == RequestGuard.UNAUTHORIZED
                ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                        bytes -> new HeldRejection(info, bytes))
                : (HttpResponse.BodySubscriber) handler.apply(info);
    }

    /** The held rejection in {@code response}, or null when the response went to the program's handler. */
    static HeldRejection in(HttpResponse<?> response) {
        Object body = response.body();
        return body instanceof HeldRejection ? (HeldRejection) body : null;
    }

    int statusCode() {
        return info.statusCode();
    }

    /** The 401 as the program's own handler would have produced it. */
    <T> CompletableFuture<HttpResponse<T>> deliver(HttpResponse<?> response, HttpResponse.BodyHandler<T> handler) {
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                if (done) {
                    return;
                }
                done = true;
                if (n <= 0) {
                    subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
                    return;
                }
                if (body.length > 0) {
                    subscriber.onNext(List.of(ByteBuffer.wrap(body)));
                }
                subscriber.onComplete();
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
        CompletionStage<T> converted = subscriber.getBody();
        return converted.toCompletableFuture().thenApply(value -> new WithBody<>(response, value));
    }

    /** {@code response} with another body: everything else is the server's. */
    private static final class WithBody<T> implements HttpResponse<T> {
        private final HttpResponse<?> response;
        private final T body;

        WithBody(HttpResponse<?> response, T body) {
            this.response = response;
            this.body = body;
        }

        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Optional<HttpResponse<T>> previousResponse() {
            return (Optional<HttpResponse<T>>) (Optional<?>) response.previousResponse();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public T body() {
            return body;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public URI uri() {
            return response.uri();
        }

        @Override
        public HttpClient.Version version() {
            return response.version();
        }

        @Override
        public String toString() {
            return response.toString();
        }
    }
}
