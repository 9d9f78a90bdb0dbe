package io.tokenguard.it.suite.program;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@code java.net.http.HttpClient}, sync {@code send} and async {@code sendAsync}. */
public final class JdkDriver implements Driver {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    @Override
    public Reply send(Call call) throws Exception {
        HttpResponse<String> response = client.send(request(call), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        return client.sendAsync(request(call), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Reply(response.statusCode(), response.body()));
    }

    private static HttpRequest request(Call call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.url).timeout(Duration.ofSeconds(30))
                .header("Authorization", Call.PLACEHOLDER);
        if (call.body == null) {
            return builder.method(call.method, HttpRequest.BodyPublishers.noBody()).build();
        }
        HttpRequest.BodyPublisher body = call.oneShot
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(call.body))
                : HttpRequest.BodyPublishers.ofByteArray(call.body);
        return builder.header("Content-Type", call.contentType).method(call.method, body).build();
    }
}
