package io.tokenguard.it.suite.program;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5 ({@code HttpClients.custom()}, with a request interceptor of the program's own and
 * a pool large enough for the suite's 50 concurrent calls). The body that can be read once is an
 * {@code InputStreamEntity}.
 */
public final class Apache4Driver implements Driver {
    private final CloseableHttpClient client = HttpClients.custom()
            .addInterceptorFirst((org.apache.http.HttpRequestInterceptor) (request, context) ->
                    request.setHeader("User-Agent", "suite"))
            .setMaxConnTotal(64).setMaxConnPerRoute(64)
            .build();

    @Override
    public Reply send(Call call) throws Exception {
        RequestBuilder request = RequestBuilder.create(call.method).setUri(call.url)
                .setHeader("Authorization", Call.PLACEHOLDER);
        if (call.body != null) {
            request.setHeader("Content-Type", call.contentType);
            request.setEntity(call.oneShot
                    ? new InputStreamEntity(new ByteArrayInputStream(call.body), call.body.length)
                    : new ByteArrayEntity(call.body));
        }
        try (CloseableHttpResponse response = client.execute(request.build())) {
            return new Reply(response.getStatusLine().getStatusCode(),
                    response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
