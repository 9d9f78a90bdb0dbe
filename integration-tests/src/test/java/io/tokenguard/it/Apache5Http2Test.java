package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache HttpClient 5's HTTP/2-only async client ({@code H2AsyncClientBuilder}, h2c with prior knowledge)
 * against the Jetty h2c API, with the suite's own program and scenarios: the suite's server speaks
 * HTTP/1.1 only, so HTTP/2 is covered here, at the oldest and newest 5.x.
 */
class Apache5Http2Test extends ScenarioBase {
    static Stream<Arguments> stacks() {
        return Stream.of("5.2", "5.6.5").flatMap(version -> Jdk.all().map(jdk -> Arguments.of(
                new Stack("apache5-h2-" + version, "apache-httpclient-5", "Apache5H2Driver", "apache5-" + version, true),
                jdk)));
    }

    private AgentJvm child(Stack stack, Jdk jdk, DemoAuthServer tokens, H2cApi api, Object... args) {
        Path credentials = genericCredentials(tokens.issueGrant());
        Object[] programArgs = new Object[args.length + 1];
        programArgs[0] = stack.driver;
        System.arraycopy(args, 0, programArgs, 1, args.length);
        return jvm(jdk).set("hosts", "127.0.0.1:" + api.port()).set("credentials-file", credentials)
                .set("token-url", tokens.tokenUrl()).main(stack.jars(), SuiteProgram.class, programArgs);
    }

    /** Two-second tokens and an early revocation while four threads GET and POST over HTTP/2. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("stacks")
    void expiryAndRevocationOverHttp2(Stack stack, Jdk jdk) throws Exception {
        DemoAuthServer tokens = server(2_000);
        try (H2cApi api = new H2cApi(tokens).start()) {
            AgentJvm.Running running = start(child(stack, jdk, tokens, api, "loop", api.url("/v1/messages"), 4, 4));
            await("the program's first successful call", 20, () -> api.ok() > 0 || !running.isAlive());
            sleep(1_000);
            tokens.revokeAllAccessTokens();
            Result result = running.await();

            result.assertNoFailures();
            String story = "api calls=" + api.calls() + " over h2=" + api.http2Calls() + " 401s=" + api.unauthorized()
                    + " refreshes=" + tokens.refreshes() + "\n" + result.describe();
            assertEquals(api.calls(), api.http2Calls(), "every call went over HTTP/2: " + story);
            assertTrue(api.unauthorized() >= 1, "the revocation was noticed: " + story);
            assertFalse(result.events("request.retried").isEmpty(), story);
            assertTrue(tokens.refreshes() >= 2 && tokens.refreshes() * 4 <= result.calls(), story);
            assertEquals(0, tokens.reuseDetections(), story);
        }
    }

    /** 50 streams rejected at once on one HTTP/2 connection: one refresh, and every one of them succeeds. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("stacks")
    void multiplexedRejectionsMakeOneRefresh(Stack stack, Jdk jdk) throws Exception {
        DemoAuthServer tokens = server(600_000).refreshLatencyMillis(300);
        try (H2cApi api = new H2cApi(tokens).start()) {
            AgentJvm jvm = child(stack, jdk, tokens, api, "burst", api.url("/v1/burst"), 50, "async");
            tokens.revokeAllAccessTokens();
            Result result = jvm.run();

            result.assertNoFailures();
            String story = "refresh requests=" + tokens.refreshRequests() + " 401s=" + api.unauthorized()
                    + " over h2=" + api.http2Calls() + "\n" + result.describe();
            assertEquals("{200=50}", result.outputValue("statuses"), story);
            assertEquals(1, tokens.refreshRequests(), story);
            assertEquals(api.calls(), api.http2Calls(), story);
            assertEquals(api.unauthorized(), result.eventCount("request.retried"), story);
            assertEquals(List.of(), result.events("request.not_retried"), story);
        }
    }
}
