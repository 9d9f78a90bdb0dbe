package io.tokenguard.instrumentation.jdkhttp;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A copy of a request with one header replaced. Java 11 has no copying builder, so it is done by hand. */
final class RequestCopy {
    private RequestCopy() {}

    static HttpRequest withHeader(HttpRequest original, String header, String value, Optional<BodyPublisher> body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(original.uri())
                .expectContinue(original.expectContinue());
        original.timeout().ifPresent(builder::timeout);
        original.version().ifPresent(builder::version);
        for (Map.Entry<String, List<String>> entry : original.headers().map().entrySet()) {
            if (!entry.getKey().equalsIgnoreCase(header)) {
                for (String headerValue : entry.getValue()) {
                    builder.header(entry.getKey(), headerValue);
                }
            }
        }
        builder.header(header, value);
        String method = original.method();
        if (body.isEmpty() && method.equals("GET")) {
            builder.GET();
        } else if (body.isEmpty() && method.equals("DELETE")) {
            builder.DELETE();
        } else {
            builder.method(method, body.orElseGet(HttpRequest.BodyPublishers::noBody));
        }
        return builder.build();
    }
}
