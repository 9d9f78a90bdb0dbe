package io.tokenguard.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.0 token endpoint ({@code POST /oauth/token}, refresh_token grant) and a protected API (any
 * path under {@code /v1/}) on 127.0.0.1, for the demo and the tests. Short-lived access tokens, refresh
 * token rotation and RFC 9700 reuse detection make the failures tokenguard exists for happen in seconds.
 *
 * <p>Options are set with the fluent setters, before or after {@link #start()}; counters and controls
 * are thread-safe.
 */
public final class DemoAuthServer implements AutoCloseable {
    public static final String TOKEN_PATH = "/oauth/token";
    static final int ECHO_LIMIT = 4096;
    private static final ObjectMapper JSON = Wire.JSON;
    private static final int MAX_RECORDED = 10_000;

    private volatile long accessTokenLifetimeMillis = 3_000;
    private volatile boolean rotation = true;
    private volatile boolean reuseDetection = true;
    private volatile long refreshLatencyMillis;
    private volatile long apiLatencyMillis;
    private volatile String expectedClientId;
    private volatile boolean omitRefreshToken;
    private volatile boolean wwwAuthenticate;
    private volatile boolean revokeAfterEachApiOk;
    private volatile CountDownLatch apiGate;

    private final TokenLedger ledger = new TokenLedger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger refreshRequests = new AtomicInteger();
    private final AtomicInteger invalidGrants = new AtomicInteger();
    private final AtomicInteger reuseDetections = new AtomicInteger();
    private final AtomicInteger apiCalls = new AtomicInteger();
    private final AtomicInteger apiUnauthorized = new AtomicInteger();
    private final AtomicInteger apiOk = new AtomicInteger();
    private final List<String> tokenRequestContentTypes = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, String>> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> apiAuthorizations = Collections.synchronizedList(new ArrayList<>());

    private HttpServer server;
    private ExecutorService executor;

    public DemoAuthServer accessTokenLifetimeMillis(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("lifetime must be positive: " + millis);
        }
        this.accessTokenLifetimeMillis = millis;
        return this;
    }

    /** On (default): every refresh returns a new refresh token and the presented one dies. */
    public DemoAuthServer rotation(boolean on) {
        this.rotation = on;
        return this;
    }

    /** On (default): a rotated refresh token presented again revokes its whole family (RFC 9700 §4.14.2). */
    public DemoAuthServer reuseDetection(boolean on) {
        this.reuseDetection = on;
        return this;
    }

    public DemoAuthServer refreshLatencyMillis(long millis) {
        this.refreshLatencyMillis = millis;
        return this;
    }

    public DemoAuthServer apiLatencyMillis(long millis) {
        this.apiLatencyMillis = millis;
        return this;
    }

    /** When set, refresh requests must carry this client_id (body or Basic auth), else 401 invalid_client. */
    public DemoAuthServer expectedClientId(String clientId) {
        this.expectedClientId = clientId;
        return this;
    }

    /** Answer refreshes without a refresh_token (the presented one stays valid; no rotation). */
    public DemoAuthServer omitRefreshToken(boolean on) {
        this.omitRefreshToken = on;
        return this;
    }

    /** Add {@code WWW-Authenticate: Bearer error="invalid_token"} to 401s (the real API sends none). */
    public DemoAuthServer wwwAuthenticate(boolean on) {
        this.wwwAuthenticate = on;
        return this;
    }

    /**
     * After every 200 from the API, revoke every access token: each following request is rejected once,
     * so every request of a client goes through refresh and retry (tests of request replay).
     */
    public DemoAuthServer revokeAfterEachApiOk(boolean on) {
        this.revokeAfterEachApiOk = on;
        return this;
    }

    /**
     * API requests that arrive from now on wait, before their token is checked, until {@link
     * #releaseApiCalls()} (at most 30 seconds): a test can then change tokens while requests are in flight.
     */
    public DemoAuthServer holdApiCalls() {
        apiGate = new CountDownLatch(1);
        return this;
    }

    /** Lets the held API requests go on, and all later ones pass at once. */
    public void releaseApiCalls() {
        CountDownLatch gate = apiGate;
        apiGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public synchronized DemoAuthServer start() throws IOException {
        if (server != null) {
            return this;
        }
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "demo-auth-server");
            thread.setDaemon(true);
            return thread;
        });
        created.setExecutor(executor);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        return this;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public URI tokenUrl() {
        return URI.create(baseUrl() + TOKEN_PATH);
    }

    /** A protected API address, e.g. {@code apiUrl("/v1/messages")}. */
    public URI apiUrl(String path) {
        return URI.create(baseUrl() + path);
    }

    /** A new token family: the first access and refresh token, as a login would produce them. */
    public Grant issueGrant() {
        return ledger.newFamily(accessTokenLifetimeMillis, System.currentTimeMillis());
    }

    /** Early revocation: every access token dies now, before its expiry; refresh tokens stay valid. */
    public int revokeAllAccessTokens() {
        return ledger.revokeAllAccessTokens(System.currentTimeMillis());
    }

    /** Revokes the family of this access or refresh token (a server-side logout). */
    public boolean revokeFamilyOf(String token) {
        return ledger.revokeFamilyOf(token);
    }

    public boolean isLiveAccessToken(String accessToken) {
        return ledger.check(accessToken, System.currentTimeMillis()) == TokenLedger.AccessState.LIVE;
    }

    public boolean isLiveRefreshToken(String refreshToken) {
        return ledger.isLiveRefreshToken(refreshToken);
    }

    /**
     * True when one answer of this server (a grant or a refresh) handed out this access token together
     * with this refresh token: a credentials file holding them holds a pair, not a mix of two answers.
     */
    public boolean issuedAsPair(String accessToken, String refreshToken) {
        return ledger.issuedAsPair(accessToken, refreshToken);
    }

    public String newestAccessToken() {
        return ledger.newestAccessToken();
    }

    public String newestRefreshToken() {
        return ledger.newestRefreshToken();
    }

    /** Every access and refresh token ever issued: none of them may ever appear in any output. */
    public Set<String> issuedSecrets() {
        return ledger.issuedSecrets();
    }

    /** Successful refreshes. */
    public int refreshes() {
        return refreshes.get();
    }

    /** Every request to the token endpoint. */
    public int refreshRequests() {
        return refreshRequests.get();
    }

    /** 400 invalid_grant answers (unknown, rotated or revoked refresh token). */
    public int invalidGrants() {
        return invalidGrants.get();
    }

    /** Rotated refresh tokens presented again (each revoked a whole family). */
    public int reuseDetections() {
        return reuseDetections.get();
    }

    public int apiCalls() {
        return apiCalls.get();
    }

    /** 401s the protected API served. */
    public int apiUnauthorized() {
        return apiUnauthorized.get();
    }

    public int apiOk() {
        return apiOk.get();
    }

    /** The Content-Type of every token request, in order. */
    public List<String> tokenRequestContentTypes() {
        synchronized (tokenRequestContentTypes) {
            return new ArrayList<>(tokenRequestContentTypes);
        }
    }

    /** The parameters of every token request (secrets included: for assertions, never print them). */
    public List<Map<String, String>> tokenRequests() {
        synchronized (tokenRequests) {
            return new ArrayList<>(tokenRequests);
        }
    }

    /** The Authorization header of every API request ("" when absent), in order of arrival. */
    public List<String> apiAuthorizations() {
        synchronized (apiAuthorizations) {
            return new ArrayList<>(apiAuthorizations);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            byte[] body = Wire.readAll(exchange.getRequestBody());
            if (TOKEN_PATH.equals(path)) {
                token(exchange, body);
            } else if (path.startsWith("/v1/")) {
                api(exchange, path, body);
            } else {
                Wire.respond(exchange, 404, Wire.error("not_found", "No such endpoint: " + path));
            }
        } catch (RuntimeException | IOException e) {
            // The client went away or the request was malformed.
        } finally {
            exchange.close();
        }
    }

    private void token(HttpExchange exchange, byte[] body) throws IOException {
        refreshRequests.incrementAndGet();
        if (!"POST".equals(exchange.getRequestMethod())) {
            Wire.respond(exchange, 405, Wire.error("invalid_request", "Use POST"));
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        record(tokenRequestContentTypes, contentType == null ? "" : contentType);
        Map<String, String> params;
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            params = Wire.parseForm(new String(body, StandardCharsets.UTF_8));
        } else if (type.startsWith("application/json")) {
            params = Wire.parseJson(body);
            if (params == null) {
                Wire.respond(exchange, 400, Wire.error("invalid_request", "Malformed JSON body"));
                return;
            }
        } else {
            Wire.respond(exchange, 400, Wire.error("invalid_request", "Unsupported Content-Type: " + contentType));
            return;
        }
        String basicClient = Wire.basicClientId(exchange.getRequestHeaders().getFirst("Authorization"));
        if (basicClient != null && !params.containsKey("client_id")) {
            params.put("client_id", basicClient);
        }
        record(tokenRequests, params);
        sleep(refreshLatencyMillis);
        if (!"refresh_token".equals(params.get("grant_type"))) {
            Wire.respond(exchange, 400, Wire.error("unsupported_grant_type", "Only the refresh_token grant is supported"));
            return;
        }
        String expected = expectedClientId;
        if (expected != null && !expected.equals(params.get("client_id"))) {
            Wire.respond(exchange, 401, Wire.error("invalid_client", "Client authentication failed"));
            return;
        }
        String refreshToken = params.get("refresh_token");
        if (refreshToken == null || refreshToken.isEmpty()) {
            Wire.respond(exchange, 400, Wire.error("invalid_request", "Missing refresh_token"));
            return;
        }
        TokenLedger.RefreshResult result = ledger.refresh(refreshToken, accessTokenLifetimeMillis,
                System.currentTimeMillis(), rotation, reuseDetection, omitRefreshToken);
        if (result.state != TokenLedger.RefreshState.OK) {
            if (result.state == TokenLedger.RefreshState.REUSED) {
                reuseDetections.incrementAndGet();
            }
            invalidGrants.incrementAndGet();
            Wire.respond(exchange, 400, Wire.error("invalid_grant", "Refresh token not found or invalid"));
            return;
        }
        Grant grant = result.grant;
        ObjectNode out = JSON.createObjectNode();
        out.put("access_token", grant.accessToken());
        out.put("token_type", "Bearer");
        long lifetime = grant.lifetimeMillis();
        if (lifetime % 1000 == 0) {
            out.put("expires_in", lifetime / 1000);
        } else {
            out.put("expires_in", BigDecimal.valueOf(lifetime, 3).stripTrailingZeros());
        }
        if (!omitRefreshToken) {
            out.put("refresh_token", grant.refreshToken());
        }
        out.put("scope", "user:inference");
        refreshes.incrementAndGet();
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        Wire.respond(exchange, 200, out);
    }

    private void api(HttpExchange exchange, String path, byte[] body) throws IOException {
        apiCalls.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        record(apiAuthorizations, authorization == null ? "" : authorization);
        CountDownLatch gate = apiGate;
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sleep(apiLatencyMillis);
        String bearer = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = authorization.substring(7).trim();
        }
        TokenLedger.AccessState state = ledger.check(bearer, System.currentTimeMillis());
        if (state != TokenLedger.AccessState.LIVE) {
            apiUnauthorized.incrementAndGet();
            String message = state == TokenLedger.AccessState.UNKNOWN ? "Invalid bearer token"
                    : state == TokenLedger.AccessState.REVOKED ? "OAuth token has been revoked"
                    : "OAuth token has expired";
            ObjectNode out = JSON.createObjectNode();
            out.put("type", "error");
            ObjectNode err = out.putObject("error");
            err.put("type", "authentication_error");
            err.put("message", message);
            if (wwwAuthenticate) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            Wire.respond(exchange, 401, out);
            return;
        }
        apiOk.incrementAndGet();
        ObjectNode out = JSON.createObjectNode();
        out.put("ok", true);
        out.put("method", exchange.getRequestMethod());
        out.put("path", path);
        out.put("body_sha256", Wire.sha256Hex(body));
        out.put("body_length", body.length);
        if (body.length < ECHO_LIMIT) {
            out.put("echo", new String(body, StandardCharsets.UTF_8));
        }
        if (revokeAfterEachApiOk) {
            ledger.revokeAllAccessTokens(System.currentTimeMillis());
        }
        Wire.respond(exchange, 200, out);
    }

    private static <T> void record(List<T> list, T value) {
        synchronized (list) {
            if (list.size() < MAX_RECORDED) {
                list.add(value);
            }
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
