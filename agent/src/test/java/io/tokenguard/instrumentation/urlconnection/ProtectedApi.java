package io.tokenguard.instrumentation.urlconnection;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tokenguard.demo.DemoAuthServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A small protected API on 127.0.0.1 for the tests. {@code /echo} accepts only the bearer tokens the
 * {@link DemoAuthServer} calls live (401 with a JSON body to any other) and answers with the method and
 * the SHA-256 and length of the body it got; {@code /redirect} sends a 302 to {@code /echo};
 * {@code /basic} wants HTTP Basic {@code user:secret}, the JDK's own authentication.
 */
final class ProtectedApi implements AutoCloseable {
    static final String BASIC_USER = "user";
    static final String BASIC_PASSWORD = "secret";

    private final DemoAuthServer tokens;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "protected-api");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> authorizations = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();

    private ProtectedApi(DemoAuthServer tokens, HttpServer server) {
        this.tokens = tokens;
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static ProtectedApi http(DemoAuthServer tokens) throws IOException {
        return new ProtectedApi(tokens, HttpServer.create(loopback(), 0));
    }

    static ProtectedApi https(DemoAuthServer tokens, SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return new ProtectedApi(tokens, server);
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    URL url(String path) throws IOException {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return new URL(scheme + "://127.0.0.1:" + port() + path);
    }

    /** The Authorization header of every request ("" when absent), in order of arrival. */
    synchronized List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    /** The client's port of every request: equal ports mean one kept-alive connection served both. */
    synchronized List<Integer> clientPorts() {
        return new ArrayList<>(clientPorts);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            synchronized (this) {
                authorizations.add(authorization == null ? "" : authorization);
                clientPorts.add(exchange.getRemoteAddress().getPort());
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/redirect")) {
                exchange.getResponseHeaders().set("Location", "/echo");
                respond(exchange, 302, "");
            } else if (path.equals("/basic")) {
                String expected = "Basic " + Base64.getEncoder().encodeToString(
                        (BASIC_USER + ":" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
                if (expected.equals(authorization)) {
                    respond(exchange, 200, "{\"basic\":true}");
                } else {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test\"");
                    respond(exchange, 401, "{\"error\":\"basic_required\"}");
                }
            } else if (live(authorization)) {
                exchange.getResponseHeaders().set("X-Body-Sha256", sha256Hex(body));
                respond(exchange, 200, "{\"method\":\"" + exchange.getRequestMethod() + "\",\"length\":" + body.length
                        + ",\"sha256\":\"" + sha256Hex(body) + "\"}");
            } else {
                respond(exchange, 401, "{\"error\":\"invalid_token\",\"padding\":\"" + "x".repeat(2000) + "\"}");
            }
        } finally {
            exchange.close();
        }
    }

    private boolean live(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && tokens.isLiveAccessToken(authorization.substring(7));
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String sha256Hex(byte[] bytes) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
