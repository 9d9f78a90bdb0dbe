package io.tokenguard.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.oauth.TokenResponse;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token core against a real token endpoint on 127.0.0.1 and a real credentials file. */
class TokenManagerTest {
    @TempDir
    Path dir;

    private DemoAuthServer server;
    private RecordingSink sink;
    private Path file;

    @BeforeEach
    void startServer() throws Exception {
        server = new DemoAuthServer().accessTokenLifetimeMillis(60_000).rotation(true).reuseDetection(true).start();
        sink = new RecordingSink();
        file = dir.resolve("credentials.json");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void writeFile(Grant grant) throws Exception {
        Files.writeString(file, "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\""
                + grant.refreshToken() + "\",\"expires_at\":" + grant.expiresAtSeconds() + ",\"keep\":\"me\"}");
    }

    private TokenManager manager(Duration skew) {
        return manager(skew, AgentThreads.single("test-refresh"));
    }

    private TokenManager manager(Duration skew, Executor background) {
        Clock clock = Clock.systemUTC();
        CredentialStore store = new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at",
                ExpiryFormat.EPOCH_SECONDS, clock);
        return new TokenManager(store, endpoint(), new Events(sink, clock), clock, skew, Duration.ofSeconds(5),
                "log in again", background);
    }

    /**
     * A refresh thread that starts nothing before {@code open} counts down: a test can hang its stages on a
     * refresh before the refresh can possibly finish (else a fast refresh would run them on the test thread).
     */
    private static Executor gatedRefreshThread(CountDownLatch open) {
        Executor thread = AgentThreads.single("test-refresh");
        return task -> thread.execute(() -> {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }

    private TokenEndpointClient endpoint() {
        return new TokenEndpointClient(server.tokenUrl(), "test-client", null, ClientAuth.NONE, RequestFormat.FORM,
                null, Duration.ofSeconds(5));
    }

    @Test
    void hundredThreadsRejectingOneTokenCauseExactlyOneRefresh() throws Exception {
        writeFile(server.issueGrant());
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token rejected = tokens.load();
        server.revokeAllAccessTokens();

        ExecutorService pool = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Token>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(pool.submit((Callable<Token>) () -> {
                go.await();
                return tokens.tokenAfterRejection(rejected);
            }));
        }
        go.countDown();
        Token first = results.get(0).get();
        for (Future<Token> result : results) {
            assertTrue(first.sameAccessToken(result.get()), "every thread retries with the one fresh token");
        }
        pool.shutdown();
        tokens.awaitRefreshInFlight(); // waiters go on before the write; the JVM's exit waits for it
        assertEquals(1, server.refreshes());
        assertTrue(server.isLiveAccessToken(first.accessToken()));
        assertEquals(1, sink.named("token.refresh.succeeded").size());
        assertTrue(Files.readString(file).contains(server.newestRefreshToken()), "rotated refresh token saved");
        assertTrue(Files.readString(file).contains("\"keep\":\"me\""), "foreign field kept");
    }

    /**
     * Waiters go on as soon as the endpoint has answered: the write to the file (synced to disk) comes after,
     * and the JVM's shutdown hook waits for it. A stage that depends on the refresh runs on the refresh thread
     * at the moment the waiters are released, so it sees the file as it was then.
     */
    @Test
    void waitersAreReleasedBeforeTheWriteAndAwaitingTheFlightWaitsForTheWrite() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        CountDownLatch attached = new CountDownLatch(1);
        TokenManager tokens = manager(Duration.ofSeconds(1), gatedRefreshThread(attached));
        Token rejected = tokens.load();
        server.revokeAllAccessTokens();

        CompletableFuture<String> fileAtRelease = tokens.tokenAfterRejectionAsync(rejected).thenApply(fresh -> {
            try {
                return Files.readString(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        attached.countDown();
        String seen = fileAtRelease.get(10, TimeUnit.SECONDS);
        assertTrue(seen.contains(grant.refreshToken()), "released before the write: the file still held the old tokens");
        tokens.awaitRefreshInFlight();
        String after = Files.readString(file);
        assertTrue(after.contains(server.newestRefreshToken()) && !after.contains(grant.refreshToken()),
                "written once the flight is over");
        assertEquals(1, server.refreshes());
    }

    /**
     * The token a refresh has just handed out is revoked while that refresh is still writing it: the 401 for
     * it must not join the refresh that produced it (that would retry the rejected token), but get one more
     * refresh, started once the write is done, with the rotated refresh token the write saved.
     */
    @Test
    void aRejectionOfTheNewTokenDuringItsWriteQueuesOneMoreRefresh() throws Exception {
        writeFile(server.issueGrant());
        CountDownLatch attached = new CountDownLatch(1);
        TokenManager tokens = manager(Duration.ofSeconds(1), gatedRefreshThread(attached));
        Token rejected = tokens.load();
        server.revokeAllAccessTokens();

        List<CompletableFuture<Token>> secondRejections = new ArrayList<>();
        CompletableFuture<Token> first = tokens.tokenAfterRejectionAsync(rejected).thenApply(fresh -> {
            // Runs at release, before the write: the fresh token is revoked too, and three threads see it.
            server.revokeAllAccessTokens();
            for (int i = 0; i < 3; i++) {
                secondRejections.add(tokens.tokenAfterRejectionAsync(fresh));
            }
            return fresh;
        });
        attached.countDown();
        Token fresh = first.get(10, TimeUnit.SECONDS);
        Token third = secondRejections.get(0).get(10, TimeUnit.SECONDS);
        assertNotNull(third, "a second refresh answered the 401 for the new token");
        assertFalse(third.sameAccessToken(fresh), "not the token that was just rejected");
        for (CompletableFuture<Token> waiter : secondRejections) {
            assertTrue(third.sameAccessToken(waiter.get(10, TimeUnit.SECONDS)), "one refresh for the three");
        }
        assertTrue(server.isLiveAccessToken(third.accessToken()));
        tokens.awaitRefreshInFlight();
        assertEquals(2, server.refreshes());
        assertEquals(0, server.reuseDetections(), "the second refresh used the rotated refresh token");
        assertTrue(Files.readString(file).contains(server.newestRefreshToken()), "the newest tokens are saved");
    }

    @Test
    void aRejectionOfAnOlderGenerationGetsTheCurrentTokenWithoutARefresh() throws Exception {
        writeFile(server.issueGrant());
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token old = tokens.load();
        Token fresh = tokens.tokenAfterRejection(old);
        assertEquals(1, server.refreshes());

        assertSame(fresh, tokens.tokenAfterRejection(old));
        assertEquals(1, server.refreshes());
    }

    @Test
    void aTokenCloseToExpiryIsRefreshedInTheBackgroundWhileStillInUse() throws Exception {
        server.accessTokenLifetimeMillis(3000);
        Grant grant = server.issueGrant();
        server.accessTokenLifetimeMillis(60_000);
        // ISO-8601 keeps the milliseconds: the token lives 3 s, so a 60 s skew is cut to half of that.
        Files.writeString(file, "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\""
                + grant.refreshToken() + "\",\"expires_at\":\"" + Instant.ofEpochMilli(grant.expiresAtMillis()) + "\"}");
        TokenManager tokens = manager(Duration.ofSeconds(60));
        Token loaded = tokens.load();
        Thread.sleep(1700);
        assertFalse(loaded.isExpired(Clock.systemUTC().instant()));
        Token used = tokens.tokenForRequest();
        assertSame(loaded, used, "a still-valid token is used at once, not waited for");
        long deadline = System.currentTimeMillis() + 5000;
        while (tokens.current().sameAccessToken(loaded) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(tokens.current().sameAccessToken(loaded), "refreshed ahead of expiry");
        assertEquals(1, server.refreshes());
    }

    @Test
    void anExpiredTokenWaitsForTheRefresh() throws Exception {
        Grant grant = server.issueGrant();
        Files.writeString(file, "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\""
                + grant.refreshToken() + "\",\"expires_at\":" + (grant.expiresAtSeconds() - 3600) + "}");
        TokenManager tokens = manager(Duration.ofSeconds(60));
        Token expired = tokens.load();
        Token used = tokens.tokenForRequest();
        assertFalse(used.sameAccessToken(expired));
        assertTrue(server.isLiveAccessToken(used.accessToken()));
        assertEquals("expired", sink.named("token.refresh.started").get(0).fields.get("trigger"));
    }

    @Test
    void aDeadRefreshTokenIsReportedOnceAndNeverSentAgain() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token loaded = tokens.load();
        server.revokeFamilyOf(grant.refreshToken());

        assertNull(tokens.tokenAfterRejection(loaded));
        assertNull(tokens.tokenAfterRejection(loaded));
        assertNull(tokens.tokenAfterRejection(loaded));
        assertEquals(1, server.refreshRequests(), "the dead refresh token went to the server once");
        assertEquals(1, sink.named("credentials.invalid").size());
        String message = String.valueOf(sink.named("credentials.invalid").get(0).fields.get("message"));
        assertTrue(message.contains(file.toString()) && message.endsWith("log in again"), message);
        assertFalse(sink.all().contains(grant.refreshToken()) || sink.all().contains(grant.accessToken()));
    }

    @Test
    void onInvalidGrantDiscardRemovesTheDeadFieldsAfterAPrivateBackup() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        TokenManager tokens = manager(Duration.ofSeconds(1)).discardingDeadCredentials(true);
        Token loaded = tokens.load();
        server.revokeFamilyOf(grant.refreshToken());

        assertNull(tokens.tokenAfterRejection(loaded));
        String after = Files.readString(file);
        assertFalse(after.contains(grant.refreshToken()) || after.contains(grant.accessToken()), "dead fields removed");
        assertFalse(after.contains("expires_at"), after);
        assertTrue(after.contains("\"keep\":\"me\""), "every other field kept: " + after);
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)), "the file keeps its mode");
        List<Path> backups;
        try (java.util.stream.Stream<Path> listing = Files.list(dir)) {
            backups = listing.filter(p -> p.getFileName().toString().startsWith("credentials.json.invalid-"))
                    .collect(java.util.stream.Collectors.toList());
        }
        assertEquals(1, backups.size(), "one backup beside the file");
        assertTrue(Files.readString(backups.get(0)).contains(grant.refreshToken()), "the backup is the file as it was");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backups.get(0))), "the backup is private");
        String message = String.valueOf(sink.named("credentials.invalid").get(0).fields.get("message"));
        assertTrue(message.contains("removed") && message.contains(backups.get(0).toString())
                && message.endsWith("log in again"), message);
    }

    @Test
    void discardLeavesAFileThatMovedOnAlone() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1)).discardingDeadCredentials(true);
        Token loaded = tokens.load();
        server.revokeFamilyOf(grant.refreshToken());
        Grant login = server.issueGrant();
        CredentialStore store = new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at",
                ExpiryFormat.EPOCH_SECONDS, Clock.systemUTC());
        assertNull(store.discard(grant.refreshToken() + "-not-this-one"), "only the dead refresh token is discarded");
        writeFile(login);

        Token next = tokens.tokenAfterRejection(loaded);
        assertTrue(next != null && next.sameAccessToken(new Token(login.accessToken(), null, null, Instant.now())),
                "the new login is adopted, not discarded");
        assertTrue(Files.readString(file).contains(login.refreshToken()));
    }

    /**
     * This process was idle (a laptop asleep, a job between batches) while another one refreshed, rotating
     * the refresh token, and exited; the access token it saved has expired since. Only the file's refresh
     * token is alive: sending our own rotated one is a replay, and a server with reuse detection then
     * revokes the whole family, logging out every process on the machine (case 3 of CONTEXT.md).
     */
    @Test
    void anExpiredTokenAnotherProcessWroteIsRefreshedWithTheFilesRefreshTokenNotOurRotatedOne() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token loaded = tokens.load();

        server.accessTokenLifetimeMillis(1000);
        TokenResponse other = endpoint().refresh(grant.refreshToken());
        Files.writeString(file, "{\"access_token\":\"" + other.accessToken() + "\",\"refresh_token\":\""
                + other.refreshToken() + "\",\"expires_at\":\"" + Instant.now().plusMillis(other.expiresInMillis())
                + "\",\"keep\":\"me\"}");
        server.accessTokenLifetimeMillis(60_000);
        Thread.sleep(1500); // the other process's access token has expired too
        server.revokeAllAccessTokens(); // whatever the program sends next is rejected

        Token retry = tokens.tokenAfterRejection(loaded);
        assertEquals(0, server.reuseDetections(), "our rotated refresh token was replayed: the family is revoked");
        assertNotNull(retry, "a fresh token from the file's live refresh token");
        assertTrue(server.isLiveAccessToken(retry.accessToken()));
        assertEquals(0, sink.named("credentials.invalid").size());
        tokens.awaitRefreshInFlight();
        assertTrue(Files.readString(file).contains(server.newestRefreshToken()), "the new refresh token saved");
    }

    /**
     * The file turns into broken JSON while the program runs: once it has stayed so for a stamp check, one
     * {@code credentials.invalid} says what is wrong, the token in memory stays in use, and nothing is written.
     */
    @Test
    void aFileBrokenWhileRunningIsReportedOnceAndTheTokenStaysInUse() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1));
        tokens.load();
        Files.writeString(file, "{\"access_token\": \"half-writ");
        byte[] broken = Files.readAllBytes(file);

        long deadline = System.currentTimeMillis() + 8000;
        while (sink.named("credentials.invalid").isEmpty() && System.currentTimeMillis() < deadline) {
            assertEquals(grant.accessToken(), tokens.tokenForRequest().accessToken(), "the token in memory is used");
            Thread.sleep(50);
        }
        for (int i = 0; i < 30; i++) { // more stamp checks: no second report for the same file
            tokens.tokenForRequest();
            Thread.sleep(50);
        }

        assertEquals(1, sink.named("credentials.invalid").size(), "reported once: " + sink.named("credentials.invalid"));
        String event = sink.named("credentials.invalid").get(0).toString();
        assertTrue(event.contains("invalid_json") && event.contains("keeps using the tokens it has"), event);
        assertArrayEquals(broken, Files.readAllBytes(file), "the agent did not touch the broken file");
        assertEquals(grant.accessToken(), tokens.tokenForRequest().accessToken());
    }

    @Test
    void aNewLoginInTheFileIsPickedUpWithoutRestart() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token loaded = tokens.load();
        server.revokeFamilyOf(grant.refreshToken());
        assertNull(tokens.tokenAfterRejection(loaded));

        Grant login = server.issueGrant();
        writeFile(login);
        long deadline = System.currentTimeMillis() + 5000;
        while (!tokens.tokenForRequest().accessToken().equals(login.accessToken())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(login.accessToken(), tokens.tokenForRequest().accessToken());
        assertEquals(1, sink.named("credentials.changed").size());
        assertNotNull(tokens.tokenAfterRejection(tokens.current()), "refreshing works again after the login");
    }

    @Test
    void tokensAnotherProcessWroteAreAdoptedInsteadOfRefreshing() throws Exception {
        Grant grant = server.issueGrant();
        writeFile(grant);
        TokenManager tokens = manager(Duration.ofSeconds(1));
        Token loaded = tokens.load();
        Grant other = server.issueGrant();
        writeFile(other); // another process refreshed and saved

        Token retry = tokens.tokenAfterRejection(loaded);
        assertEquals(other.accessToken(), retry.accessToken());
        assertEquals(0, server.refreshRequests());
        assertEquals(1, sink.named("token.adopted").size());
    }
}
