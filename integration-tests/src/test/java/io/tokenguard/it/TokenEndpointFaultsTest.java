package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.StatusesProgram;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5: every way a token endpoint can fail, each against its own child JVM of 12 threads whose token
 * the API has revoked early, with {@code refresh-timeout=1s}. For a failure: a clear
 * {@code token.refresh.failed} (status, error, not terminal, when the next try comes), one attempt per
 * backoff window however many threads wait, the program sees only the API's own 401s (no exception, no
 * hang), and the credentials file is not touched. For an odd but usable answer (a wrong content type, an
 * absurd {@code expires_in}): one refresh, then 200s, and no refresh loop.
 *
 * <p>The children of one JDK run at the same time (each mostly waits), so that the whole matrix costs
 * about one child's time.
 */
class TokenEndpointFaultsTest extends ScenarioBase {
    private static final int THREADS = 12;
    /** Children running at the same time: each mostly waits, but a machine of two cores has its limits. */
    private static final int AT_ONCE = 6;
    private static final Set<String> ON_OTHER_JDKS = Set.of("connection refused", "trickling for 20 s",
            "503 Retry-After 2", "200 HTML page", "expires_in 0");
    private static final int SECONDS = 3;
    /** Short, to see waiting requests let go; not so short that a busy machine times out a fast endpoint. */
    private static final String REFRESH_TIMEOUT = "2s";
    /** Far below the 20 s the silent and the trickling endpoint stall; the bound on a waiting request is refresh-timeout, 2 s. */
    private static final long SLOWEST_ALLOWED_MS = 8_000;
    private static final Pattern STATUSES = Pattern.compile("^statuses=\\{([^}]*)} exceptions=(\\d+) slowest_ms=(\\d+)$");

    /** One fault: how to build its endpoint, and what the agent must say about it. */
    static final class Fault {
        final String name;
        final Function<DemoAuthServer, FaultyTokenEndpoint.Fault> endpoint;
        /** A pattern for the error code; null for an answer the agent must accept. */
        final String error;
        final int status;
        final long minRetryMs;
        final String descriptionPart;

        Fault(String name, Function<DemoAuthServer, FaultyTokenEndpoint.Fault> endpoint, int status, String error,
                long minRetryMs, String descriptionPart) {
            this.name = name;
            this.endpoint = endpoint;
            this.status = status;
            this.error = error;
            this.minRetryMs = minRetryMs;
            this.descriptionPart = descriptionPart;
        }

        static Fault failing(String name, FaultyTokenEndpoint.Fault fault, int status, String error, long minRetryMs,
                String descriptionPart) {
            return new Fault(name, server -> fault, status, error, minRetryMs, descriptionPart);
        }

        static Fault accepted(String name, String contentType, Function<String, String> body) {
            return new Fault(name, server -> FaultyTokenEndpoint.proxyTo(server.tokenUrl(), contentType, body::apply),
                    200, null, 0, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Fault> faults() {
        return List.of(
                Fault.failing("connection refused", null, 0, "connect_failed", 500, null),
                Fault.failing("silent for 20 s", FaultyTokenEndpoint.silentFor(20_000), 0, "timeout", 500, null),
                Fault.failing("trickling for 20 s", FaultyTokenEndpoint.trickleFor(20_000), 200, "timeout", 500,
                        "no complete answer"),
                Fault.failing("500 empty", FaultyTokenEndpoint.respond(500, "text/plain", "", ""), 500, "http_500",
                        500, null),
                Fault.failing("502 HTML page", FaultyTokenEndpoint.respond(502, "text/html", "",
                        "<html><body><h1>502 Bad Gateway</h1></body></html>"), 502, "http_502", 500, null),
                Fault.failing("503 Retry-After 2", FaultyTokenEndpoint.respond(503, "application/json",
                        "Retry-After: 2\r\n", "{\"error\":\"temporarily_unavailable\"}"), 503,
                        "temporarily_unavailable", 2_000, null),
                Fault.failing("429", FaultyTokenEndpoint.respond(429, "application/json", "",
                        "{\"error\":\"rate_limited\",\"error_description\":\"slow down\"}"), 429, "rate_limited", 500,
                        "slow down"),
                Fault.failing("429 Retry-After 3", FaultyTokenEndpoint.respond(429, "text/plain", "Retry-After: 3\r\n",
                        "Too Many Requests"), 429, "http_429", 3_000, null),
                Fault.failing("200 HTML page", FaultyTokenEndpoint.respond(200, "text/html", "",
                        "<html><body>Please sign in to the proxy</body></html>"), 200, "invalid_response", 500,
                        "text/html"),
                Fault.failing("200 truncated", FaultyTokenEndpoint.truncated(), 200, "io_error|invalid_response",
                        500, null),
                Fault.failing("200 malformed JSON", FaultyTokenEndpoint.respond(200, "application/json", "",
                        "{\"access_token\":\"at-x\",\"expires_in\":"), 200, "invalid_response", 500, "not a JSON"),
                Fault.failing("200 without access_token", FaultyTokenEndpoint.respond(200, "application/json", "",
                        "{\"token_type\":\"Bearer\",\"expires_in\":3600}"), 200, "invalid_response", 500,
                        "no access_token"),
                Fault.failing("200 access_token with a line break", FaultyTokenEndpoint.respond(200,
                        "application/json", "", "{\"access_token\":\"x\\r\\nX-Injected: 1\",\"expires_in\":3600}"),
                        200, "invalid_response", 500, "not allowed in an HTTP header"),
                Fault.accepted("good answer as text/plain", "text/plain", body -> body),
                Fault.accepted("expires_in 0", null, body -> withExpiresIn(body, "0")),
                Fault.accepted("expires_in negative", null, body -> withExpiresIn(body, "-3600")),
                Fault.accepted("expires_in huge", null, body -> withExpiresIn(body, "99999999999999999999")),
                Fault.accepted("expires_in 1e400", null, body -> withExpiresIn(body, "1e400")));
    }

    private static String withExpiresIn(String body, String value) {
        return body.replaceFirst("\"expires_in\"\\s*:\\s*[0-9.eE+-]+", "\"expires_in\":" + value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void everyTokenEndpointFaultIsSaidClearlyAndCostsTheProgramNothing(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        // The whole matrix on the first JDK; on others, one fault of each kind (transport, status, body, expiry).
        List<Fault> faults = faults().stream().filter(fault -> jdk.home().equals(Jdk.current().home())
                || ON_OTHER_JDKS.contains(fault.name)).collect(Collectors.toList());
        List<Executable> checks = new ArrayList<>();
        for (int from = 0; from < faults.size(); from += AT_ONCE) {
            List<Child> children = new ArrayList<>();
            try {
                for (Fault fault : faults.subList(from, Math.min(faults.size(), from + AT_ONCE))) {
                    children.add(new Child(jdk, server, fault));
                }
                server.revokeAllAccessTokens(); // every child's token is rejected from its first call
                for (Child child : children) {
                    child.start();
                }
                for (Child child : children) {
                    Result result = child.running.await();
                    List<Long> hits = child.endpoint == null ? List.of() : child.endpoint.hits();
                    checks.add(() -> child.check(result, hits));
                }
            } finally {
                for (Child child : children) {
                    child.close();
                }
            }
        }
        assertAll(checks);
    }

    /**
     * A token the file says expires in 8 s (the API accepts it for 10 minutes): from half its remaining life
     * the agent refreshes ahead, the endpoint answers 503, and every request meanwhile goes out with the
     * still-valid token and succeeds.
     */
    @org.junit.jupiter.api.Test
    void whileRefreshesFailTheStillValidTokenKeepsBeingUsed() throws Exception {
        DemoAuthServer server = server(600_000);
        try (FaultyTokenEndpoint endpoint = new FaultyTokenEndpoint(FaultyTokenEndpoint.respond(503,
                "application/json", "", "{\"error\":\"temporarily_unavailable\"}"))) {
            ObjectNode file = JSON.createObjectNode();
            io.tokenguard.demo.Grant grant = server.issueGrant();
            file.put("access_token", grant.accessToken());
            file.put("refresh_token", grant.refreshToken());
            file.put("expires_at", System.currentTimeMillis() / 1000 + 8);
            Path credentials = write("credentials.json", file);

            Result result = agent(Jdk.current(), server, credentials).set("token-url", endpoint.url())
                    .set("refresh-timeout", REFRESH_TIMEOUT)
                    .main(StatusesProgram.class, server.apiUrl("/v1/valid"), THREADS, 5).run();

            String story = "token endpoint hits at " + endpoint.hits() + "\n" + result.describe();
            result.assertExitCode(0);
            List<String> out = result.stdoutLines();
            assertTrue(out.get(out.size() - 1).matches("^statuses=\\{200=\\d+} exceptions=0 slowest_ms=\\d+$"),
                    "every request succeeded with the token it had: " + story);
            assertTrue(result.events("token.refresh.started").stream().anyMatch(l -> l.contains("trigger=expiring")),
                    story);
            assertFalse(result.events("token.refresh.failed").isEmpty(), story);
            assertEquals(0, result.eventCount("token.rejected"), story);
        }
    }

    /** One child JVM against one faulty endpoint. */
    private final class Child implements AutoCloseable {
        final Fault fault;
        final FaultyTokenEndpoint endpoint;
        final URI tokenUrl;
        final Path credentials;
        final byte[] credentialsBefore;
        final AgentJvm jvm;
        AgentJvm.Running running;

        Child(Jdk jdk, DemoAuthServer server, Fault fault) throws IOException {
            this.fault = fault;
            FaultyTokenEndpoint.Fault answer = fault.endpoint.apply(server);
            endpoint = answer == null ? null : new FaultyTokenEndpoint(answer);
            tokenUrl = endpoint != null ? endpoint.url() : closedPort();
            Path dir = Files.createDirectories(tmp.resolve(fault.name.replaceAll("[^A-Za-z0-9]+", "-")));
            credentials = Files.move(genericCredentials(server.issueGrant()), dir.resolve("credentials.json"));
            credentialsBefore = Files.readAllBytes(credentials);
            jvm = agent(jdk, server, credentials).set("token-url", tokenUrl).set("refresh-timeout", REFRESH_TIMEOUT)
                    .timeout(Duration.ofSeconds(90))
                    .main(StatusesProgram.class, server.apiUrl("/v1/faults"), THREADS, SECONDS);
        }

        void start() {
            running = TokenEndpointFaultsTest.this.start(jvm);
        }

        void check(Result result, List<Long> hits) throws IOException {
            String story = fault.name + ": token endpoint hits at " + hits + "\n" + result.describe();
            result.assertExitCode(0);
            Matcher m = STATUSES.matcher(result.stdoutLines().get(result.stdoutLines().size() - 1));
            assertTrue(m.matches(), "the program's last line: " + story);
            assertEquals("0", m.group(2), "exceptions the program saw: " + story);
            assertTrue(Long.parseLong(m.group(3)) < SLOWEST_ALLOWED_MS, "slowest call: " + story);
            assertEquals(0, result.eventCount("agent.internal_error"), story);
            if (fault.error == null) {
                checkAccepted(result, m.group(1), hits, story);
            } else {
                checkFailing(result, m.group(1), hits, story);
            }
        }

        private void checkFailing(Result result, String statuses, List<Long> hits, String story) throws IOException {
            assertTrue(statuses.matches("401=\\d+"), "only the API's own 401s: " + story);
            List<String> failures = result.events("token.refresh.failed");
            assertFalse(failures.isEmpty(), story);
            long previousAt = 0;
            long previousRetry = 0;
            for (String line : failures) {
                Map<String, String> f = Result.fields(line);
                assertTrue(line.contains(" WARN "), "transient failures are warnings: " + story);
                assertEquals(String.valueOf(fault.status), f.get("status"), story);
                assertTrue(f.get("error").matches(fault.error), "error: " + story);
                assertEquals("false", f.get("terminal"), "never a reason to give up the grant: " + story);
                long retry = Long.parseLong(f.get("retry_in_ms"));
                assertTrue(retry >= fault.minRetryMs && retry <= 600_000, "retry_in_ms " + retry + ": " + story);
                if (fault.descriptionPart != null) {
                    assertTrue(String.valueOf(f.get("description")).contains(fault.descriptionPart),
                            "description: " + story);
                }
                long at = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
                // The next attempt ends after the announced wait: one attempt per backoff window.
                assertTrue(previousAt == 0 || at - previousAt >= previousRetry - 50, "an attempt "
                        + (at - previousAt) + " ms after a failure that announced " + previousRetry + " ms: " + story);
                previousAt = at;
                previousRetry = retry;
            }
            if (endpoint != null) {
                assertTrue(hits.size() == failures.size() || hits.size() == failures.size() + 1,
                        "one request to the endpoint per attempt: " + story);
            }
            assertTrue(failures.size() <= 1 + SECONDS * 2, "attempts in " + SECONDS + " s: " + story);
            assertEquals(0, result.eventCount("token.refresh.succeeded"), story);
            assertTrue(result.eventCount("request.not_retried") > 0, story);
            assertArrayEquals(credentialsBefore, Files.readAllBytes(credentials), "the file is not written: " + story);
        }

        private void checkAccepted(Result result, String statuses, List<Long> hits, String story) throws IOException {
            assertTrue(statuses.matches("200=\\d+(, 401=\\d+)?"), "401s, then 200s: " + story);
            assertEquals(1, hits.size(), "one refresh, no refresh loop: " + story);
            assertEquals(1, result.eventCount("token.refresh.succeeded"), story);
            assertEquals(0, result.eventCount("token.refresh.failed"), story);
            assertFalse(java.util.Arrays.equals(credentialsBefore, Files.readAllBytes(credentials)),
                    "the fresh token is saved: " + story);
        }

        @Override
        public void close() {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    private static URI closedPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port + "/oauth/token");
    }
}
