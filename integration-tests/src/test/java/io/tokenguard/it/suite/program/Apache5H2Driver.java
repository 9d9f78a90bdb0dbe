package io.tokenguard.it.suite.program;

import org.apache.hc.client5.http.impl.async.HttpAsyncClients;

/**
 * Apache HttpClient 5, async API over HTTP/2 only ({@code HttpAsyncClients.createHttp2Default()}, h2c with
 * prior knowledge on {@code http:} URLs). Needs an HTTP/2 server: the suite's own speaks HTTP/1.1, so this
 * driver runs against the h2c API of {@code Apache5Http2Test}.
 */
public final class Apache5H2Driver extends Apache5AsyncDriver {
    public Apache5H2Driver() {
        super(HttpAsyncClients.createHttp2Default());
    }
}
