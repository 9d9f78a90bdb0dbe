package io.tokenguard.instrumentation.urlconnection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.config.HostMatcher;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.TokenManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded connection driven directly (no agent attached) against a real token endpoint, a real
 * credentials file and a protected API on 127.0.0.1. Each test that expects a retry revokes the loaded
 * token first, so that the first attempt is answered 401.
 */
class GuardedUrlConnectionTest {
    private static final String PLACEHOLDER = "Bearer placeholder";

    @TempDir
    Path dir;

    private DemoAuthServer auth;
    private ProtectedApi api;
    private RecordingSink sink;
    private TokenManager tokens;

    @BeforeEach
    void start() throws Exception {
        auth = new DemoAuthServer().accessTokenLifetimeMillis(600_000).start();
        Grant grant = auth.issueGrant();
        Path file = dir.resolve("credentials.json");
        Files.writeString(file, "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\""
                + grant.refreshToken() + "\",\"expires_at\":" + grant.expiresAtSeconds() + "}");
        sink = new RecordingSink();
        Clock clock = Clock.systemUTC();
        CredentialStore store = new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at",
                ExpiryFormat.EPOCH_SECONDS, clock);
        TokenEndpointClient endpoint = new TokenEndpointClient(auth.tokenUrl(), "test-client", null,
                ClientAuth.NONE, RequestFormat.FORM, null, Duration.ofSeconds(5));
        tokens = new TokenManager(store, endpoint, new Events(sink, clock), clock, Duration.ofSeconds(60),
                Duration.ofSeconds(5), "log in again", AgentThreads.single("test-refresh"));
        tokens.load();
        api = ProtectedApi.http(auth);
    }

    @AfterEach
    void stop() {
        // A refresh hands out its token before it writes the file: let the write end before the temp
        // folder is deleted (GuardedCallsTest once failed in CI on that race).
        tokens.awaitRefreshInFlight();
        api.close();
        auth.close();
    }

    private RequestGuard guard(String header, String prefix, boolean injectAlways, long maxReplayBytes)
            throws Exception {
        RequestGuard guard = new RequestGuard(HostMatcher.parse("127.0.0.1:" + api.port()), header, prefix,
                injectAlways, maxReplayBytes, Duration.ofSeconds(5), new Events(sink, Clock.systemUTC()));
        guard.ready(tokens);
        return guard;
    }

    private HttpURLConnection open(String path) throws Exception {
        return open(guard("Authorization", "Bearer ", false, 8 << 20), path);
    }

    private HttpURLConnection open(RequestGuard guard, String path) throws Exception {
        URLConnection connection = new UrlConnectionInterceptor(guard).openConnection(api.url(path), null);
        assertNotNull(connection, "a guarded host gets a guarded connection");
        return (HttpURLConnection) connection;
    }

    private static String text(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void assertRetriedOnce() {
        String story = sink.all() + "\nauthorizations: " + api.authorizations().size();
        assertEquals(1, sink.named("token.rejected").size(), story);
        assertEquals(1, sink.named("request.retried").size(), story);
        assertEquals(200, sink.named("request.retried").get(0).fields.get("status"), story);
        assertEquals(1, auth.refreshes(), story);
        assertEquals(2, api.authorizations().size(), "the first attempt and one retry: " + story);
        assertFalse(api.authorizations().contains(PLACEHOLDER), "the program's placeholder never went out");
    }

    private void retriedWhenTheFirstCallIs(Function<HttpURLConnection, Object> firstCall, Object expected)
            throws Exception {
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/echo");
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(expected, firstCall.apply(connection));
        assertEquals(200, connection.getResponseCode());
        assertEquals("application/json", connection.getContentType());
        assertRetriedOnce();
    }

    @Test
    void getResponseCodeFirstSeesTheRetriedAnswer() throws Exception {
        retriedWhenTheFirstCallIs(c -> {
            try {
                return c.getResponseCode();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, 200);
    }

    @Test
    void getInputStreamFirstSeesTheRetriedAnswer() throws Exception {
        retriedWhenTheFirstCallIs(c -> {
            try {
                return text(c.getInputStream()).contains("\"method\":\"GET\"");
            } catch (IOException e) {
                throw new AssertionError("the program must not see the first 401", e);
            }
        }, true);
    }

    @Test
    void getHeaderFieldFirstSeesTheRetriedAnswer() throws Exception {
        retriedWhenTheFirstCallIs(c -> c.getHeaderField(0), "HTTP/1.1 200 OK");
    }

    @Test
    void theRetryReusesTheKeptAliveConnectionOfTheRejectedAttempt() throws Exception {
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/echo");
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(200, connection.getResponseCode());
        List<Integer> ports = api.clientPorts();
        assertEquals(2, ports.size());
        assertEquals(ports.get(0), ports.get(1), "the 401 was drained, so its socket carried the retry");
    }

    @Test
    void aLiveTokenGoesOnWithoutARetry() throws Exception {
        HttpURLConnection connection = open("/echo");
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(200, connection.getResponseCode());
        assertEquals(List.of("Bearer " + tokens.current().accessToken()), api.authorizations());
        assertTrue(sink.named("token.rejected").isEmpty());
        assertNull(connection.getRequestProperty("Authorization"), "the JDK hides Authorization; so do we");
    }

    @Test
    void aPostBodyInTheDefaultBufferedModeIsSentAgainIntact() throws Exception {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'b');
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/echo");
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        connection.setRequestProperty("Content-Type", "application/octet-stream");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body, 0, 10);
            out.write(body, 10, body.length - 10);
        }
        assertEquals(200, connection.getResponseCode());
        assertEquals(ProtectedApi.sha256Hex(body), connection.getHeaderField("X-Body-Sha256"));
        assertTrue(text(connection.getInputStream()).contains("\"method\":\"POST\",\"length\":100000"));
        assertRetriedOnce();
    }

    @Test
    void aFixedLengthBodyWithinMaxReplayBytesIsSentAgainIntact() throws Exception {
        byte[] body = "{\"text\":\"h\u00e9llo \u2603\"}".getBytes(StandardCharsets.UTF_8);
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open(guard("Authorization", "Bearer ", false, 1024), "/echo");
        connection.setRequestMethod("PUT");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        try (OutputStream out = connection.getOutputStream()) {
            for (byte b : body) {
                out.write(b);
            }
        }
        assertEquals(200, connection.getResponseCode());
        assertEquals(ProtectedApi.sha256Hex(body), connection.getHeaderField("X-Body-Sha256"));
        assertRetriedOnce();
    }

    @Test
    void aChunkedBodyPastMaxReplayBytesGetsTheOriginal401AndIsNotRetried() throws Exception {
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open(guard("Authorization", "Bearer ", false, 1024), "/echo");
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setChunkedStreamingMode(256);
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(new byte[4096]);
        }
        assertEquals(401, connection.getResponseCode());
        // The JDK's own answer to a 401 in streaming mode, unchanged.
        assertThrows(HttpRetryException.class, connection::getInputStream);
        assertEquals(1, api.authorizations().size(), "sent once");
        assertEquals("body-not-replayable", sink.named("request.not_retried").get(0).fields.get("reason"));
        assertTrue(sink.named("request.retried").isEmpty());
    }

    @Test
    void aRequestWithoutTheHeaderIsUntouchedUnderInjectReplace() throws Exception {
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/echo");
        assertEquals(401, connection.getResponseCode());
        assertTrue(text(connection.getErrorStream()).contains("invalid_token"), "the 401's own body");
        assertEquals(List.of(""), api.authorizations());
        assertTrue(sink.named("token.rejected").isEmpty());
        assertEquals(0, auth.refreshes());
    }

    @Test
    void injectAlwaysAddsTheHeaderTheProgramDidNotSet() throws Exception {
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open(guard("Authorization", "Bearer ", true, 1024), "/echo");
        assertEquals(200, connection.getResponseCode());
        assertRetriedOnce();
    }

    @Test
    void setRequestPropertyAfterConnectThrowsLikeTheJdk() throws Exception {
        HttpURLConnection plain = (HttpURLConnection) api.url("/echo").openConnection();
        plain.connect();
        assertThrows(IllegalStateException.class, () -> plain.setRequestProperty("X-Late", "1"));
        plain.disconnect();

        HttpURLConnection connection = open("/echo");
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        connection.connect();
        assertThrows(IllegalStateException.class, () -> connection.setRequestProperty("X-Late", "1"));
        assertThrows(IllegalStateException.class, connection::getRequestProperties);
        assertEquals(200, connection.getResponseCode());
    }

    @Test
    void aCustomTokenHeaderReadsAsTheProgramSetIt() throws Exception {
        HttpURLConnection connection = open(guard("X-Token", "", false, 1024), "/echo");
        connection.setRequestProperty("X-Token", "placeholder");
        connection.connect();
        assertEquals("placeholder", connection.getRequestProperty("X-Token"), "never the token itself");
        connection.disconnect();
    }

    @Test
    void aSameHostRedirectIsStillFollowedAndRetried() throws Exception {
        HttpURLConnection live = open("/redirect");
        live.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(200, live.getResponseCode());
        assertTrue(live.getURL().getPath().endsWith("/echo"), live.getURL().toString());

        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/redirect");
        connection.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(200, connection.getResponseCode());
        assertEquals("/echo", connection.getURL().getPath());
        assertEquals("/echo", sink.named("request.retried").get(0).fields.get("path"));
        assertEquals(1, auth.refreshes());
    }

    @Test
    void theJdksOwnBasicAuthenticationStillWorks() throws Exception {
        HttpURLConnection connection = open("/basic");
        connection.setAuthenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(ProtectedApi.BASIC_USER, ProtectedApi.BASIC_PASSWORD.toCharArray());
            }
        });
        assertEquals(200, connection.getResponseCode());
        assertTrue(text(connection.getInputStream()).contains("basic"));
        assertTrue(sink.named("token.rejected").isEmpty());
    }

    @Test
    void anHttpsConnectionStaysHttpsAndItsRetryKeepsTheProgramsTlsSettings() throws Exception {
        SSLContext tls = SelfSignedTls.create(dir);
        api.close();
        api = ProtectedApi.https(auth, tls);
        auth.revokeAllAccessTokens();
        HttpURLConnection connection = open("/echo");
        assertTrue(connection instanceof HttpsURLConnection);
        HttpsURLConnection https = (HttpsURLConnection) connection;
        https.setSSLSocketFactory(tls.getSocketFactory());
        https.setHostnameVerifier((host, session) -> true);
        https.setRequestProperty("Authorization", PLACEHOLDER);
        assertEquals(200, https.getResponseCode(), "the retry trusted the test certificate too: " + sink.all());
        assertNotNull(https.getCipherSuite());
        assertEquals(1, https.getServerCertificates().length);
        // Java 12+ API, called as a program compiled for it would: our override must be the one that answers.
        Optional<?> session = (Optional<?>) HttpsURLConnection.class.getMethod("getSSLSession").invoke(https);
        assertTrue(session.isPresent());
        assertTrue(https.toString().startsWith("sun.net.www.protocol.https."), https.toString());
        assertRetriedOnce();
    }

    @Test
    void anHttpConnectionIsNotHttps() throws Exception {
        HttpURLConnection connection = open("/echo");
        assertFalse(connection instanceof HttpsURLConnection);
        assertTrue(connection.toString().startsWith("sun.net.www.protocol.http.HttpURLConnection:"));
    }
}
