package io.tokenguard.instrumentation.apache4.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import java.net.URI;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.util.EntityUtils;

/**
 * Wraps HttpClient 4.5's {@code MainClientExec}, inside {@code ProtocolExec}: the request it sees has every
 * header the program's interceptors set. It puts the token on; on a 401 from the guarded host (the route's
 * target: redirects are handled above, each hop comes through here) it asks the agent for a fresh token and
 * executes once more, on a fresh connection lease. An entity that is not repeatable is never sent twice.
 */
final class TokenExecChain implements ClientExecChain {
    private static final String LIBRARY = "apache-httpclient-4";

    private final ClientExecChain mainExec;

    TokenExecChain(ClientExecChain mainExec) {
        this.mainExec = mainExec;
    }

    @Override
    public CloseableHttpResponse execute(HttpRoute route, HttpRequestWrapper request, HttpClientContext context,
            HttpExecutionAware execAware) throws IOException, HttpException {
        GuardedCall call;
        try {
            call = begin(route, request);
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(LIBRARY, e);
            call = null;
        }
        if (call == null) {
            return mainExec.execute(route, request, context, execAware);
        }
        request.setHeader(call.headerName(), call.headerValue());
        CloseableHttpResponse response = mainExec.execute(route, request, context, execAware);
        if (!shouldRetry(call, request, response)) {
            return response;
        }
        CloseableHttpResponse retry = resend(route, request, context, execAware, call, response);
        if (call.retried(retry.getStatusLine().getStatusCode())) { // a 401 that may be the first one's revocation
            retry = resend(route, request, context, execAware, call, retry);
            call.retried(retry.getStatusLine().getStatusCode());
        }
        return retry;
    }

    private CloseableHttpResponse resend(HttpRoute route, HttpRequestWrapper request, HttpClientContext context,
            HttpExecutionAware execAware, GuardedCall call, CloseableHttpResponse rejected)
            throws IOException, HttpException {
        try {
            EntityUtils.consume(rejected.getEntity()); // releases the connection to the pool when it can be kept
        } finally {
            rejected.close();
        }
        request.setHeader(call.headerName(), call.headerValue());
        return mainExec.execute(route, request, context, execAware);
    }

    private static GuardedCall begin(HttpRoute route, HttpRequestWrapper request) {
        String header = ClientHooks.headerName();
        HttpHost target = route.getTargetHost();
        if (header == null || target == null) {
            return null;
        }
        URI uri = request.getURI();
        String path = uri == null ? null : uri.getRawPath();
        return ClientHooks.begin(LIBRARY, target.getSchemeName(), target.getHostName(), target.getPort(),
                request.getRequestLine().getMethod(), path, request.containsHeader(header));
    }

    private static boolean shouldRetry(GuardedCall call, HttpRequestWrapper request, CloseableHttpResponse response) {
        if (response.getStatusLine().getStatusCode() != 401) {
            return false;
        }
        try {
            return call.retryAfter(401, replayable(request));
        } catch (RuntimeException | LinkageError e) {
            ClientHooks.failed(LIBRARY, e);
            return false;
        }
    }

    private static boolean replayable(HttpRequestWrapper request) {
        if (!(request instanceof HttpEntityEnclosingRequest)) {
            return true;
        }
        HttpEntity entity = ((HttpEntityEnclosingRequest) request).getEntity();
        return entity == null || entity.isRepeatable();
    }
}
