package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.ExitDuringRefreshProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A program that exits while a refresh is in flight. The server has already rotated the refresh token
 * (the old one is dead), so unless the agent finishes the refresh and writes the new tokens back before
 * the JVM goes away, the file is left with a dead refresh token and the next run needs a new login:
 * failure 3 of CONTEXT.md, caused by the agent itself.
 */
class ShutdownDuringRefreshTest extends ScenarioBase {


    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void exitDuringARefreshKeepsALiveRefreshTokenInTheFile(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000).refreshLatencyMillis(1_500);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens(); // the first call is rejected and starts a refresh

        Result result = agent(jdk, server, credentials)
                .main(ExitDuringRefreshProgram.class, server.apiUrl("/v1/messages"), 700).run();

        result.assertExitCode(0);
        String story = "refresh requests=" + server.refreshRequests() + "\n" + result.describe();
        assertTrue(result.stdout().contains("exiting"), story);
        // The server finishes the refresh (and rotates) even when the client has gone away, as real ones do.
        await("the server to finish the refresh", 10, () -> server.refreshes() == 1);
        assertTrue(result.millis() < 10_000, "the exit waited at most about refresh-timeout: " + story);
        JsonNode file = JSON.readTree(credentials.toFile());
        assertTrue(server.isLiveRefreshToken(file.path("refresh_token").asText()),
                "the credentials file still holds a live refresh token after the exit: " + story);
        assertEquals(server.newestAccessToken(), file.path("access_token").asText(), story);
    }
}
