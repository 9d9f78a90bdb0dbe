package io.tokenguard.instrumentation;

import com.sun.net.httpserver.HttpServer;
import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For tests of the helper classes with a real client library in the test's own class loader: a stand-in for
 * the agent's core behind {@link ClientHooks} (guarded host 127.0.0.1, tokens {@code old} then {@code new},
 * {@code inject=replace} unless told otherwise), and a server on 127.0.0.1 that answers 401 to any
 * {@code Authorization} but {@code Bearer new}. Records what each side saw.
 */
public final class FakeHooks implements ClientHooks.Core, AutoCloseable {
    public static final String REJECTED_BODY = "{\"error\":\"token rejected\"}";

    /** What the server saw: the Authorization header (or "none") and the body length, per request. */
    public final List<String> seen = new CopyOnWriteArrayList<>();
    /** What the helpers told the core: "begin hasHeader=..", "retryAfter 401 replayable=..", "retried 200". */
    public final List<String> told = new CopyOnWriteArrayList<>();
    public final List<Throwable> failures = new CopyOnWriteArrayList<>();
    public final List<Object[]> announced = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile boolean allowRetry = true;
    private volatile boolean injectAlways;

    public FakeHooks() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add((authorization == null ? "none" : authorization) + " " + body.length);
            boolean ok = "Bearer new".equals(authorization);
            byte[] answer = (ok ? "{\"ok\":true}" : REJECTED_BODY).getBytes(StandardCharsets.UTF_8);
            if (!ok && exchange.getRequestURI().getPath().startsWith("/large")) {
                answer = largeRejection();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(ok ? 200 : 401, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        ClientHooks.install(this);
    }

    /** What the server answers with 401 on paths under {@code /large}: a body no real 401 has, 300 KiB. */
    public static byte[] largeRejection() {
        byte[] body = new byte[300 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The core answers "do not retry" to every 401. */
    public FakeHooks refuseRetries() {
        allowRetry = false;
        return this;
    }

    public FakeHooks injectAlways() {
        injectAlways = true;
        return this;
    }

    @Override
    public void close() {
        ClientHooks.install(null);
        server.stop(0);
    }

    @Override
    public void announce(String key, Object target) {
        announced.add(new Object[] {key, target});
    }

    @Override
    public Object replace(String key, Object owner, Object original) {
        announced.add(new Object[] {key, owner, original});
        return null;
    }

    @Override
    public GuardedCall begin(String library, String scheme, String host, int port, String method, String rawPath,
            boolean requestHasHeader) {
        if (!guards(scheme, host, port) || !(requestHasHeader || injectAlways)) {
            return null;
        }
        told.add("begin " + library + " " + method + " " + rawPath + " hasHeader=" + requestHasHeader);
        return new Call();
    }

    @Override
    public CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
            String method, String rawPath, boolean requestHasHeader) {
        // Completed later, on another thread, as when the token is being refreshed.
        return CompletableFuture.supplyAsync(() -> begin(library, scheme, host, port, method, rawPath, requestHasHeader));
    }

    @Override
    public boolean guards(String scheme, String host, int port) {
        return "http".equals(scheme) && "127.0.0.1".equals(host) && port == server.getAddress().getPort();
    }

    @Override
    public String headerName() {
        return "Authorization";
    }

    @Override
    public boolean strayToken(String scheme, String host, int port, String headerValue) {
        return !guards(scheme, host, port) && headerValue.startsWith("Bearer ") && !headerValue.contains("placeholder");
    }

    @Override
    public void failed(String library, Throwable failure) {
        failures.add(failure);
    }

    private final class Call implements GuardedCall {
        private volatile String token = "old";

        @Override
        public String headerName() {
            return "Authorization";
        }

        @Override
        public String headerValue() {
            return "Bearer " + token;
        }

        @Override
        public boolean retryAfter(int status, boolean bodyReplayable) {
            told.add("retryAfter " + status + " replayable=" + bodyReplayable);
            if (!bodyReplayable || !allowRetry) {
                return false;
            }
            token = "new";
            return true;
        }

        @Override
        public CompletableFuture<Boolean> retryAfterAsync(int status, boolean bodyReplayable) {
            return CompletableFuture.supplyAsync(() -> retryAfter(status, bodyReplayable));
        }

        @Override
        public boolean retried(int status) {
            told.add("retried " + status);
            return false;
        }

        @Override
        public CompletableFuture<Boolean> retriedAsync(int status) {
            return CompletableFuture.supplyAsync(() -> retried(status));
        }
    }
}
