package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.token.Fingerprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@code java -Dtokenguard.K=V ... -jar tokenguard-agent.jar doctor [--refresh]} against a real token
 * endpoint: it says what is wrong and how to fix it, exits 0 only when nothing failed, and spends the
 * refresh token only when asked to.
 */
class DoctorTest extends ScenarioBase {

    private AgentJvm doctor(Jdk jdk, DemoAuthServer server, Path credentials, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "doctor";
        System.arraycopy(args, 0, command, 1, args.length);
        return jvm(jdk).agentCli(command)
                .set("hosts", "127.0.0.1:" + server.port())
                .set("credentials-file", credentials)
                .set("token-url", server.tokenUrl());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aHealthySetupPassesWithoutSpendingTheRefreshToken(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        Path credentials = genericCredentials(grant);
        byte[] before = Files.readAllBytes(credentials);

        Result result = doctor(jdk, server, credentials).run();
        String story = result.describe();

        result.assertExitCode(0);
        assertTrue(result.stdoutLines().stream().allMatch(l -> l.startsWith("OK ") || l.startsWith("verdict:")),
                "every check passed: " + story);
        assertEquals("verdict: OK", last(result.stdoutLines()), story);
        assertTrue(result.stdout().contains("fp=" + Fingerprint.of(grant.accessToken())), story);
        assertTrue(result.stdout().contains("fp=" + Fingerprint.of(grant.refreshToken())), story);
        assertTrue(result.stdout().matches("(?s).*expires in (9m|10m).*"), story);
        assertTrue(result.stdout().contains("HTTP 400 invalid_request"), "the endpoint was probed: " + story);
        assertEquals(1, server.refreshRequests(), "one probe: " + story);
        assertEquals(0, server.refreshes(), "no refresh: " + story);
        assertFalse(server.tokenRequests().get(0).containsKey("refresh_token"), "the probe carried no refresh token");
        assertTrue(server.isLiveRefreshToken(grant.refreshToken()), "the refresh token was not spent");
        assertArrayEquals(before, Files.readAllBytes(credentials), "the file is untouched");
    }

    /**
     * With the claude-code preset (JSON requests, epoch-millisecond expiry, Claude Code's lock directories):
     * one refresh, the new tokens in the file beside every field it had, the lock directories gone again.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void refreshSpendsTheRefreshTokenOnceAndWritesTheNewTokens(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        ObjectNode original = claudeCodeCredentials(grant);
        Path credentials = write(".credentials.json", original);

        Result result = jvm(jdk).agentCli("doctor", "--refresh").set("preset", "claude-code")
                .set("credentials-file", credentials).set("token-url", server.tokenUrl())
                .set("hosts", "127.0.0.1:" + server.port()).run();
        String story = result.describe();

        result.assertExitCode(0);
        assertEquals(1, server.refreshes(), "exactly one refresh: " + story);
        assertEquals(1, server.refreshRequests(), "and no probe besides: " + story);
        assertEquals(List.of("application/json"), server.tokenRequestContentTypes(), story);
        ObjectNode expected = original.deepCopy();
        ObjectNode oauth = (ObjectNode) expected.path("claudeAiOauth");
        oauth.put("accessToken", server.newestAccessToken()).put("refreshToken", server.newestRefreshToken());
        JsonNode file = JSON.readTree(credentials.toFile());
        oauth.set("expiresAt", file.path("claudeAiOauth").path("expiresAt"));
        assertEquals(expected, file, "the new tokens, every other field kept: " + story);
        assertTrue(file.path("claudeAiOauth").path("expiresAt").asLong() > System.currentTimeMillis(), "epoch ms");
        String refresh = only(result.stdoutLines(), "OK   refresh ");
        assertTrue(refresh.contains("fp " + Fingerprint.of(grant.accessToken()) + " -> "
                + Fingerprint.of(server.newestAccessToken())), story);
        assertTrue(refresh.contains("rotated (fp " + Fingerprint.of(server.newestRefreshToken()) + ")"), story);
        assertTrue(refresh.contains("expires in 9m") || refresh.contains("expires in 10m"), story);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(credentials)), "the written file stays owner-only");
        assertFalse(Files.exists(credentials.resolveSibling(".oauth_refresh.lock")), "Claude Code's lock released");
    }

    @Test
    void anExpiredAccessTokenAndATypoAreWarningsWithTheirAdvice() throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        ObjectNode root = JSON.createObjectNode().put("access_token", grant.accessToken())
                .put("refresh_token", grant.refreshToken()).put("expires_at", System.currentTimeMillis() / 1000 - 300);
        Path credentials = write("credentials.json", root);

        Result result = doctor(Jdk.current(), server, credentials).set("refresh-skw", "30s").run();
        String story = result.describe();

        result.assertExitCode(0);
        String line = only(result.stdoutLines(), "WARN credentials ");
        assertTrue(line.contains("expired 5m") || line.contains("expired 4m"), story);
        assertTrue(line.contains("doctor --refresh"), story);
        assertTrue(only(result.stdoutLines(), "WARN config ").contains("did you mean tokenguard.refresh-skew?"), story);
        assertEquals("verdict: OK with 2 warnings", last(result.stdoutLines()), story);
        assertEquals(0, server.refreshes(), story);
    }

    /** Each broken setup: exit 1, one FAIL line naming the problem and its fix, and no refresh spent. */
    @Test
    void eachProblemFailsWithItsFix() throws Exception {
        Jdk jdk = Jdk.current();
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result missing = doctor(jdk, server, tmp.resolve("nowhere.json")).run();
        assertFails(missing, "FAIL credentials ", "does not exist", "point tokenguard.credentials-file at",
                "fix: log in again");

        Result badKey = doctor(jdk, server, credentials).set("refresh-skew", "soon").run();
        assertFails(badKey, "FAIL config ", "tokenguard.refresh-skew: \"soon\"", "use 250ms, 30s");

        Result noToken = doctor(jdk, server, write("empty-object.json", JSON.createObjectNode())).run();
        assertFails(noToken, "FAIL credentials ", "/access_token is missing",
                "check tokenguard.credentials.access-token");

        DemoAuthServer down = server(600_000);
        down.close();
        Result endpointDown = doctor(jdk, down, credentials).run();
        assertFails(endpointDown, "FAIL token-url ", "cannot connect", "fix: check tokenguard.token-url");

        assertEquals(0, server.refreshes(), "no refresh token was spent");
    }

    private static void assertFails(Result result, String prefix, String... words) {
        String story = result.describe();
        result.assertExitCode(1);
        String line = only(result.stdoutLines(), prefix);
        for (String word : words) {
            assertTrue(line.contains(word), "'" + word + "' in " + line + "\n" + story);
        }
        assertTrue(last(result.stdoutLines()).startsWith("verdict: FAIL (1 problem"), story);
    }

    private static String only(List<String> lines, String prefix) {
        List<String> matching = lines.stream().filter(l -> l.startsWith(prefix)).collect(java.util.stream.Collectors.toList());
        assertEquals(1, matching.size(), "one line starting with '" + prefix + "' in " + lines);
        return matching.get(0);
    }

    private static String last(List<String> lines) {
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
