package io.tokenguard.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.bootstrap.GuardedCall;
import io.tokenguard.config.HostMatcher;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.events.EventSink;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.TokenManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults inside the agent itself, through the request flow every client library's helper uses: whatever
 * breaks (the store, the log, the endpoint client), the request goes on untouched or with the token it
 * had, nothing is thrown at the program, and the fault is said in one line, not one per request.
 */
class AgentFaultsTest {
    private static final String HOST = "api.example.com";

    @TempDir
    Path dir;

    private DemoAuthServer server;
    private final RecordingSink recorded = new RecordingSink();
    private final AtomicInteger backgroundTasks = new AtomicInteger();
    private final Executor refreshThread = AgentThreads.single("faults-test");
    private Grant grant;

    @BeforeEach
    void start() throws Exception {
        server = new DemoAuthServer().accessTokenLifetimeMillis(600_000).rotation(true).start();
        grant = server.issueGrant();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String credentials() {
        return "{\"access_token\":\"" + grant.accessToken() + "\",\"refresh_token\":\"" + grant.refreshToken()
                + "\",\"expires_at\":" + grant.expiresAtSeconds() + "}";
    }

    private GuardedCalls calls(Path file, EventSink sink, URI tokenUrl) throws Exception {
        Clock clock = Clock.systemUTC();
        Events events = new Events(sink, clock);
        Executor counting = task -> {
            backgroundTasks.incrementAndGet();
            refreshThread.execute(task);
        };
        TokenManager tokens = new TokenManager(
                new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at", ExpiryFormat.EPOCH_SECONDS, clock),
                new TokenEndpointClient(tokenUrl, null, null, ClientAuth.NONE, RequestFormat.FORM, null,
                        Duration.ofSeconds(5)),
                events, clock, Duration.ofSeconds(60), Duration.ofSeconds(5), "log in again", counting);
        assertNotNull(tokens.load());
        RequestGuard guard = new RequestGuard(HostMatcher.parse(HOST + ":443"), "Authorization", "Bearer ",
                false, 1024, Duration.ofSeconds(5), events);
        guard.ready(tokens);
        return new GuardedCalls(guard);
    }

    /** Waits until the refresh thread has run everything it was given (it runs tasks in order). */
    private void refreshThreadIdle() throws Exception {
        CompletableFuture.runAsync(() -> { }, refreshThread).get(10, TimeUnit.SECONDS);
    }

    /** Twenty requests that each get a 401: none may throw, none is retried, the program gets its 401. */
    private void twentyRejectedRequests(GuardedCalls calls) {
        for (int i = 0; i < 20; i++) {
            GuardedCall call = calls.begin("test", "https", HOST, -1, "GET", "/v1/x", true);
            assertNotNull(call, "the still-valid token keeps being put on requests");
            assertEquals("Bearer " + grant.accessToken(), call.headerValue());
            assertFalse(call.retryAfter(401, true), "no fresh token: the program gets the server's 401");
        }
    }

    /** The first request meets a 401 and is retried with a fresh token; the next ones start with it. */
    private void rejectedOnceThenFresh(GuardedCalls calls, int requests) {
        GuardedCall first = calls.begin("test", "https", HOST, -1, "GET", "/v1/x", true);
        assertTrue(first.retryAfter(401, true), "the 401 is retried");
        first.retried(200);
        assertTrue(server.isLiveAccessToken(first.headerValue().substring("Bearer ".length())),
                "the retry carries the fresh token");
        for (int i = 1; i < requests; i++) {
            GuardedCall call = calls.begin("test", "https", HOST, -1, "GET", "/v1/x", true);
            assertTrue(server.isLiveAccessToken(call.headerValue().substring("Bearer ".length())),
                    "later requests start with the fresh token kept in memory");
        }
    }

    @Test
    void aStoreThatThrowsOnReadCostsOneAttemptAndOneLine() throws Exception {
        Path zip = dir.resolve("store.zip");
        FileSystem zipFs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"));
        Path file = zipFs.getPath("/credentials.json");
        Files.writeString(file, credentials());
        GuardedCalls calls = calls(file, recorded, server.tokenUrl());
        zipFs.close(); // from now on every read, stat and write of the store throws ClosedFileSystemException

        twentyRejectedRequests(calls);

        assertEquals(1, recorded.named("agent.internal_error").size(), recorded.all());
        assertEquals(1, backgroundTasks.get(), "one refresh attempt in the backoff window, not one per 401");
        assertEquals(0, server.refreshRequests());
    }

    @Test
    void anEndpointClientThatThrowsUnexpectedlyCostsOneAttemptAndOneLine() throws Exception {
        ProxySelector original = ProxySelector.getDefault();
        // HttpURLConnection asks the default selector and lets its RuntimeException through: a fault no
        // catch of IOException in the client sees.
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                throw new IllegalStateException("selector broken");
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {}
        });
        try {
            Path file = dir.resolve("credentials.json");
            Files.writeString(file, credentials());
            twentyRejectedRequests(calls(file, recorded, server.tokenUrl()));
        } finally {
            ProxySelector.setDefault(original);
        }
        assertEquals(1, recorded.named("agent.internal_error").size(), recorded.all());
        assertEquals(1, backgroundTasks.get(), "one refresh attempt in the backoff window, not one per 401");
    }

    @Test
    void aStoreThatCannotBeWrittenStillHandsOutTheFreshTokenAndSaysSoOnce() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("claude"));
        Path file = folder.resolve("credentials.json");
        Files.writeString(file, credentials());
        GuardedCalls calls = calls(file, recorded, server.tokenUrl());
        // The folder replaced by a file while the program runs: every read and write of the store fails.
        Files.delete(file);
        Files.delete(folder);
        Files.writeString(folder, "not a folder");
        server.revokeAllAccessTokens();
        rejectedOnceThenFresh(calls, 5);
        refreshThreadIdle(); // the fresh token is handed out before it is written: the write fails after
        assertEquals(1, server.refreshes());
        assertEquals(1, recorded.named("credentials.write_failed").size(), recorded.all());
        assertEquals(0, recorded.named("agent.internal_error").size(), recorded.all());
    }

    @Test
    void aLogThatThrowsNeverReachesTheRequestAndIsSaidOnce() throws Exception {
        Path file = dir.resolve("credentials.json");
        Files.writeString(file, credentials());
        AtomicInteger attempts = new AtomicInteger();
        EventSink broken = (level, event, fields) -> {
            attempts.incrementAndGet();
            if (attempts.get() % 2 == 0) {
                throw new NoClassDefFoundError("ch/qos/logback/Broken");
            }
            throw new IllegalStateException("appender broken");
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            GuardedCalls calls = calls(file, broken, server.tokenUrl());
            server.revokeAllAccessTokens();
            rejectedOnceThenFresh(calls, 10);
        } finally {
            System.setErr(originalErr);
        }
        assertTrue(attempts.get() >= 5, "events were attempted");
        assertEquals(1, server.refreshes());
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("event=agent.log_failed"), said);
        assertFalse(said.contains(grant.accessToken()) || said.contains(grant.refreshToken()), said);
    }
}
