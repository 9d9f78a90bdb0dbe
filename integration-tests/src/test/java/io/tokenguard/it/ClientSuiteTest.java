package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.suite.program.SuiteProgram;
import io.tokenguard.token.Fingerprint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every supported HTTP client must show, run for each client and version ({@link Stack}) on
 * each JDK, every case in a child JVM started with {@code -javaagent:}. The child program
 * ({@link SuiteProgram}) is the same for all; only its {@code Driver} (how to send) differs. After
 * each case, {@link ScenarioBase} checks that no token the servers issued appears in any output.
 */
class ClientSuiteTest extends ScenarioBase {
    private static final String CASE = "{0} on {1}";

    private AgentJvm child(Stack stack, Jdk jdk, DemoAuthServer server, Path credentials, Object... args) {
        Object[] programArgs = new Object[args.length + 1];
        programArgs[0] = stack.driver;
        System.arraycopy(args, 0, programArgs, 1, args.length);
        return agent(jdk, server, credentials).main(stack.jars(), SuiteProgram.class, programArgs);
    }

    /**
     * Access tokens that live one second, four threads calling for four seconds: the program sees no
     * failure, and the server sees about one refresh per expiry, never a replayed refresh token.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void expiryUnderSeveralThreads(Stack stack, Jdk jdk) {
        DemoAuthServer server = server(1_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = child(stack, jdk, server, credentials, "loop", server.apiUrl("/v1/messages"), 4, 4).run();

        result.assertNoFailures();
        long calls = result.calls();
        long expiries = result.millis() / 1_000 + 1;
        int refreshes = server.refreshes();
        String story = "calls=" + calls + " refreshes=" + refreshes + " expiries<=" + expiries + " 401s="
                + server.apiUnauthorized() + "\n" + result.describe();
        assertTrue(calls >= 30, "the program kept calling: " + story);
        assertTrue(refreshes >= 2, "about one refresh per expiry: " + story);
        assertTrue(refreshes <= 2 * expiries + 2, "not one refresh per thread: " + story);
        assertTrue(refreshes * 4 <= calls, "far fewer refreshes than calls: " + story);
        assertEquals(0, server.reuseDetections(), "no refresh token was ever replayed: " + story);
        assertEquals(0, server.invalidGrants(), story);
        assertEquals(refreshes, result.eventCount("token.refresh.succeeded"), story);
        assertTrue(result.events("agent.started").get(0).contains(stack.instrumentation),
                "agent.started lists the instrumentation: " + story);
        assertTrue(server.apiAuthorizations().stream().noneMatch(Stack::isPlaceholder),
                "every request carried the real token, none the program's placeholder: " + story);
    }

    /**
     * The server revokes the token twice while the program runs, long before its expiry: no failure, one
     * refresh per revocation, and the log shows the rejection and the retry.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void earlyRevocation(Stack stack, Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        AgentJvm.Running running = start(child(stack, jdk, server, credentials, "loop", server.apiUrl("/v1/messages"), 4, 4));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !running.isAlive());
        sleep(700);
        int revokedFirst = server.revokeAllAccessTokens();
        // The child's own record of the refresh, not the server's: on a busy machine the client may take
        // a while to receive the new token, and a second revocation before that would reject the retry.
        await("the child's refresh after the first revocation", 15,
                () -> running.stderrSoFar().contains("event=token.refresh.succeeded") || !running.isAlive());
        sleep(700);
        int revokedSecond = server.revokeAllAccessTokens();
        Result result = running.await();

        result.assertNoFailures();
        String story = "revoked " + revokedFirst + " then " + revokedSecond + "; refreshes=" + server.refreshes()
                + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertEquals(1, revokedFirst, story);
        assertEquals(1, revokedSecond, story);
        assertEquals(2, server.refreshes(), "exactly one refresh per revocation: " + story);
        assertEquals(0, server.reuseDetections(), story);
        String rejected = result.events("token.rejected").get(0);
        assertTrue(rejected.contains("status=401") && rejected.contains("path=/v1/messages")
                && rejected.contains("host=127.0.0.1"), rejected);
        assertTrue(result.events("request.retried").get(0).contains("status=200"), story);
        assertTrue(rejected.contains("client=" + stack.instrumentation), "the event names the client: " + rejected);
        assertTrue(result.events("token.refresh.started").stream().anyMatch(l -> l.contains("trigger=rejected")), story);
    }

    /** 50 requests rejected at the same instant: exactly one refresh, and all 50 succeed. */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void concurrentRejectionsMakeOneRefresh(Stack stack, Jdk jdk) {
        burstOfRejections(stack, jdk, "sync");
    }

    /** The same with the client's asynchronous API (50 calls in flight from one thread). */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#asyncOnEveryJdk")
    void asyncRejectionsMakeOneRefresh(Stack stack, Jdk jdk) {
        burstOfRejections(stack, jdk, "async");
    }

    private void burstOfRejections(Stack stack, Jdk jdk, String mode) {
        int n = 50;
        DemoAuthServer server = server(600_000).refreshLatencyMillis(300);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = child(stack, jdk, server, credentials, "burst", server.apiUrl("/v1/burst"), n, mode).run();

        result.assertNoFailures();
        String story = "refresh requests=" + server.refreshRequests() + " 401s=" + server.apiUnauthorized()
                + " ok=" + server.apiOk() + "\n" + result.describe();
        assertEquals("{200=" + n + "}", result.outputValue("statuses"), story);
        assertEquals(1, server.refreshRequests(), "exactly one refresh request: " + story);
        assertEquals(n, server.apiOk(), story);
        assertTrue(server.apiUnauthorized() >= 1, story);
        assertEquals(server.apiUnauthorized(), result.eventCount("request.retried"),
                "every rejected request was retried once: " + story);
    }

    /**
     * One revocation that kills two generations: three requests are in flight with the old token when the
     * user logs in elsewhere (a new file) and the server then revokes every access token, the login's too.
     * The retry carries the login's token and meets the same revocation; one refresh and a second retry cure
     * it. The program sees no failure.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void aRevocationThatAlsoKillsTheRetrysTokenIsAbsorbed(Stack stack, Jdk jdk) throws Exception {
        revocationOfTwoGenerations(stack, jdk, "sync");
    }

    /** The same with the client's asynchronous API. */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#asyncOnEveryJdk")
    void aRevocationThatAlsoKillsTheAsyncRetrysTokenIsAbsorbed(Stack stack, Jdk jdk) throws Exception {
        revocationOfTwoGenerations(stack, jdk, "async");
    }

    private void revocationOfTwoGenerations(Stack stack, Jdk jdk, String mode) throws Exception {
        int n = 3;
        DemoAuthServer server = server(600_000).holdApiCalls();
        Path credentials = genericCredentials(server.issueGrant());
        AgentJvm.Running running = start(child(stack, jdk, server, credentials, "burst", server.apiUrl("/v1/burst"),
                n, mode));
        await("the program's requests at the server", 30, () -> server.apiCalls() >= n || !running.isAlive());
        Grant login = server.issueGrant();
        replaceAtomically(credentials, genericLayout(login));
        server.revokeAllAccessTokens();
        server.releaseApiCalls();
        Result result = running.await();

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + " ok="
                + server.apiOk() + "\n" + result.describe();
        assertEquals("{200=" + n + "}", result.outputValue("statuses"), story);
        assertTrue(result.events("token.rejected").stream()
                        .anyMatch(line -> line.contains("fp=" + Fingerprint.of(login.accessToken()))),
                "a retry carried the login's token and was rejected: " + story);
        assertEquals(1, server.refreshes(), "one refresh for the login's generation, not one per request: " + story);
        assertEquals(n, result.eventCount("request.retried"), story);
        assertEquals(0, result.eventCount("request.not_retried"), story);
        assertEquals(0, server.reuseDetections(), story);
    }

    /**
     * The token is revoked after every successful call, so each request (JSON POST, 256 KiB binary POST,
     * text PUT) is rejected first and retried: the server receives every body byte for byte.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void bodiesArriveIntactOnTheRetry(Stack stack, Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = child(stack, jdk, server, credentials, "bodies", server.apiUrl("/v1/messages")).run();

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        int bodies = 0;
        for (String line : result.stdoutLines()) {
            if (!line.startsWith("body=")) {
                continue;
            }
            bodies++;
            Map<String, String> fields = Result.fields(line.substring(0, line.indexOf(" response=")));
            JsonNode response = JSON.readTree(line.substring(line.indexOf(" response=") + " response=".length()));
            assertEquals("200", fields.get("status"), story);
            assertEquals(fields.get("sent_sha256"), response.path("body_sha256").asText(), "body of " + line);
            assertEquals(Integer.parseInt(fields.get("sent_length")), response.path("body_length").asInt(), line);
            switch (fields.get("body")) {
                case "json" -> assertEquals(SuiteProgram.JSON_BODY, response.path("echo").asText(), story);
                case "binary" -> assertEquals(SuiteProgram.BINARY_LENGTH, response.path("body_length").asInt());
                case "put" -> {
                    assertEquals("PUT", response.path("method").asText());
                    assertEquals(SuiteProgram.PUT_BODY, response.path("echo").asText(), story);
                }
                default -> throw new AssertionError(line);
            }
        }
        assertEquals(3, bodies, story);
        assertEquals(3, server.apiUnauthorized(), "each request was rejected once: " + story);
        assertEquals(3, server.refreshes(), "one refresh per rejection: " + story);
        List<String> retried = result.events("request.retried");
        assertEquals(3, retried.size(), story);
        assertEquals(2, retried.stream().filter(l -> l.contains("method=POST")).count(), story);
        assertEquals(1, retried.stream().filter(l -> l.contains("method=PUT")).count(), story);
        assertEquals(0, result.eventCount("request.not_retried"), story);
    }

    /**
     * A body that can be read only once, larger than {@code max-replay-bytes}, is rejected: the program
     * gets the server's own 401, promptly, with a {@code request.not_retried} event; the body was sent once.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void aBodyThatCannotBeSentAgainIsNotRetried(Stack stack, Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = child(stack, jdk, server, credentials, "oneshot", server.apiUrl("/v1/upload"), 64 * 1024)
                .set("max-replay-bytes", 1024).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("401", result.outputValue("status"), story);
        if (stack.reads401BodyAfterOneShot()) {
            assertEquals("true", result.outputValue("servers_401_body"), "the program got the server's own 401: " + story);
        }
        assertEquals(1, result.eventCount("request.not_retried"), story);
        assertTrue(result.events("request.not_retried").get(0).contains("reason=body-not-replayable"), story);
        assertEquals(1, server.apiCalls(), "sent once, not again: " + story);
        await("the refresh for the next request", 10, () -> server.refreshes() == 1);
    }

    /**
     * A second server that is not in {@code hosts} gets the program's own header and its 401 reaches the
     * program: no token, no retry, no refresh, no event. The guarded one gets the real token.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void anUnguardedHostIsLeftAlone(Stack stack, Jdk jdk) {
        DemoAuthServer guarded = server(600_000);
        DemoAuthServer other = server(600_000);
        Path credentials = genericCredentials(guarded.issueGrant());

        Result result = child(stack, jdk, guarded, credentials, "twohosts", guarded.apiUrl("/v1/messages"),
                other.apiUrl("/v1/messages")).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("401", result.outputValue("unguarded_status"), story);
        assertEquals("401", result.outputValue("unguarded_status_again"), story);
        assertEquals("200", result.outputValue("guarded_status"), story);
        assertEquals(List.of(Stack.PLACEHOLDER, Stack.PLACEHOLDER), other.apiAuthorizations(),
                "the unguarded host saw the program's own header, twice and no more: " + story);
        assertEquals(0, other.refreshRequests());
        assertEquals(1, guarded.apiCalls(), story);
        assertFalse(Stack.isPlaceholder(guarded.apiAuthorizations().get(0)), "the guarded host got the real token");
        for (String event : List.of("token.rejected", "request.retried", "request.not_retried", "token.refresh.started")) {
            assertEquals(0, result.eventCount(event), event + ": " + story);
        }
        assertTrue(result.stderrLines().stream().noneMatch(l -> l.contains(":" + other.port())), story);
    }

    /**
     * The guarded host answers with a redirect (302, then 307) to a host outside {@code hosts}: another host
     * name, and another port of the same address. The program follows it and lands there, and the token
     * stays behind: the guarded host got the real token, the other one only what the program itself set.
     * Once with the default {@code Authorization} header (which some clients strip on their own), once with
     * a custom header added to every request ({@code inject=always}), which no client knows to strip; that
     * run also calls URLs that only look like the guarded one (userinfo naming it, its address with another
     * port): they get no token either.
     */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void aRedirectToAnotherHostCarriesNoToken(Stack stack, Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        for (String header : List.of("authorization", "x-api-key")) {
            try (RedirectServers redirects = new RedirectServers()) {
                List<Object> urls = new ArrayList<>(List.of(redirects.redirect(302, true), redirects.redirect(307, false)));
                if (!header.equals("authorization")) {
                    urls.addAll(redirects.lookalikes());
                }
                urls.add(0, "gets");
                AgentJvm child = child(stack, jdk, server, credentials, urls.toArray()).set("hosts", redirects.guardedHost());
                if (!header.equals("authorization")) {
                    child.set("header", "X-Api-Key").set("header-prefix", "").set("inject", "always");
                }
                Result result = child.run();

                result.assertExitCode(0);
                List<String> gets = result.stdoutLines().stream().filter(l -> l.startsWith("get=")).collect(Collectors.toList());
                String story = header + ": guarded saw " + redirects.guardedRequests().size() + ", landing saw "
                        + redirects.landingRequests().size() + "\n" + result.describe();
                assertEquals(urls.size() - 1, gets.size(), story);
                assertEquals(2, redirects.guardedRequests().size(), "only the two redirecting URLs reached it: " + story);
                int landed = 0;
                for (int i = 0; i < gets.size(); i++) {
                    String status = Result.fields(gets.get(i)).get("status");
                    boolean redirect = i < 2;
                    if (redirect && stack.refusesRedirectsToOtherHosts()) {
                        assertEquals(i == 0 ? "302" : "307", status, "the client refused the redirect, as it does "
                                + "without the agent: " + story);
                    } else if (status.equals("-1")) {
                        assertEquals(2, i, "only the URL with userinfo may be refused by the client itself "
                                + "(Apache 5 does): " + story);
                    } else {
                        assertEquals("200", status, gets.get(i) + ": " + story);
                        landed++;
                    }
                }
                assertEquals(landed, redirects.landingRequests().size(), story);
                for (Map<String, String> request : redirects.guardedRequests()) {
                    String value = request.getOrDefault(header, "");
                    assertTrue(server.isLiveAccessToken(value.replaceFirst("^Bearer ", "")),
                            "the guarded host got the real token in " + header + ": " + story);
                }
                for (Map<String, String> request : redirects.landingRequests()) {
                    for (Map.Entry<String, String> sent : request.entrySet()) {
                        for (String secret : server.issuedSecrets()) {
                            assertFalse(sent.getValue().contains(secret), "the host outside hosts got a token in "
                                    + sent.getKey() + " (fp " + Fingerprint.of(secret) + "): " + story);
                        }
                    }
                    String authorization = request.get("authorization");
                    assertTrue(authorization == null || Stack.isPlaceholder(authorization),
                            "the other host saw the program's own header or none: " + story);
                }
            }
        }
    }

    /** {@code instrumentation.NAME.enabled=false}: that client is not touched at all. */
    @ParameterizedTest(name = CASE)
    @MethodSource("io.tokenguard.it.Stack#onEveryJdk")
    void aDisabledInstrumentationLeavesItsClientAlone(Stack stack, Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = child(stack, jdk, server, credentials, "burst", server.apiUrl("/v1/messages"), 1, "sync")
                .set("instrumentation." + stack.instrumentation + ".enabled", false).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("{401=1}", result.outputValue("statuses"), "the placeholder went out as the program set it: " + story);
        assertEquals(List.of(Stack.PLACEHOLDER), server.apiAuthorizations(), story);
        // A program this short may end before the agent's start (a daemon thread) writes agent.started:
        // HttpURLConnection needs no warm-up, and an untouched request does not wait for the agent.
        for (String started : result.events("agent.started")) {
            String instrumented = Result.fields(started).get("instrumented");
            assertFalse(List.of(instrumented.split(",")).contains(stack.instrumentation), "agent.started: " + story);
        }
        assertEquals(0, result.eventCount("token.rejected"), story);
    }
}
