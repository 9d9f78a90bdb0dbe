package io.tokenguard.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.bootstrap.GuardedCall;
import io.tokenguard.config.HostMatcher;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.TokenManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request flow every client library's helper goes through, against a real token endpoint. */
class GuardedCallsTest {
    @TempDir
    Path dir;

    private DemoAuthServer server;
    private final RecordingSink sink = new RecordingSink();
    private GuardedCalls calls;
    private TokenManager tokens;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        server = new DemoAuthServer().accessTokenLifetimeMillis(600_000).rotation(true).start();
        Grant grant = server.issueGrant();
        file = dir.resolve("credentials.json");
        write(grant);
        Clock clock = Clock.systemUTC();
        Events events = new Events(sink, clock);
        tokens = new TokenManager(
                new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at", ExpiryFormat.EPOCH_SECONDS, clock),
                new TokenEndpointClient(server.tokenUrl(), null, null, ClientAuth.NONE, RequestFormat.FORM, null,
                        Duration.ofSeconds(5)),
                events, clock, Duration.ofSeconds(60), Duration.ofSeconds(5), "log in again", AgentThreads.single("test"));
        tokens.load();
        RequestGuard guard = new RequestGuard(HostMatcher.parse("api.example.com:443"), "Authorization", "Bearer ",
                false, 1024, Duration.ofSeconds(5), events);
        guard.ready(tokens);
        calls = new GuardedCalls(guard);
    }

    @AfterEach
    void stop() {
        // A refresh hands out its token before it writes the file: let the write end before the temp
        // folder is deleted (it raced once in CI, leaving a file JUnit could not remove).
        tokens.awaitRefreshInFlight();
        server.close();
    }

    private void write(Grant grant) throws Exception {
        Files.writeString(file, "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\""
                + grant.refreshToken() + "\",\"expires_at\":" + grant.expiresAtSeconds() + "}");
    }

    private GuardedCall guarded() {
        return calls.begin("test", "https", "api.example.com", -1, "POST", "/v1/messages", true);
    }

    @Test
    void onlyGuardedHostsWithTheHeaderAreTouched() {
        assertNull(calls.begin("test", "https", "other.example.com", -1, "GET", "/", true), "another host");
        assertNull(calls.begin("test", "https", "api.example.com", 8443, "GET", "/", true), "another port");
        assertNull(calls.begin("test", "https", "api.example.com", -1, "GET", "/", false), "inject=replace, no header");
        GuardedCall call = guarded();
        assertNotNull(call);
        assertEquals("Authorization", call.headerName());
        assertTrue(call.headerValue().startsWith("Bearer at-"));
        assertFalse(call.toString().contains("at-"), "toString never shows the token: " + call);
    }

    @Test
    void onlyA401LeadsToARetryWithAFreshToken() throws Exception {
        GuardedCall call = guarded();
        String before = call.headerValue();
        assertFalse(call.retryAfter(403, true));
        assertFalse(call.retryAfter(200, true));
        assertEquals(0, server.refreshes());

        server.revokeAllAccessTokens();
        assertTrue(call.retryAfter(401, true));
        assertNotEquals(before, call.headerValue(), "the retry carries the refreshed token");
        call.retried(200);
        assertEquals(1, server.refreshes());
        assertEquals(1, sink.named("token.rejected").size());
        assertEquals(1, sink.named("request.retried").size());
        assertEquals("/v1/messages", sink.named("request.retried").get(0).fields.get("path"));
    }

    @Test
    void aBodyThatCannotBeResentIsNotRetriedButTheTokenIsStillRefreshed() throws Exception {
        GuardedCall call = guarded();
        server.revokeAllAccessTokens();
        assertFalse(call.retryAfter(401, false));
        assertEquals("body-not-replayable", sink.named("request.not_retried").get(0).fields.get("reason"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.refreshes() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, server.refreshes(), "the next request will not need to wait");
    }

    @Test
    void theAsyncFormAgrees() throws Exception {
        GuardedCall call = calls.beginAsync("test", "https", "api.example.com", 443, "GET", "/v1/x", true)
                .get(5, TimeUnit.SECONDS);
        server.revokeAllAccessTokens();
        assertTrue(call.retryAfterAsync(401, true).get(5, TimeUnit.SECONDS));
        assertFalse(call.retryAfterAsync(500, true).get(5, TimeUnit.SECONDS));
        assertFalse(call.retriedAsync(401).get(5, TimeUnit.SECONDS), "the retry carried a token refreshed after the 401");
        assertEquals("retry-rejected", sink.named("request.not_retried").get(0).fields.get("reason"),
                "a second 401 is not retried again");
        assertEquals(1, server.refreshes());
    }

    /**
     * The user logs in elsewhere (the file gets new tokens) and a revocation of all access tokens kills the
     * new one too before the request's 401 arrives: the retry carries the login's token, which was issued
     * before the revocation, so its 401 leads to one refresh and a second retry. A 401 for that refreshed
     * token is final.
     */
    @Test
    void aRetryThatMeetsTheSameRevocationIsRetriedOnceMoreAndNoMore() throws Exception {
        GuardedCall call = guarded();
        Grant login = server.issueGrant();
        write(login);
        server.revokeAllAccessTokens();

        assertTrue(call.retryAfter(401, true));
        assertEquals("Bearer " + login.accessToken(), call.headerValue(), "the retry carries the file's token");
        assertEquals(0, server.refreshes(), "adopted, not refreshed");
        assertTrue(call.retried(401), "the same revocation may have killed it: one more retry");
        assertEquals(1, server.refreshes());
        assertEquals("Bearer " + server.newestAccessToken(), call.headerValue(), "carrying the refreshed token");
        assertFalse(call.retried(401), "never a third");
        assertEquals(1, server.refreshes());
        assertEquals(3, sink.named("token.rejected").size());
        assertEquals("retry-rejected", sink.named("request.not_retried").get(0).fields.get("reason"));
        assertTrue(sink.named("request.retried").isEmpty());
    }

    /** The same with the non-blocking form, ending in the program's success. */
    @Test
    void theAsyncFormRetriesOnceMoreAfterTheSameRevocationToo() throws Exception {
        GuardedCall call = calls.beginAsync("test", "https", "api.example.com", 443, "GET", "/v1/x", true)
                .get(5, TimeUnit.SECONDS);
        write(server.issueGrant());
        server.revokeAllAccessTokens();

        assertTrue(call.retryAfterAsync(401, true).get(5, TimeUnit.SECONDS));
        assertTrue(call.retriedAsync(401).get(5, TimeUnit.SECONDS));
        assertFalse(call.retriedAsync(200).get(5, TimeUnit.SECONDS));
        assertEquals(1, server.refreshes());
        assertEquals(2, sink.named("token.rejected").size());
        assertEquals(200, sink.named("request.retried").get(0).fields.get("status"));
        assertTrue(sink.named("request.not_retried").isEmpty());
    }

    /**
     * The grant dies: the first rejections are written as usual, then, while nobody logs in, one rejected
     * request per interval instead of two lines for every request.
     */
    @Test
    void whileTheCredentialsAreDeadTheLogIsNotFlooded() throws Exception {
        GuardedCall first = guarded();
        String token = first.headerValue().substring("Bearer ".length());
        server.revokeFamilyOf(server.newestRefreshToken());
        assertFalse(first.retryAfter(401, true), "the refresh token is dead");
        assertEquals(1, sink.named("credentials.invalid").size());
        for (int i = 0; i < 100; i++) {
            assertFalse(guarded().retryAfter(401, true), "every later request gets its 401 at once");
        }

        assertEquals(2, sink.named("token.rejected").size(), "the first rejection, then one per interval: "
                + sink.named("token.rejected"));
        assertEquals(2, sink.named("request.not_retried").size());
        assertEquals(1, server.invalidGrants(), "the dead refresh token was sent once");
        assertFalse(sink.named("token.rejected").toString().contains(token));
    }

    @Test
    void theDeadCredentialsLogCountsWhatItLeftOut() {
        DeadCredentialsLog log = new DeadCredentialsLog();
        assertEquals(0, log.admit(1_000), "the first is written");
        for (int i = 0; i < 41; i++) {
            assertEquals(-1, log.admit(1_000 + i * 200), "left out within the interval");
        }
        assertEquals(41, log.admit(1_000 + DeadCredentialsLog.INTERVAL_MS), "the next line counts them");
        assertEquals(-1, log.admit(1_001 + DeadCredentialsLog.INTERVAL_MS));
    }
}
