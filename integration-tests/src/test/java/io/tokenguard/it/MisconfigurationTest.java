package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A configuration mistake disables the agent with one clear line, and the program runs on untouched
 * (here it then sees its own placeholder rejected, exactly as without the agent).
 */
class MisconfigurationTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void unparsableDurationDisablesTheAgent(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials).set("refresh-skew", "banana")
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 1).run();

        assertDisabledAndUntouched(result, server, "refresh-skew");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void plainHttpTokenUrlToARemoteHostDisablesTheAgent(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        // Never contacted: the agent must refuse the URL before any request.
        Result result = agent(jdk, server, credentials).set("token-url", "http://auth.example.com/oauth/token")
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 1).run();

        assertDisabledAndUntouched(result, server, "token-url");
    }

    private static void assertDisabledAndUntouched(Result result, DemoAuthServer server, String key) {
        String story = result.describe();
        result.assertExitCode(0);
        long[] counts = result.finalCounts(); // the program's normal closing line, as its last line
        assertTrue(counts[0] > 0, "the program ran: " + story);
        assertEquals(counts[0], counts[1], "without the agent every call keeps the placeholder and fails: " + story);
        List<String> disabled = result.events("agent.disabled");
        assertEquals(1, disabled.size(), "exactly one agent.disabled line: " + story);
        assertTrue(disabled.get(0).contains(key), "the line names the key " + key + ": " + disabled.get(0));
        assertEquals(0, result.eventCount("agent.started"), story);
        assertEquals(0, server.refreshRequests(), story);
        assertTrue(server.apiAuthorizations().stream().allMatch("Bearer placeholder"::equals),
                "no request was touched: " + story);
    }
}
