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
}
