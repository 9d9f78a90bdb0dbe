package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CONTEXT.md case 3: several long-running processes share one credentials file and the server rotates
 * refresh tokens with reuse detection. Without coordination, two processes refresh with the same refresh
 * token and the server revokes the whole family; with tokenguard they behave like one careful client.
 */
class SharedCredentialsTest extends ScenarioBase {
    private static final int PROCESSES = 6;
    private static final long TOKEN_MILLIS = 1_500;
    /**
     * How long each program calls. Six JVMs starting at once on two cores can take seconds to make their
     * first calls; the loop must outlast them plus both revocations (6 s did not, once, on a slow machine).
     */
    private static final int LOOP_SECONDS = 9;

    /**
     * Six processes, two threads each, one file in Claude Code's layout, 1.5-second tokens, rotation with
     * reuse detection, and two early revocations: no program sees a failure, the server sees no reuse,
     * about one refresh per token generation in total (not one per process), and the file ends valid with
     * the newest refresh token and every foreign field.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void sixProcessesShareOneFileWithoutKillingEachOthersTokens(Jdk jdk) throws Exception {
        DemoAuthServer server = server(TOKEN_MILLIS);
        Grant grant = server.issueGrant();
        ObjectNode root = claudeCodeLayout(grant);
        ObjectNode oauth = (ObjectNode) root.path("claudeAiOauth");
        oauth.putArray("scopes").add("user:inference");
        oauth.put("subscriptionType", "max");
        root.put("userID", "u-77");
        Path credentials = write(".credentials.json", root);

        long started = System.currentTimeMillis();
        List<AgentJvm.Running> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(start(jvm(jdk)
                    .set("preset", "claude-code")
                    .set("credentials-file", credentials)
                    .set("token-url", server.tokenUrl())
                    .set("hosts", "127.0.0.1:" + server.port())
                    .main(SuiteProgram.class, JdkDriver.class.getName(), "loop", server.apiUrl("/v1/messages"), 2,
                            LOOP_SECONDS)));
        }
        await("every program's first call", 30, () -> server.apiOk() >= PROCESSES
                || children.stream().noneMatch(AgentJvm.Running::isAlive));
        sleep(1_500);
        revokeRightAfterARefresh(server, children);
        sleep(2_000);
        revokeRightAfterARefresh(server, children);
        List<Result> results = new ArrayList<>();
        for (AgentJvm.Running child : children) {
            results.add(child.await());
        }
        long elapsed = System.currentTimeMillis() - started;

        StringBuilder story = new StringBuilder("refreshes=" + server.refreshes() + " refresh requests="
                + server.refreshRequests() + " reuse=" + server.reuseDetections() + " invalid_grant="
                + server.invalidGrants() + " 401s=" + server.apiUnauthorized() + " ok=" + server.apiOk()
                + " elapsed_ms=" + elapsed);
        long calls = 0;
        int adopted = 0;
        for (Result result : results) {
            calls += result.calls();
            adopted += result.eventCount("token.adopted") + result.eventCount("credentials.changed");
        }
        story.append(" calls=").append(calls).append(" adopted=").append(adopted);
        for (Result result : results) {
            result.assertNoFailures();
        }
        assertEquals(0, server.reuseDetections(), "no rotated refresh token was ever replayed: " + story);
        assertEquals(0, server.invalidGrants(), story.toString());
        // A token is refreshed when half its life is left, so one generation lasts about 750 ms; two
        // revocations add two. Six uncoordinated processes would make about six times as many.
        long generations = elapsed / (TOKEN_MILLIS / 2) + 2;
        assertTrue(server.refreshes() <= generations + 4, "about one refresh per generation in total: " + story);
        assertTrue(server.refreshes() >= 3, story.toString());
        assertTrue(adopted >= PROCESSES, "the others took the tokens one process wrote: " + story);

        JsonNode after = JSON.readTree(credentials.toFile());
        assertEquals(server.newestRefreshToken(), after.path("claudeAiOauth").path("refreshToken").asText(),
                "the file holds the newest refresh token: " + story);
        assertTrue(server.isLiveRefreshToken(after.path("claudeAiOauth").path("refreshToken").asText()));
        assertEquals("u-77", after.path("userID").asText());
        assertEquals("max", after.path("claudeAiOauth").path("subscriptionType").asText());
        assertEquals("user:inference", after.path("claudeAiOauth").path("scopes").path(0).asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        assertTrue(Files.notExists(credentials.resolveSibling(".oauth_refresh.lock")),
                "Claude Code's lock directory is not left behind");
    }

    /**
     * Revokes every access token right after one of the processes has refreshed: the revocation also kills
     * the token that refresh has just obtained, while requests are still in flight with the one before it.
     * Their retries carry the new token and meet the same revocation; each request is retried once more
     * after one refresh of the new generation, so no program sees a failure.
     */
    private void revokeRightAfterARefresh(DemoAuthServer server, List<AgentJvm.Running> children) {
        int before = server.refreshes();
        await("a refresh by one of the processes", 10, () -> server.refreshes() > before
                || children.stream().noneMatch(AgentJvm.Running::isAlive));
        assertTrue(server.refreshes() > before, "the programs ended before the revocation: their loop of "
                + LOOP_SECONDS + " s is too short for this machine's start-up");
        server.revokeAllAccessTokens();
    }
}
