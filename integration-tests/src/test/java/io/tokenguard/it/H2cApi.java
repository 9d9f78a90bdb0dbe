package io.tokenguard.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The protected API again, on Jetty with HTTP/2 over cleartext (h2c, reached by the JDK client's upgrade),
 * since the JDK's own server speaks HTTP/1.1 only. Tokens are those of a {@link DemoAuthServer}; answers
 * have the same shape as its API's.
 */
final class H2cApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DemoAuthServer tokens;
    private final Server server = new Server();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger http2Calls = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private ServerConnector connector;

    H2cApi(DemoAuthServer tokens) {
        this.tokens = tokens;
    }

    H2cApi start() throws Exception {
        HttpConfiguration config = new HttpConfiguration();
        connector = new ServerConnector(server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
        return this;
    }

    int port() {
        return connector.getLocalPort();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    int calls() {
        return calls.get();
    }

    /** Requests that arrived over HTTP/2. */
    int http2Calls() {
        return http2Calls.get();
    }

    int ok() {
        return ok.get();
    }

    int unauthorized() {
        return unauthorized.get();
    }

    private void serve(Request request, Response response, Callback callback) throws Exception {
        calls.incrementAndGet();
        if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2) {
            http2Calls.incrementAndGet();
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes();
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String bearer = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        ObjectNode out = JSON.createObjectNode();
        if (bearer == null || !tokens.isLiveAccessToken(bearer)) {
            unauthorized.incrementAndGet();
            out.put("type", "error");
            out.putObject("error").put("type", "authentication_error").put("message", "OAuth token has expired");
            response.setStatus(401);
        } else {
            ok.incrementAndGet();
            out.put("ok", true);
            out.put("method", request.getMethod());
            out.put("path", Request.getPathInContext(request));
            out.put("protocol", request.getConnectionMetaData().getProtocol());
            out.put("body_sha256", sha256Hex(body));
            out.put("body_length", body.length);
            response.setStatus(200);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(out)), callback);
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        StringBuilder sb = new StringBuilder(64);
        for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
