package io.tokenguard.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * What the first instruction of {@code HttpClientFacade.send} and {@code sendAsync} calls. The facade lives in
 * the platform class loader and can see only the bootstrap class path, so the agent installs its
 * interceptor here. A {@code null} answer means "not mine": the original method runs unchanged.
 */
public final class JdkHttpClientBridge {

    /** Implemented by the agent; every method may return {@code null} to let the call through. */
    public interface Hook {
        HttpResponse<?> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler)
                throws IOException, InterruptedException;

        CompletableFuture<?> sendAsync(HttpClient client, HttpRequest request,
                HttpResponse.BodyHandler<?> handler, HttpResponse.PushPromiseHandler<?> pushPromiseHandler);

        /**
         * The user headers a redirect to {@code to} carries over ({@code java.net.http.HttpHeaders}), without
         * the token header when the redirect leaves {@code hosts} with a token the agent put on.
         */
        Object redirectHeaders(URI to, Object headers);
    }

    private static volatile Hook hook;

    private JdkHttpClientBridge() {}

    public static void install(Hook newHook) {
        hook = newHook;
    }

    public static Object send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler)
            throws IOException, InterruptedException {
        Hook h = hook;
        if (h == null || PassThrough.active()) {
            return null;
        }
        return h.send(client, request, handler);
    }

    public static Object sendAsync(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler) {
        return sendAsync(client, request, handler, null);
    }

    public static Object sendAsync(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler,
            HttpResponse.PushPromiseHandler<?> pushPromiseHandler) {
        Hook h = hook;
        if (h == null || PassThrough.active()) {
            return null;
        }
        return h.sendAsync(client, request, handler, pushPromiseHandler);
    }

    /**
     * What the end of the JDK's redirect constructor of {@code HttpRequestImpl} calls with the headers it
     * copied from the request being redirected (a {@code java.net.http.HttpHeaders}, typed {@code Object}
     * here because the boot loader cannot see {@code java.net.http}): the agent's answer, or the same
     * headers when there is no agent or it fails. Never throws.
     */
    public static Object redirectHeaders(URI to, Object headers) {
        Hook h = hook;
        if (h == null || headers == null) {
            return headers;
        }
        try {
            Object answer = h.redirectHeaders(to, headers);
            return answer != null ? answer : headers;
        } catch (Throwable failure) {
            return headers;
        }
    }
}
