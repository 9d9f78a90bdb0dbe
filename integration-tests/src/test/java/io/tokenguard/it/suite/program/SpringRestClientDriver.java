package io.tokenguard.it.suite.program;

import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * Spring's {@code RestClient} with whatever request factory Spring picks from the class path, as in a
 * Spring application: the JDK HttpClient when nothing else is there, Apache HttpClient 5 when it is.
 */
public final class SpringRestClientDriver implements Driver {
    private final RestClient client = RestClient.create();

    @Override
    public Reply send(Call call) {
        RestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(call.method)).uri(call.url)
                .header("Authorization", Call.PLACEHOLDER);
        if (call.body != null) {
            request.contentType(MediaType.parseMediaType(call.contentType)).body(call.body);
        }
        return request.exchange((req, response) -> new Reply(response.getStatusCode().value(),
                new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        return null;
    }
}
