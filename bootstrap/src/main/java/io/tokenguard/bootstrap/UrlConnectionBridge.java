package io.tokenguard.bootstrap;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;

/**
 * What the first instruction of the JDK's {@code http} and {@code https} {@code Handler.openConnection(URL,
 * Proxy)} calls. Those handlers live in {@code java.base} and see only the boot loader, so the agent installs
 * its hook here. A {@code null} answer means "not mine": the handler builds the JDK's own connection.
 */
public final class UrlConnectionBridge {

    /** Implemented by the agent; may return {@code null} to let the JDK build its own connection. */
    public interface Hook {
        /** @param proxy null when the program called {@code URL.openConnection()} without a proxy */
        URLConnection openConnection(URL url, Proxy proxy) throws IOException;
    }

    private static final String AUTHORIZATION = "Authorization";

    private static volatile Hook hook;

    private UrlConnectionBridge() {}

    public static void install(Hook newHook) {
        hook = newHook;
    }

    /** The receiver is the hooked handler itself; the connection is opened through the URL instead. */
    public static Object openConnection(URLStreamHandler handler, URL url, Proxy proxy) throws IOException {
        Hook h = hook;
        if (h == null || PassThrough.active()) {
            return null;
        }
        return h.openConnection(url, proxy);
    }

    /**
     * The JDK's {@code HttpURLConnection} drops {@code Authorization} when it follows a redirect to another
     * host or port; the agent's prologue there then asks for a second header to drop: the token header, when
     * it holds a token the agent put on and the new URL is not guarded. Otherwise {@code Authorization}
     * again (dropping it twice changes nothing).
     */
    public static String headerToDropOnRedirect(String value, URL to) {
        try {
            String name = ClientHooks.headerName();
            if (name != null && value != null && to != null
                    && ClientHooks.strayToken(to.getProtocol(), to.getHost(), to.getPort(), value)) {
                return name;
            }
        } catch (Throwable ignored) {
            // the redirect goes on as the JDK would make it
        }
        return AUTHORIZATION;
    }

    /** The name of the token header, whose value {@link #headerToDropOnRedirect} is given. Never throws. */
    public static String tokenHeaderName() {
        try {
            String name = ClientHooks.headerName();
            return name == null ? AUTHORIZATION : name;
        } catch (Throwable ignored) {
            return AUTHORIZATION;
        }
    }
}
