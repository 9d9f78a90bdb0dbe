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

        assertDisabledAndUntouched(result, server, "refresh-skew", "\"banana\"", "use 250ms, 30s");
    }

    /**
     * Typos are the commonest mistake: a misspelled key, from a system property or the environment, is
     * ignored with one warning each that names the key meant, and the agent runs as configured otherwise.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aTypoDrawsOneWarningWithTheKeyMeantAndTheAgentRuns(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials).set("refresh-skw", "30s").env("TOKENGUARD_REFRESH_TIMEUT", "5s")
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 1).run();
        String story = result.describe();

        result.assertNoFailures();
        List<String> warnings = result.events("config.warning");
        assertEquals(2, warnings.size(), story);
        assertTrue(warnings.get(0).contains("tokenguard.refresh-skw: unknown setting (system property), ignored; "
                + "did you mean tokenguard.refresh-skew?"), story);
        assertTrue(warnings.get(1).contains("TOKENGUARD_REFRESH_TIMEUT: unknown setting (environment variable), "
                + "ignored; did you mean TOKENGUARD_REFRESH_TIMEOUT?"), story);
        assertEquals(1, result.eventCount("agent.started"), story);
        assertEquals(0, result.eventCount("agent.disabled"), story);
        assertTrue(server.apiOk() > 0, story);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void plainHttpTokenUrlToARemoteHostDisablesTheAgent(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        // Never contacted: the agent must refuse the URL before any request.
        Result result = agent(jdk, server, credentials).set("token-url", "http://auth.example.com/oauth/token")
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 1).run();

        assertDisabledAndUntouched(result, server, "token-url", "\"http://auth.example.com/oauth/token\"",
                "use https");
    }

    private static void assertDisabledAndUntouched(Result result, DemoAuthServer server, String key, String... words) {
        String story = result.describe();
        result.assertExitCode(0);
        long[] counts = result.finalCounts(); // the program's normal closing line, as its last line
        assertTrue(counts[0] > 0, "the program ran: " + story);
        assertEquals(counts[0], counts[1], "without the agent every call keeps the placeholder and fails: " + story);
        List<String> disabled = result.events("agent.disabled");
        assertEquals(1, disabled.size(), "exactly one agent.disabled line: " + story);
        assertTrue(disabled.get(0).contains("tokenguard." + key), "the line names the key " + key + ": " + disabled.get(0));
        String reason = Result.fields(disabled.get(0)).get("reason");
        for (String word : words) {
            assertTrue(reason.contains(word), "'" + word + "' in the reason: " + reason);
        }
        assertTrue(result.stdoutLines().stream().allMatch(l -> l.startsWith("started ") || l.startsWith("FAILURE ")
                || l.startsWith("calls=")), "the program's own output, nothing else: " + story);
        assertEquals(0, result.eventCount("agent.started"), story);
        assertEquals(0, server.refreshRequests(), story);
        assertTrue(server.apiAuthorizations().stream().allMatch("Bearer placeholder"::equals),
                "no request was touched: " + story);
    }
}
