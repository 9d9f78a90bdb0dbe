package io.tokenguard.it.suite.program;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5, async API ({@code HttpAsyncClients.createDefault()}, HTTP/1.1), and a blocking
 * {@code send} that waits on it. Compiled against 5.2. The body that can be read once is a producer that
 * says it is not repeatable ({@link OneShotProducer}).
 */
public class Apache5AsyncDriver implements Driver {
    private final CloseableHttpAsyncClient client;

    public Apache5AsyncDriver() {
        this(HttpAsyncClients.createDefault());
    }

    protected Apache5AsyncDriver(CloseableHttpAsyncClient client) {
        this.client = client;
        client.start();
    }

    @Override
    public Reply send(Call call) throws Exception {
        return sendAsync(call).get(60, TimeUnit.SECONDS);
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        AsyncRequestBuilder request = AsyncRequestBuilder.create(call.method).setUri(call.url)
                .setHeader("Authorization", Call.PLACEHOLDER);
        if (call.body != null) {
            AsyncEntityProducer body = AsyncEntityProducers.create(call.body, ContentType.parse(call.contentType));
            request.setEntity(call.oneShot ? new OneShotProducer(body) : body);
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        client.execute(request.build(), SimpleResponseConsumer.create(), new FutureCallback<SimpleHttpResponse>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                byte[] bytes = response.getBodyBytes();
                reply.complete(new Reply(response.getCode(),
                        bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8)));
            }

            @Override
            public void failed(Exception e) {
                reply.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                reply.cancel(false);
            }
        });
        return reply;
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
