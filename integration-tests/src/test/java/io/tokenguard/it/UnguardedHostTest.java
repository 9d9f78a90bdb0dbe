package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.TwoHostsProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Only the hosts in tokenguard.hosts are touched. */
class UnguardedHostTest extends ScenarioBase {

    /**
     * A second server on another port is not in tokenguard.hosts: it receives the program's own
     * {@code Bearer placeholder}, answers 401, and the program sees that 401: no token, no retry, no
     * refresh, no event. The guarded server, meanwhile, gets the real token.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void anUnguardedHostIsLeftAlone(Jdk jdk) {
        DemoAuthServer guarded = server(600_000);
        DemoAuthServer other = server(600_000);
        Path credentials = genericCredentials(guarded.issueGrant());

        Result result = agent(jdk, guarded, credentials)
                .main(TwoHostsProgram.class, guarded.apiUrl("/v1/messages"), other.apiUrl("/v1/messages")).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("401", result.outputValue("unguarded_status"), story);
        assertEquals("401", result.outputValue("unguarded_status_again"), story);
        assertEquals("200", result.outputValue("guarded_status"), story);
        assertEquals(List.of("Bearer placeholder", "Bearer placeholder"), other.apiAuthorizations(),
                "the unguarded host saw the program's own header, twice and no more (no retry)");
        assertEquals(0, other.refreshRequests());
        assertEquals(1, guarded.apiCalls(), story);
        assertTrue(guarded.apiAuthorizations().get(0).startsWith("Bearer at-"),
                "the guarded host got the real token, not the placeholder");
        assertEquals(0, guarded.refreshRequests(), "nothing needed a refresh: " + story);
        for (String event : List.of("token.rejected", "request.retried", "request.not_retried", "token.refresh.started")) {
            assertEquals(0, result.eventCount(event), event + " for the unguarded host: " + story);
        }
        assertTrue(result.stderrLines().stream().noneMatch(l -> l.contains(":" + other.port())),
                "the log never mentions the unguarded host: " + story);
    }
}
