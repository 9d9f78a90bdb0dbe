package io.tokenguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protected API and its OAuth token endpoint on 127.0.0.1, in the driver's JVM. {@code /api/} answers 200
 * with a small JSON body to a valid bearer token and 401 otherwise; {@code /token} is a refresh-token grant
 * that rotates both tokens and counts every refresh. {@link #revoke} kills the access tokens issued so far,
 * as a server that revokes early would.
 */
public final class ApiServer implements AutoCloseable {
    private static final byte[] OK = "{\"ok\":true,\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DENIED = "{\"error\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8);

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, each exchange on a
        // kept-alive connection then waits some 40 ms for a delayed ACK. No real server does that.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> validAccess = ConcurrentHashMap.newKeySet();
    private final Set<String> validRefresh = ConcurrentHashMap.newKeySet();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile String access;
    private volatile String refresh;

    /** @param threads handler threads: enough for the benchmark's concurrency, so that the server is not the queue */
    public ApiServer(int threads) throws IOException {
        issue();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.createContext("/api/", this::api);
        server.createContext("/token", this::token);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** For tokenguard's {@code hosts}: only this server's port is guarded. */
    public String hostAndPort() {
        return "127.0.0.1:" + port();
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + port() + "/api/items";
    }

    public String tokenUrl() {
        return "http://127.0.0.1:" + port() + "/token";
    }

    /** The access token that is valid now. */
    public String accessToken() {
        return access;
    }

    public int refreshes() {
        return refreshes.get();
    }

    /** Kills every access token issued so far (refresh tokens stay valid). */
    public void revoke() {
        validAccess.clear();
    }

    /** Writes a credentials file holding the current tokens, valid for a day. */
    public Path writeCredentials(Path file) throws IOException {
        Files.writeString(file, "{\"access_token\":\"" + access + "\",\"refresh_token\":\"" + refresh
                + "\",\"expires_at\":" + (System.currentTimeMillis() / 1000 + 86400) + "}");
        return file;
    }

    /** Whether {@code value} is a token this server issued (for keeping them out of messages). */
    static boolean isToken(String value) {
        return value.startsWith("bench-access-") || value.startsWith("bench-refresh-");
    }

    private synchronized void issue() {
        int g = generation.incrementAndGet();
        access = "bench-access-" + g + "-" + Long.toHexString(System.nanoTime());
        refresh = "bench-refresh-" + g + "-" + Long.toHexString(System.nanoTime());
        validAccess.add(access);
        validRefresh.add(refresh);
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            boolean ok = header != null && header.startsWith("Bearer ") && validAccess.contains(header.substring(7));
            byte[] body = ok ? OK : DENIED;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String presented = null;
            for (String pair : form.split("&")) {
                if (pair.startsWith("refresh_token=")) {
                    presented = java.net.URLDecoder.decode(pair.substring(14), StandardCharsets.UTF_8);
                }
            }
            byte[] body;
            int status;
            synchronized (this) {
                if (presented != null && validRefresh.remove(presented)) {
                    refreshes.incrementAndGet();
                    issue();
                    status = 200;
                    body = ("{\"access_token\":\"" + access + "\",\"refresh_token\":\"" + refresh
                            + "\",\"token_type\":\"Bearer\",\"expires_in\":86400}").getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 400;
                    body = "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        while (in.read(buffer) != -1) {
            // discard
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
