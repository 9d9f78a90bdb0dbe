package io.tokenguard.it.suite.program;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;

/**
 * Apache HttpClient 5, classic API. Compiled against 5.2 and run unchanged on later 5.x. Made with
 * {@code HttpClients.custom()}, a request interceptor of the program's own and a pool large enough for
 * the suite's 50 concurrent calls, as a program that makes them would; the body that can be read once is
 * an {@code InputStreamEntity}.
 */
public final class Apache5Driver implements Driver {
    private final CloseableHttpClient client = HttpClients.custom()
            .addRequestInterceptorFirst((request, entity, context) -> request.setHeader("User-Agent", "suite"))
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(64).setMaxConnPerRoute(64).build())
            .build();

    @Override
    public Reply send(Call call) throws Exception {
        HttpUriRequestBase request = new HttpUriRequestBase(call.method, call.url);
        request.setHeader("Authorization", Call.PLACEHOLDER);
        if (call.body != null) {
            request.setHeader("Content-Type", call.contentType);
            request.setEntity(call.oneShot
                    ? new InputStreamEntity(new ByteArrayInputStream(call.body), call.body.length, null)
                    : new ByteArrayEntity(call.body, null));
        }
        return client.execute(request, response -> new Reply(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
