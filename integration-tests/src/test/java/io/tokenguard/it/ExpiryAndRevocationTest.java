package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failures 1 and 2 of CONTEXT.md: expiry mid-session and early server-side revocation. */
class ExpiryAndRevocationTest extends ScenarioBase {

    /**
     * Access tokens that live one second, four threads calling for five seconds: the program sees no
     * failure, and the server sees about one refresh per expiry (not one per thread, not one per call),
     * with no refresh token ever replayed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void tokensExpiringEverySecondUnderFourThreads(Jdk jdk) {
        DemoAuthServer server = server(1_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials).main(LoopProgram.class, server.apiUrl("/v1/messages"), 4, 5)
                .run();

        result.assertNoFailures();
        long calls = result.calls();
        long expiries = result.millis() / 1_000 + 1;
        int refreshes = server.refreshes();
        String story = "calls=" + calls + " refreshes=" + refreshes + " expiries<=" + expiries + " 401s="
                + server.apiUnauthorized() + "\n" + result.describe();
        assertTrue(calls >= 50, "the program kept calling: " + story);
        assertTrue(refreshes >= 3, "about one refresh per expiry (5 s of 1 s tokens): " + story);
        assertTrue(refreshes <= 2 * expiries + 2, "not one refresh per thread: " + story);
        assertTrue(refreshes * 4 <= calls, "far fewer refreshes than calls: " + story);
        assertEquals(0, server.reuseDetections(), "no refresh token was ever replayed: " + story);
        assertEquals(0, server.invalidGrants(), "no refresh was refused: " + story);
        assertEquals(refreshes, result.eventCount("token.refresh.succeeded"),
                "one token.refresh.succeeded event per refresh the server made: " + story);
        assertEquals(1, result.eventCount("agent.started"), story);
        assertTrue(result.eventCount("token.loaded") >= 1, story);
        assertTrue(server.tokenRequestContentTypes().stream().allMatch(t -> t.startsWith("application/x-www-form-urlencoded")),
                "the generic layout refreshes with a form body: " + server.tokenRequestContentTypes());
    }

    /**
     * The server revokes every access token twice while the program runs, long before their expiry:
     * the program sees no failure; the log shows the rejection and the retry; each revocation costs
     * exactly one refresh.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void earlyRevocationBeforeExpiresAt(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        AgentJvm.Running child = start(agent(jdk, server, credentials)
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 4, 5));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        sleep(1_000);
        int revokedFirst = server.revokeAllAccessTokens();
        await("a refresh after the first revocation", 10, () -> server.refreshes() >= 1 || !child.isAlive());
        sleep(1_500);
        int revokedSecond = server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        String story = "revoked " + revokedFirst + " then " + revokedSecond + " live tokens; refreshes="
                + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertEquals(1, revokedFirst, story);
        assertEquals(1, revokedSecond, story);
        assertTrue(server.apiUnauthorized() >= 2, "the server did reject revoked tokens: " + story);
        assertEquals(2, server.refreshes(), "exactly one refresh per revocation: " + story);
        assertEquals(0, server.reuseDetections(), story);
        assertFalse(result.events("token.rejected").isEmpty(), "a token.rejected event: " + story);
        assertFalse(result.events("request.retried").isEmpty(), "a request.retried event: " + story);
        String rejected = result.events("token.rejected").get(0);
        assertTrue(rejected.contains("status=401"), rejected);
        assertTrue(rejected.contains("path=/v1/messages"), rejected);
        assertTrue(rejected.contains("host=127.0.0.1"), rejected);
        assertTrue(result.events("request.retried").get(0).contains("status=200"), story);
        assertTrue(result.events("token.refresh.started").stream().anyMatch(l -> l.contains("trigger=rejected")),
                "the refresh was triggered by the rejection: " + story);
    }
}
