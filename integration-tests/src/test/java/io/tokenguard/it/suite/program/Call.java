package io.tokenguard.it.suite.program;

import java.net.URI;

/**
 * A request the way a program sees it: method, URL, {@code Authorization: Bearer placeholder} (programs
 * send a placeholder; the agent's default {@code inject=replace} swaps in the real token), and optionally
 * a body.
 */
public final class Call {
    public static final String PLACEHOLDER = "Bearer placeholder";

    public final String method;
    public final URI url;
    /** Null: no body. */
    public final byte[] body;
    public final String contentType;
    /**
     * The body is sent as the client's "can be read once" kind: an InputStream publisher (JDK), a
     * chunked streaming body (HttpURLConnection), {@code isOneShot()} (OkHttp), a non-repeatable entity
     * (Apache).
     */
    public final boolean oneShot;

    private Call(String method, URI url, byte[] body, String contentType, boolean oneShot) {
        this.method = method;
        this.url = url;
        this.body = body;
        this.contentType = contentType;
        this.oneShot = oneShot;
    }

    public static Call get(URI url) {
        return new Call("GET", url, null, null, false);
    }

    public static Call withBody(String method, URI url, byte[] body, String contentType) {
        return new Call(method, url, body, contentType, false);
    }

    public Call oneShot() {
        return new Call(method, url, body, contentType, true);
    }
}
