package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One request on its way to one host (a redirect makes a new one), between the retry handler that opens it
 * and the {@link TokenHeader} interceptor that puts its token on. The handler decides whether the request
 * is guarded; the interceptor, which runs later, after the program's own interceptors and default headers,
 * applies that decision to the request as it finally is.
 *
 * <p>Under {@code inject=replace} the header the program sends may only appear in those interceptors. When
 * the handler does not see it yet, it asks for a token on the assumption that it will, and the interceptor
 * drops the call if the header never came ({@link #applyTo}).
 */
final class TokenSlot {
    static final String LIBRARY = "apache-httpclient-5";
    /** Where the slot waits in the request's context for the interceptor. */
    static final String ATTRIBUTE = "io.tokenguard.apache5.slot";

    private final HttpRequest request;
    private final String header;
    private final String scheme;
    private final String host;
    private final int port;
    private final String method;
    private final String path;
    private final boolean hadHeader;
    /** The headers as they came to the handler: restored before the retry, as the library's own retries do. */
    private final Header[] headersBefore;
    private volatile GuardedCall call;
    /** The call was begun before the header was seen: it holds only if the request carries the header. */
    private volatile boolean onlyIfSent;

    private TokenSlot(HttpRequest request, String header, URIAuthority authority) {
        this.request = request;
        this.header = header;
        this.scheme = request.getScheme();
        this.host = authority.getHostName();
        this.port = authority.getPort();
        this.method = request.getMethod();
        String rawPath = request.getPath();
        int query = rawPath == null ? -1 : rawPath.indexOf('?');
        this.path = query < 0 ? rawPath : rawPath.substring(0, query);
        this.hadHeader = request.containsHeader(header);
        this.headersBefore = request.getHeaders();
    }

    /** Null when the agent is not running or the request has no target yet. */
    static TokenSlot open(HttpRequest request) {
        String header = ClientHooks.headerName();
        URIAuthority authority = request.getAuthority();
        if (header == null || authority == null || request.getScheme() == null) {
            return null;
        }
        return new TokenSlot(request, header, authority);
    }

    /** Blocking (bounded): the classic client's calling thread may wait for a refresh. */
    GuardedCall begin() {
        GuardedCall begun = ClientHooks.begin(LIBRARY, scheme, host, port, method, path, hadHeader);
        if (begun == null && mayGetHeaderLater()) {
            begun = conditional(ClientHooks.begin(LIBRARY, scheme, host, port, method, path, true));
        }
        call = begun;
        return begun;
    }

    /** Never blocks: for the async clients, whose callbacks run on I/O threads. */
    CompletableFuture<GuardedCall> beginAsync() {
        return ClientHooks.beginAsync(LIBRARY, scheme, host, port, method, path, hadHeader)
                .thenCompose(begun -> begun != null || !mayGetHeaderLater() ? CompletableFuture.completedFuture(begun)
                        : ClientHooks.beginAsync(LIBRARY, scheme, host, port, method, path, true)
                                .thenApply(this::conditional))
                .thenApply(begun -> call = begun);
    }

    private GuardedCall conditional(GuardedCall begun) {
        onlyIfSent = begun != null;
        return begun;
    }

    private boolean mayGetHeaderLater() {
        return !hadHeader && ClientHooks.guards(scheme, host, port);
    }

    /** The call, or null when the request turned out not to be guarded. */
    GuardedCall call() {
        return call;
    }

    void attachTo(HttpContext context) {
        context.setAttribute(ATTRIBUTE, this);
    }

    /** Called by {@link TokenHeader} with the request as it is about to be sent. */
    void applyTo(HttpRequest sent) {
        GuardedCall current = call;
        if (sent != request || current == null) {
            return;
        }
        if (onlyIfSent && !sent.containsHeader(header)) {
            call = null; // inject=replace and the program sends no header: leave the request alone
            return;
        }
        sent.setHeader(current.headerName(), current.headerValue());
    }

    /** Before the retry: the headers the request had before the interceptors ran (they run again). */
    void restoreHeaders() {
        request.setHeaders(headersBefore);
    }
}
