package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The claude-code preset, pointed at the test server: the file is written back whole. */
class ClaudeCodeLayoutTest extends ScenarioBase {

    /**
     * Claude Code's layout (expiresAt in epoch milliseconds, scopes, subscriptionType, other top-level
     * fields). One early revocation forces exactly one refresh; afterwards the file holds the newest
     * access and refresh token and expiry, every other field exactly as before, and mode 0600.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void writeBackKeepsEveryOtherField(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        ObjectNode root = claudeCodeCredentials(grant);
        Path credentials = write(".credentials.json", root);

        AgentJvm.Running child = start(claudeCodeAgent(jdk, server, credentials)
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 2, 3));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        String story = result.describe();
        assertEquals(1, server.refreshes(), story);
        assertTrue(server.tokenRequestContentTypes().get(0).startsWith("application/json"),
                "the claude-code preset refreshes with a JSON body: " + server.tokenRequestContentTypes());

        JsonNode after = JSON.readTree(credentials.toFile());
        JsonNode oauthAfter = after.path("claudeAiOauth");
        assertEquals(server.newestAccessToken(), oauthAfter.path("accessToken").asText(), "newest access token written back");
        assertEquals(server.newestRefreshToken(), oauthAfter.path("refreshToken").asText(), "newest refresh token written back");
        assertTrue(server.isLiveRefreshToken(oauthAfter.path("refreshToken").asText()));
        JsonNode expiresAt = oauthAfter.path("expiresAt");
        assertTrue(expiresAt.isIntegralNumber() && expiresAt.asLong() > grant.expiresAtMillis(),
                "expiresAt still epoch milliseconds, and later: " + expiresAt);
        assertTrue(Math.abs(expiresAt.asLong() - (System.currentTimeMillis() + 600_000)) < 60_000,
                "expiresAt is the new token's: " + expiresAt);

        ObjectNode expected = root.deepCopy();
        ObjectNode expectedOauth = (ObjectNode) expected.path("claudeAiOauth");
        expectedOauth.set("accessToken", oauthAfter.path("accessToken"));
        expectedOauth.set("refreshToken", oauthAfter.path("refreshToken"));
        expectedOauth.set("expiresAt", expiresAt);
        assertEquals(expected, after, "every field tokenguard does not own is unchanged");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
    }
}
