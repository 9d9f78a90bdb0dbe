package io.tokenguard.instrumentation.urlconnection;

import io.tokenguard.bootstrap.UrlConnectionBridge;
import io.tokenguard.guard.RequestGuard;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import javax.net.ssl.HttpsURLConnection;

/**
 * Decides, when the program opens a connection, whether it gets the JDK's own (any host that is not
 * guarded: null, the handler runs as it always did) or a guarded one that owns a real JDK connection.
 */
final class UrlConnectionInterceptor implements UrlConnectionBridge.Hook {
    private final RequestGuard guard;

    UrlConnectionInterceptor(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public URLConnection openConnection(URL url, Proxy proxy) throws IOException {
        try {
            if (!guard.guards(url.getProtocol(), url.getHost(), url.getPort())) {
                return null;
            }
        } catch (RuntimeException | LinkageError e) {
            guard.internalFailure(GuardedExchange.NAME, e);
            return null;
        }
        URLConnection real = GuardedExchange.openUntouched(url, proxy);
        if (!(real instanceof HttpURLConnection)) {
            return null; // not the JDK's own handler behind this URL: let the hooked handler answer
        }
        try {
            GuardedExchange exchange = new GuardedExchange(guard, url, proxy, (HttpURLConnection) real);
            return real instanceof HttpsURLConnection ? new GuardedHttpsURLConnection(url, exchange)
                    : new GuardedHttpURLConnection(url, exchange);
        } catch (RuntimeException | LinkageError e) {
            guard.internalFailure(GuardedExchange.NAME, e);
            return real;
        }
    }
}
