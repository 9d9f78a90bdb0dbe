package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.BurstProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Single flight: many requests rejected at once make one refresh, not one each. */
class ConcurrencyTest extends ScenarioBase {

    /**
     * The credentials file holds a token the server has already revoked (its expiresAt is far ahead, so
     * only the 401s reveal it). 100 requests leave at the same instant and are all rejected: exactly one
     * refresh, and all 100 succeed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void hundredConcurrent401sMakeExactlyOneRefresh(Jdk jdk) {
        DemoAuthServer server = server(600_000).refreshLatencyMillis(300);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).main(BurstProgram.class, server.apiUrl("/v1/burst"), 100)
                .run();

        result.assertNoFailures();
        String story = "refresh requests=" + server.refreshRequests() + " 401s=" + server.apiUnauthorized()
                + " ok=" + server.apiOk() + "\n" + result.describe();
        assertEquals("{200=100}", result.outputValue("statuses"), story);
        assertEquals(1, server.refreshRequests(), "exactly one refresh request: " + story);
        assertEquals(1, server.refreshes(), story);
        assertTrue(server.apiUnauthorized() >= 1, "the revoked token was rejected: " + story);
        assertEquals(100, server.apiOk(), story);
        assertEquals(server.apiUnauthorized(), result.eventCount("request.retried"),
                "every rejected request was retried once: " + story);
    }
}
