package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.AsyncProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both sendAsync overloads, on a client with a single executor thread. */
class AsyncTest extends ScenarioBase {

    /**
     * Two-second tokens and one early revocation while a program sends batches of 8 with both sendAsync
     * overloads: no failure, both overloads used, the revocation absorbed with a retry.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void sendAsyncSurvivesExpiryAndRevocation(Jdk jdk) {
        DemoAuthServer server = server(2_000);
        Path credentials = genericCredentials(server.issueGrant());

        AgentJvm.Running child = start(agent(jdk, server, credentials)
                .main(AsyncProgram.class, server.apiUrl("/v1/messages"), 5, 8));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        sleep(1_500);
        server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        assertTrue(Integer.parseInt(result.outputValue("async2")) > 0, story);
        assertTrue(Integer.parseInt(result.outputValue("async3")) > 0, story);
        assertTrue(result.calls() >= 40, story);
        assertTrue(server.refreshes() >= 2, "tokens expired and were refreshed: " + story);
        assertTrue(server.refreshes() * 4 <= result.calls(), "far fewer refreshes than calls: " + story);
        assertEquals(0, server.reuseDetections(), story);
        assertTrue(server.apiUnauthorized() >= 1, "the revocation was noticed: " + story);
        assertFalse(result.events("request.retried").isEmpty(), story);
    }
}
