package io.tokenguard.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenguard.bootstrap.PassThrough;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenEndpointClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFRESH = "rt-SECRET/with+special=chars";
    private static final String SECRET = "client-SECRET-value";
    private static final String OK = "{\"access_token\":\"new-access\",\"refresh_token\":\"new-refresh\","
            + "\"expires_in\":28800,\"token_type\":\"Bearer\",\"scope\":\"user:inference\"}";

    /** What the fake endpoint answers: status, headers, body. */
    private interface Responder {
        void respond(HttpExchange exchange) throws Exception;
    }

    private HttpServer server;
    private ExecutorService executor;
    private volatile Responder responder;
    private volatile Map<String, String> lastParams;
    private volatile String lastContentType;
    private volatile String lastAuthorization;
    private volatile String lastAccept;
    private final AtomicInteger redirectTargetHits = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/token", exchange -> {
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
                lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                lastAccept = exchange.getRequestHeaders().getFirst("Accept");
                lastParams = parse(body, lastContentType);
                responder.respond(exchange);
            } catch (Exception e) {
                exchange.sendResponseHeaders(599, -1);
            } finally {
                exchange.close();
            }
        });
        server.createContext("/elsewhere", exchange -> {
            redirectTargetHits.incrementAndGet();
            send(exchange, 200, OK);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    private TokenEndpointClient client(ClientAuth auth, RequestFormat format) {
        return new TokenEndpointClient(url(), "my client", auth == ClientAuth.NONE ? null : SECRET, auth, format,
                "user:inference user:profile", Duration.ofSeconds(5));
    }

    private static Map<String, String> parse(String body, String contentType) throws IOException {
        Map<String, String> params = new HashMap<>();
        if (contentType != null && contentType.startsWith("application/json")) {
            JSON.readTree(body).properties().forEach(e -> params.put(e.getKey(), e.getValue().textValue()));
        } else {
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void answer(int status, String body) {
        responder = exchange -> send(exchange, status, body);
    }

    private TokenEndpointException failure(TokenEndpointClient client) {
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(REFRESH));
        assertNoSecrets(e.getMessage());
        assertNoSecrets(e.toString());
        assertNoSecrets(String.valueOf(e.description()));
        assertFalse(PassThrough.active(), "pass-through left on");
        return e;
    }

    private static void assertNoSecrets(String text) {
        assertFalse(text.contains("SECRET"), text);
        assertFalse(text.contains(REFRESH) || text.contains(URLEncoder.encode(REFRESH, StandardCharsets.UTF_8)), text);
    }

    @Test
    void formBodyWithPublicClient() throws Exception {
        answer(200, OK);
        TokenResponse response = client(ClientAuth.NONE, RequestFormat.FORM).refresh(REFRESH);
        assertEquals("application/x-www-form-urlencoded; charset=UTF-8", lastContentType);
        assertEquals("application/json", lastAccept);
        assertNull(lastAuthorization);
        assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH, "client_id", "my client",
                "scope", "user:inference user:profile"), lastParams);
        assertEquals("new-access", response.accessToken());
        assertEquals("new-refresh", response.refreshToken());
        assertEquals(28_800_000L, response.expiresInMillis());
        assertEquals("user:inference", response.scope());
        assertFalse(response.toString().contains("new-access") || response.toString().contains("new-refresh"));
        assertFalse(PassThrough.active());
    }

    @Test
    void jsonBody() throws Exception {
        answer(200, OK);
        client(ClientAuth.NONE, RequestFormat.JSON).refresh(REFRESH);
        assertEquals("application/json", lastContentType);
        assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH, "client_id", "my client",
                "scope", "user:inference user:profile"), lastParams);
    }

    @Test
    void basicAuthKeepsTheSecretOutOfTheBody() throws Exception {
        answer(200, OK);
        client(ClientAuth.BASIC, RequestFormat.FORM).refresh(REFRESH);
        assertTrue(lastAuthorization.startsWith("Basic "), lastAuthorization);
        String decoded = new String(Base64.getDecoder().decode(lastAuthorization.substring(6)), StandardCharsets.UTF_8);
        assertEquals("my+client:" + SECRET, decoded); // each part form-encoded (RFC 6749 §2.3.1)
        assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH,
                "scope", "user:inference user:profile"), lastParams);
    }

    @Test
    void postAuthPutsIdAndSecretInTheBody() throws Exception {
        answer(200, OK);
        client(ClientAuth.POST, RequestFormat.JSON).refresh(REFRESH);
        assertNull(lastAuthorization);
        assertEquals("my client", lastParams.get("client_id"));
        assertEquals(SECRET, lastParams.get("client_secret"));
    }

    @Test
    void withoutOptionalFields() throws Exception {
        answer(200, "{\"access_token\":\"a\",\"refresh_token\":\"\"}");
        TokenEndpointClient client = new TokenEndpointClient(url(), null, null, ClientAuth.NONE, RequestFormat.FORM,
                null, Duration.ofSeconds(5));
        TokenResponse response = client.refresh(REFRESH);
        assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH), lastParams);
        assertEquals("a", response.accessToken());
        assertNull(response.refreshToken());
        assertNull(response.expiresInMillis());
        assertNull(response.scope());
    }

    @Test
    void expiresInForms() throws Exception {
        String[][] cases = {{"3600", "3600000"}, {"3600.5", "3600500"}, {"\"120\"", "120000"}, {"0", null},
            {"-5", null}, {"\"soon\"", null}, {"null", null}, {"1e30", null}, {"1e400", null}, {"-1e400", null},
            {"99999999999999999999999999", null}, {"\"abc\"", null}, {"\"-5\"", null}, {"0.0001", null}};
        TokenEndpointClient client = client(ClientAuth.NONE, RequestFormat.FORM);
        for (String[] c : cases) {
            answer(200, "{\"access_token\":\"a\",\"expires_in\":" + c[0] + "}");
            Long expected = c[1] == null ? null : Long.valueOf(c[1]);
            assertEquals(expected, client.refresh(REFRESH).expiresInMillis(), c[0]);
        }
    }

    /** The token goes into a header: anything but visible ASCII is refused (OkHttp would throw at it). */
    @Test
    void accessTokensThatCannotGoInAHeaderAreRefused() throws Exception {
        TokenEndpointClient client = client(ClientAuth.NONE, RequestFormat.FORM);
        for (String bad : new String[] {"42", "[\"a\"]", "{}", "null", "true", "\"\"", "\"a b\"", "\"caf\u00e9\"",
            "\"x\\r\\nX-Injected: 1\"", "\"tab\\there\"", "\"\\u2028\"", "\"\\u0085\""}) {
            answer(200, "{\"access_token\":" + bad + ",\"expires_in\":3600}");
            TokenEndpointException e = failure(client);
            assertEquals("invalid_response", e.error(), bad);
            assertFalse(e.terminal(), bad);
        }
        String jwtLike = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln_-~+/=";
        answer(200, "{\"access_token\":\"" + jwtLike + "\"}");
        assertEquals(jwtLike, client.refresh(REFRESH).accessToken());
    }

    @Test
    void invalidGrantIsTerminal() {
        answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token not found or invalid\"}");
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.JSON));
        assertEquals(400, e.status());
        assertEquals("invalid_grant", e.error());
        assertEquals("Refresh token not found or invalid", e.description());
        assertTrue(e.terminal());
        assertTrue(e.getMessage().contains("400") && e.getMessage().contains("invalid_grant"), e.getMessage());
    }

    @Test
    void anyUnauthorizedIsTerminal() {
        // HttpURLConnection drops a 401's body in streaming mode, which we need (see the client): status only.
        answer(401, "{\"error\":\"invalid_client\"}");
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
        assertEquals(401, e.status());
        assertEquals("http_401", e.error());
        assertTrue(e.terminal());
    }

    @Test
    void apiErrorShapeIsUnderstood() {
        answer(403, "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"Not allowed\"}}");
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
        assertEquals(403, e.status());
        assertEquals("permission_error", e.error());
        assertEquals("Not allowed", e.description());
        assertFalse(e.terminal());
    }

    @Test
    void otherBadRequestsAreNotTerminal() {
        answer(400, "{\"error\":\"slow_down\"}");
        assertFalse(failure(client(ClientAuth.NONE, RequestFormat.FORM)).terminal());
    }

    @Test
    void serviceUnavailableWithRetryAfter() {
        responder = exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "7");
            send(exchange, 503, "{\"error\":\"temporarily_unavailable\"}");
        };
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
        assertEquals(503, e.status());
        assertEquals("temporarily_unavailable", e.error());
        assertFalse(e.terminal());
        assertEquals(7000L, e.retryAfterMillis());
    }

    @Test
    void retryAfterAsHttpDate() {
        long now = 1_763_000_000_000L;
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(Instant.ofEpochMilli(now + 30_000), ZoneOffset.UTC));
        assertEquals(30_000L, TokenEndpointClient.retryAfterMillis(date, now));
        assertEquals(0L, TokenEndpointClient.retryAfterMillis(date, now + 60_000));
        assertNull(TokenEndpointClient.retryAfterMillis("soon", now));
        assertNull(TokenEndpointClient.retryAfterMillis(null, now));
    }

    @Test
    void htmlErrorPage() {
        answer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
        assertEquals(502, e.status());
        assertEquals("http_502", e.error());
        assertFalse(e.terminal());
        assertNull(e.retryAfterMillis());
    }

    @Test
    void malformedSuccessIsAnInvalidResponse() {
        String[] bodies = {"{\"access_token\":", "[]", "{\"access_token\":\"\"}", "{\"token\":\"a\"}",
            "{\"access_token\":\"a\\r\\nX-Injected: 1\"}", ""};
        for (String body : bodies) {
            answer(200, body);
            TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
            assertEquals(200, e.status(), body);
            assertEquals("invalid_response", e.error(), body);
            assertFalse(e.terminal(), body);
        }
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        TokenEndpointClient client = new TokenEndpointClient(URI.create("http://127.0.0.1:" + port + "/token"),
                "id", null, ClientAuth.NONE, RequestFormat.FORM, null, Duration.ofSeconds(2));
        TokenEndpointException e = failure(client);
        assertEquals(0, e.status());
        assertEquals("connect_failed", e.error());
        assertFalse(e.terminal());
    }

    @Test
    void timeoutIsBounded() {
        responder = exchange -> {
            Thread.sleep(5_000);
            send(exchange, 200, OK);
        };
        TokenEndpointClient client = new TokenEndpointClient(url(), "id", null, ClientAuth.NONE, RequestFormat.FORM,
                null, Duration.ofMillis(300));
        long start = System.nanoTime();
        TokenEndpointException e = failure(client);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timeout", e.error());
        assertEquals(0, e.status());
        assertFalse(e.terminal());
        assertTrue(elapsedMs < 2_000, "took " + elapsedMs + " ms");
    }

    /** Each byte within the read timeout, the whole answer never: the refresh still ends near the timeout. */
    @Test
    void anEndpointThatTricklesIsCutOffAtTheTimeout() {
        responder = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < 100; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(100);
            }
            out.close();
        };
        TokenEndpointClient client = new TokenEndpointClient(url(), "id", null, ClientAuth.NONE, RequestFormat.FORM,
                null, Duration.ofMillis(500));
        long start = System.nanoTime();
        TokenEndpointException e = failure(client);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timeout", e.error());
        assertFalse(e.terminal());
        assertTrue(elapsedMs < 5_000, "took " + elapsedMs + " ms of the 10 s the endpoint trickles");
    }

    @Test
    void redirectsAreNotFollowed() {
        responder = exchange -> {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            send(exchange, 302, "");
        };
        TokenEndpointException e = failure(client(ClientAuth.NONE, RequestFormat.FORM));
        assertEquals(302, e.status());
        assertEquals("http_302", e.error());
        assertEquals(0, redirectTargetHits.get());
    }

    @Test
    void secretsInTheServersAnswerAreRedacted() {
        String echoed = "bad token " + REFRESH + " (form: " + URLEncoder.encode(REFRESH, StandardCharsets.UTF_8) + ") secret "
                + SECRET + " " + "x".repeat(300);
        responder = exchange -> send(exchange, 400, JSON.createObjectNode()
                .put("error", "invalid_grant").put("error_description", echoed).toString());
        TokenEndpointException e = failure(client(ClientAuth.POST, RequestFormat.FORM));
        assertTrue(e.description().startsWith("bad token [redacted] (form: [redacted]) secret [redacted] xx"),
                e.description());
        assertEquals(200, e.description().length());

        responder = exchange -> send(exchange, 400, JSON.createObjectNode().put("error", REFRESH).toString());
        assertEquals("http_400", failure(client(ClientAuth.POST, RequestFormat.FORM)).error());
    }

    @Test
    void responseToStringShowsFingerprintsOnly() {
        TokenResponse response = new TokenResponse("access-SECRET", "refresh-SECRET", 1000L, null);
        assertNoSecrets(response.toString());
    }

    /** doctor's probe spends nothing: no refresh token and no client secret, in the body or in a header. */
    @ParameterizedTest
    @EnumSource(ClientAuth.class)
    void aProbeCarriesNeitherRefreshTokenNorClientSecret(ClientAuth auth) throws Exception {
        answer(400, "{\"error\":\"invalid_request\",\"error_description\":\"Missing refresh_token\"}");

        TokenEndpointClient.ProbeAnswer probe = client(auth, RequestFormat.FORM).probe();

        assertEquals(400, probe.status);
        assertEquals("invalid_request", probe.error);
        assertEquals("refresh_token", lastParams.get("grant_type"));
        assertFalse(lastParams.containsKey("refresh_token"), "params: " + lastParams.keySet());
        assertFalse(lastParams.containsKey("client_secret"), "params: " + lastParams.keySet());
        assertNull(lastAuthorization, "no Basic header with the secret");
        assertFalse(PassThrough.active(), "pass-through left on");
    }
}
