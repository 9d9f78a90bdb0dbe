package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The credentials file's mode is the user's: a refresh write-back keeps it, and a file other users can
 * read draws one warning at start that says how to fix it (the agent never changes the mode itself).
 */
class CredentialsPermissionsTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void anOwnerOnlyFileStaysOwnerOnlyAfterARefreshAndDrawsNoWarning(Jdk jdk) throws Exception {
        Result result = runWithOneRefresh(jdk, "rw-------");
        Path credentials = tmp.resolve("credentials.json");
        assertEquals(0, result.eventCount("credentials.insecure_permissions"), result.describe());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aWorldReadableFileDrawsOneWarningAndKeepsItsMode(Jdk jdk) throws Exception {
        Result result = runWithOneRefresh(jdk, "rw-r--r--");
        Path credentials = tmp.resolve("credentials.json");
        String story = result.describe();
        Map<String, String> fields = Result.fields(result.onlyEvent("credentials.insecure_permissions", "WARN"));
        assertEquals(credentials.toString(), fields.get("file"), story);
        assertEquals("rw-r--r--", fields.get("mode"), story);
        assertEquals("chmod 600 " + credentials, fields.get("action"), story);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)),
                "the agent leaves the mode to the user");
    }

    /** One early revocation, so that exactly one refresh is written back into a file of this mode. */
    private Result runWithOneRefresh(Jdk jdk, String mode) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString(mode));
        AgentJvm.Running child = start(agent(jdk, server, credentials)
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 2, 2));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        server.revokeAllAccessTokens();
        Result result = child.await();
        result.assertNoFailures();
        assertEquals(1, server.refreshes(), result.describe());
        JsonNode file = JSON.readTree(credentials.toFile());
        assertEquals(server.newestRefreshToken(), file.path("refresh_token").asText(), "the refresh was written back");
        return result;
    }
}
