package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.StreamBodyProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A body from a one-shot publisher: recorded while sent and replayed, or, past the limit, not retried. */
class StreamBodyTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aStreamedBodyWithinTheLimitIsRecordedAndSentAgainIntact(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).main(StreamBodyProgram.class, server.apiUrl("/v1/messages"), 2000)
                .run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("200", result.outputValue("status"), story);
        assertEquals("true", result.outputValue("echo_matches"), "the retry carried the same 2000 bytes: " + story);
        assertEquals(1, result.eventCount("request.retried"), story);
        assertEquals(1, server.refreshes(), story);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aStreamedBodyPastMaxReplayBytesGetsTheOriginal401AndTheEvent(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).set("max-replay-bytes", 100)
                .main(StreamBodyProgram.class, server.apiUrl("/v1/messages"), 2000).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("401", result.outputValue("status"), story);
        assertTrue(result.stdout().contains("authentication_error"), "the program got the server's own 401 body: " + story);
        assertEquals(1, result.eventCount("request.not_retried"), story);
        assertTrue(result.stderr().contains("reason=body-not-replayable"), story);
        assertEquals(1, server.apiCalls(), "sent once, not again: " + story);
        await("the refresh for the next request", 10, () -> server.refreshes() == 1);
    }
}
