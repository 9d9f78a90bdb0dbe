package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.UrlConnectionProgram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code url-connection} instrumentation in a real child JVM: a program that uses nothing but
 * {@code HttpURLConnection}, against expiring and revoked tokens.
 */
class UrlConnectionTest extends ScenarioBase {

    /** {@link UrlConnectionProgram} calling {@code server}'s API with {@code args}, holding a fresh grant. */
    private AgentJvm program(Jdk jdk, DemoAuthServer server, Object... args) {
        Object[] withUrl = new Object[args.length + 1];
        withUrl[0] = server.apiUrl("/v1/messages");
        System.arraycopy(args, 0, withUrl, 1, args.length);
        return agent(jdk, server, genericCredentials(server.issueGrant())).main(UrlConnectionProgram.class, withUrl);
    }

    /** One-second tokens, four threads, five seconds: no failure, about one refresh per expiry. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void tokensExpiringEverySecondUnderFourThreads(Jdk jdk) {
        DemoAuthServer server = server(1_000);
        Result result = program(jdk, server, 4, 5).run();

        result.assertNoFailures();
        long calls = result.calls();
        long expiries = result.millis() / 1_000 + 1;
        int refreshes = server.refreshes();
        String story = "calls=" + calls + " refreshes=" + refreshes + " expiries<=" + expiries + " 401s="
                + server.apiUnauthorized() + "\n" + result.describe();
        assertTrue(calls >= 50, "the program kept calling: " + story);
        assertTrue(refreshes >= 3, "about one refresh per expiry: " + story);
        assertTrue(refreshes <= 2 * expiries + 2, "not one refresh per thread: " + story);
        assertEquals(0, server.reuseDetections(), "no refresh token was ever replayed: " + story);
        assertEquals(0, server.invalidGrants(), story);
        assertTrue(result.events("agent.started").get(0).contains("url-connection"), story);
        assertEquals(0, result.eventCount("agent.internal_error"), story);
    }

    /** Every token revoked twice, long before expiry: no failure, one refresh per revocation. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void earlyRevocationBeforeExpiresAt(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        AgentJvm.Running child = start(program(jdk, server, 4, 5));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        sleep(1_000);
        int revokedFirst = server.revokeAllAccessTokens();
        await("a refresh after the first revocation", 10, () -> server.refreshes() >= 1 || !child.isAlive());
        sleep(1_500);
        int revokedSecond = server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        String story = "revoked " + revokedFirst + " then " + revokedSecond + "; refreshes=" + server.refreshes()
                + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertEquals(1, revokedFirst, story);
        assertEquals(1, revokedSecond, story);
        assertTrue(server.apiUnauthorized() >= 2, story);
        assertEquals(2, server.refreshes(), "exactly one refresh per revocation: " + story);
        assertFalse(result.events("request.retried").isEmpty(), story);
        String rejected = result.events("token.rejected").get(0);
        assertTrue(rejected.contains("path=/v1/messages") && rejected.contains("host=127.0.0.1"), rejected);
        assertTrue(result.events("request.retried").get(0).contains("status=200"), story);
    }

    /**
     * The server revokes the token after every success, so each of nine calls (GET, buffered POST,
     * fixed-length POST, three times) is rejected once and retried; each POST body arrives intact.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void everyRequestRejectedOnceIsRetriedWithItsBodyIntact(Jdk jdk) {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
        AgentJvm jvm = program(jdk, server, 1, 60, 9);
        server.revokeAllAccessTokens();
        Result result = jvm.run();

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertEquals(9, result.calls(), story);
        assertEquals(9, server.apiUnauthorized(), "each call was rejected once: " + story);
        assertEquals(9, server.apiOk(), story);
        assertEquals(9, result.eventCount("request.retried"), story);
        assertEquals(6, result.events("request.retried").stream().filter(l -> l.contains("method=POST")).count(), story);
        assertEquals(0, result.eventCount("request.not_retried"), story);
        assertEquals(0, result.eventCount("agent.internal_error"), story);
    }

    /** {@code instrumentation.url-connection.enabled=false}: the program's own header reaches the server. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void switchedOffItLeavesTheProgramAlone(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Result result = program(jdk, server, 1, 30, 3).set("instrumentation.url-connection.enabled", false).run();

        String story = result.describe();
        assertEquals(3, result.failures(), "every call got the 401 the placeholder earns: " + story);
        assertTrue(server.apiAuthorizations().stream().allMatch("Bearer placeholder"::equals),
                server.apiAuthorizations().size() + " requests\n" + story);
        assertFalse(result.events("agent.started").get(0).contains("url-connection"), story);
        assertEquals(0, server.refreshes(), story);
    }
}
