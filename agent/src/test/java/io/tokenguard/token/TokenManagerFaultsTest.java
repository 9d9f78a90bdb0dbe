package io.tokenguard.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tokenguard.events.Events;
import io.tokenguard.events.RecordingSink;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing token endpoint as the token core sees it, on a clock the test moves: the valid token stays in
 * use, the endpoint is asked once per backoff window however many threads ask for a token, and requests
 * that wait on a refresh are let go after {@code refresh-timeout}.
 */
class TokenManagerFaultsTest {
    /** A clock the test moves by hand, so that backoff windows are counted, not slept through. */
    static final class MovableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        void advance(long by) {
            millis.addAndGet(by);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path dir;

    private HttpServer endpoint;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile long answerAfterMillis;
    private volatile String retryAfter;
    private final RecordingSink sink = new RecordingSink();
    private final MovableClock clock = new MovableClock();
    private final ExecutorService requests = Executors.newFixedThreadPool(50);

    @BeforeEach
    void start() throws Exception {
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setExecutor(Executors.newCachedThreadPool());
        endpoint.createContext("/token", exchange -> {
            hits.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(answerAfterMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] body = "{\"error\":\"temporarily_unavailable\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        requests.shutdownNow();
        endpoint.stop(0);
    }

    private TokenManager manager(long expiresInSeconds, Duration refreshTimeout) throws Exception {
        Path file = dir.resolve("credentials.json");
        Files.writeString(file, "{\"access_token\":\"at-valid\",\"refresh_token\":\"rt-1\",\"expires_at\":"
                + (clock.millis() / 1000 + expiresInSeconds) + "}");
        URI url = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/token");
        TokenManager tokens = new TokenManager(
                new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at", ExpiryFormat.EPOCH_SECONDS,
                        clock),
                new TokenEndpointClient(url, "id", null, ClientAuth.NONE, RequestFormat.FORM, null,
                        Duration.ofSeconds(10)),
                new Events(sink, clock), clock, Duration.ofSeconds(60), refreshTimeout, "log in again",
                AgentThreads.single("faults-test"));
        tokens.load();
        return tokens;
    }

    /** 50 threads ask for a token 20 times each; every one gets {@code expected}. */
    private void fiftyThreadsGet(TokenManager tokens, Token expected) throws Exception {
        List<Future<Token>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(requests.submit((Callable<Token>) tokens::tokenForRequest));
        }
        for (Future<Token> answer : answers) {
            assertSame(expected, answer.get(10, TimeUnit.SECONDS), "the still-valid token keeps being used");
        }
    }

    /** Waits until the refresh under way has ended with its token.refresh.failed; returns that event's fields. */
    private Map<String, Object> awaitFailure(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sink.named("token.refresh.failed").size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, sink.named("token.refresh.failed").size(), sink.all());
        return sink.named("token.refresh.failed").get(count - 1).fields;
    }

    @Test
    void theValidTokenStaysInUseAndTheEndpointIsAskedOncePerBackoffWindow() throws Exception {
        TokenManager tokens = manager(60, Duration.ofSeconds(5));
        Token valid = tokens.current();
        clock.advance(35_000); // 25 s left: inside the refresh window (half the lifetime), still valid

        fiftyThreadsGet(tokens, valid);
        Map<String, Object> first = awaitFailure(1);
        assertEquals(1, hits.get(), "one refresh for a thousand requests");
        assertEquals(503, first.get("status"));
        assertEquals("temporarily_unavailable", first.get("error"));
        assertEquals(false, first.get("terminal"));
        long wait = (Long) first.get("retry_in_ms");
        assertTrue(wait >= 500 && wait <= 1000, "the first backoff is 1 s with jitter: " + wait);

        clock.advance(wait - 1);
        fiftyThreadsGet(tokens, valid);
        Thread.sleep(200); // room for a refresh that should not start
        assertEquals(1, hits.get(), "no attempt inside the backoff window");

        clock.advance(1);
        fiftyThreadsGet(tokens, valid);
        long second = (Long) awaitFailure(2).get("retry_in_ms");
        assertEquals(2, hits.get(), "one attempt once the window has passed");
        assertTrue(second >= 1000 && second <= 2000, "the backoff doubles: " + second);
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        retryAfter = "30";
        TokenManager tokens = manager(60, Duration.ofSeconds(5));
        Token valid = tokens.current();
        clock.advance(35_000);

        fiftyThreadsGet(tokens, valid);
        assertEquals(30_000L, awaitFailure(1).get("retry_in_ms"));
        clock.advance(29_000);
        fiftyThreadsGet(tokens, valid);
        Thread.sleep(200);
        assertEquals(1, hits.get(), "nothing before Retry-After has passed");
    }

    @Test
    void requestsWaitingOnASlowRefreshGetTheirAnswerAfterRefreshTimeout() throws Exception {
        answerAfterMillis = 5_000;
        TokenManager tokens = manager(60, Duration.ofMillis(300));
        Token rejected = tokens.current();

        long started = System.nanoTime();
        List<Future<Token>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(requests.submit(() -> tokens.tokenAfterRejection(rejected)));
        }
        for (Future<Token> answer : answers) {
            assertNull(answer.get(10, TimeUnit.SECONDS), "no fresh token: the request gets its 401");
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs < 3_000, "50 waiting requests let go after " + tookMs + " ms; the endpoint answers after 5 s");
        assertEquals(1, hits.get(), "one refresh for all of them");
    }
}
