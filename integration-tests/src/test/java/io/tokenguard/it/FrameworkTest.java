package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Popular layers over the supported clients (Retrofit, Spring's RestClient and RestTemplate, ...), each
 * used the way an application uses it, with the agent attached: a revoked token is refreshed and the
 * request retried with its body intact, and concurrent rejections share one refresh. These back the
 * README's table of which stacks are covered.
 */
class FrameworkTest extends ScenarioBase {

    private Result run(Stack stack, Jdk jdk, DemoAuthServer server, Object... args) {
        Object[] programArgs = new Object[args.length + 1];
        programArgs[0] = stack.driver;
        System.arraycopy(args, 0, programArgs, 1, args.length);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();
        return agent(jdk, server, credentials).main(stack.jars(), SuiteProgram.class, programArgs).run();
    }

    /** Each of a JSON POST, a 256 KiB POST and a PUT is rejected once, retried, and arrives intact. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("io.tokenguard.it.Stack#frameworksWithProgramBodiesOnEveryJdk")
    void everyRejectedRequestIsRetriedWithItsBody(Stack stack, Jdk jdk) {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);

        Result result = run(stack, jdk, server, "bodies", server.apiUrl("/v1/messages"));

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertEquals(3, result.stdoutLines().stream().filter(l -> l.startsWith("body=") && l.contains(" status=200 ")).count(),
                story);
        assertEquals(3, server.apiUnauthorized(), story);
        assertEquals(3, server.refreshes(), story);
        assertEquals(3, result.eventCount("request.retried"), story);
        assertTrue(result.events("request.retried").stream().allMatch(l -> l.contains("client=" + stack.instrumentation)),
                "the layer went through the client it is said to ride on: " + story);
    }

    /** 20 requests rejected at once: one refresh, 20 successes. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("io.tokenguard.it.Stack#frameworksOnEveryJdk")
    void concurrentRejectionsShareOneRefresh(Stack stack, Jdk jdk) {
        burstOfRejections(stack, jdk, "sync");
    }

    /** The same through the layer's asynchronous API. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("io.tokenguard.it.Stack#asyncFrameworksOnEveryJdk")
    void asyncRejectionsShareOneRefresh(Stack stack, Jdk jdk) {
        burstOfRejections(stack, jdk, "async");
    }

    private void burstOfRejections(Stack stack, Jdk jdk, String mode) {
        DemoAuthServer server = server(600_000).refreshLatencyMillis(200);

        Result result = run(stack, jdk, server, "burst", server.apiUrl("/v1/messages"), 20, mode);

        result.assertNoFailures();
        String story = "refresh requests=" + server.refreshRequests() + "\n" + result.describe();
        assertEquals("{200=20}", result.outputValue("statuses"), story);
        assertEquals(1, server.refreshRequests(), story);
        assertTrue(!result.events("request.retried").isEmpty() && result.events("request.retried").stream()
                .allMatch(l -> l.contains("client=" + stack.instrumentation)), "rides on " + stack.instrumentation + ": " + story);
    }
}
