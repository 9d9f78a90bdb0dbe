package io.tokenguard.instrumentation.urlconnection;

import io.tokenguard.bootstrap.UrlConnectionBridge;
import io.tokenguard.guard.RequestGuard;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;

/**
 * Decides, when the program opens a connection, whether it gets the JDK's own (any host that is not
 * guarded: null, the handler runs as it always did) or a guarded one that owns a real JDK connection.
 *
 * <p>One JDK caller must always get the JDK's own: {@code java.net.HttpConnectSocketImpl}, which tunnels a
 * plain {@code Socket} through an HTTP proxy with an {@code HttpURLConnection} and then reaches into the
 * JDK's connection class by reflection. It opens its connection with an HTTP proxy, so only such calls pay
 * for a look at the stack.
 */
final class UrlConnectionInterceptor implements UrlConnectionBridge.Hook {
    private static final String SOCKET_TUNNEL = "java.net.HttpConnectSocketImpl";
    /** Interceptor, bridge, handler, URL, then the caller: a few frames are enough. */
    private static final int CALLER_DEPTH = 8;

    private final RequestGuard guard;

    UrlConnectionInterceptor(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public URLConnection openConnection(URL url, Proxy proxy) throws IOException {
        try {
            if (!guard.guards(url.getProtocol(), url.getHost(), url.getPort()) || tunnelsASocket(proxy)) {
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
            return GuardedExchange.shell(guard, url, proxy, (HttpURLConnection) real);
        } catch (RuntimeException | LinkageError e) {
            guard.internalFailure(GuardedExchange.NAME, e);
            return real;
        }
    }

    private static boolean tunnelsASocket(Proxy proxy) {
        return proxy != null && proxy.type() == Proxy.Type.HTTP && StackWalker.getInstance().walk(frames ->
                frames.limit(CALLER_DEPTH).anyMatch(frame -> SOCKET_TUNNEL.equals(frame.getClassName())));
    }
}
