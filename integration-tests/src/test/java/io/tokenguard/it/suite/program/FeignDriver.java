package io.tokenguard.it.suite.program;

import feign.Feign;
import feign.Headers;
import feign.Param;
import feign.RequestLine;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** OpenFeign with its default client (HttpURLConnection): a declarative interface, as services declare them. */
public final class FeignDriver implements Driver {
    /** The program's API; the URI parameter overrides the target's URL per call. */
    interface Api {
        @RequestLine("GET")
        @Headers("Authorization: {auth}")
        Response get(URI uri, @Param("auth") String authorization);

        @RequestLine("POST")
        @Headers({"Authorization: {auth}", "Content-Type: {type}"})
        Response post(URI uri, @Param("auth") String authorization, @Param("type") String type, byte[] body);

        @RequestLine("PUT")
        @Headers({"Authorization: {auth}", "Content-Type: {type}"})
        Response put(URI uri, @Param("auth") String authorization, @Param("type") String type, byte[] body);
    }

    private final Api api = Feign.builder().target(Api.class, "http://127.0.0.1");

    @Override
    public Reply send(Call call) throws IOException {
        URI uri = URI.create(call.url.toString());
        try (Response response = call.body == null ? api.get(uri, Call.PLACEHOLDER)
                : "PUT".equals(call.method) ? api.put(uri, Call.PLACEHOLDER, call.contentType, call.body)
                : api.post(uri, Call.PLACEHOLDER, call.contentType, call.body)) {
            String body = "";
            if (response.body() != null) {
                try (InputStream in = response.body().asInputStream()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Reply(response.status(), body);
        }
    }
}
