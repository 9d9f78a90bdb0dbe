package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.suite.program.JdkDriver;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code on-invalid-grant=discard}: a dead grant is taken out of the file, so the next login starts clean. */
class DiscardDeadCredentialsTest extends ScenarioBase {

    /**
     * The grant dies on the server while a program runs with the claude-code layout: the three token
     * fields leave the file, every other field stays, the file keeps mode 0600, a 0600 backup of the file
     * as it was lies beside it, and the error says where.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void theDeadTokenFieldsAreRemovedAfterAPrivateBackup(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        ObjectNode original = claudeCodeCredentials(grant);
        Path credentials = write(".credentials.json", original);
        byte[] before = Files.readAllBytes(credentials);

        AgentJvm.Running child = start(claudeCodeAgent(jdk, server, credentials).set("on-invalid-grant", "discard")
                .main(SuiteProgram.class, JdkDriver.class.getName(), "loop", server.apiUrl("/v1/messages"), 1, 4));
        await("the program's first successful call", 30, () -> server.apiOk() > 0 || !child.isAlive());
        assertTrue(server.revokeFamilyOf(grant.refreshToken()));
        await("credentials.invalid", 20, () -> child.stderrSoFar().contains("event=credentials.invalid")
                || !child.isAlive());
        Result result = child.await();

        String story = result.describe();
        JsonNode after = JSON.readTree(credentials.toFile());
        ObjectNode expected = original.deepCopy();
        ObjectNode oauth = (ObjectNode) expected.path("claudeAiOauth");
        oauth.remove(List.of("accessToken", "refreshToken", "expiresAt"));
        assertEquals(expected, after, "only the dead token fields are gone: " + story);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));

        List<Path> backups;
        try (Stream<Path> files = Files.list(credentials.getParent())) {
            backups = files.filter(f -> f.getFileName().toString().startsWith(".credentials.json.invalid-"))
                    .collect(Collectors.toList());
        }
        assertEquals(1, backups.size(), "one backup beside the file: " + story);
        assertArrayEquals(before, Files.readAllBytes(backups.get(0)), "the backup is the file as it was");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backups.get(0))));
        String invalid = result.events("credentials.invalid").get(0);
        assertTrue(invalid.contains("removed") && invalid.contains(backups.get(0).getFileName().toString()), invalid);
        assertFalse(result.stderr().contains("credentials.write_failed"), story);
    }
}
