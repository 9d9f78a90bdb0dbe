package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.suite.program.JdkDriver;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The claude-code preset also takes the lock directory Claude Code is reported to take around its own
 * refresh ({@code ~/.claude/.oauth_refresh.lock}, proper-lockfile style), so the two never refresh at once.
 * The test plays Claude Code by creating and removing that directory itself.
 */
class ClaudeCodeLockTest extends ScenarioBase {

    private AgentJvm.Running program(Jdk jdk, DemoAuthServer server, Path credentials) {
        return start(jvm(jdk)
                .set("preset", "claude-code")
                .set("credentials-file", credentials)
                .set("token-url", server.tokenUrl())
                .set("hosts", "127.0.0.1:" + server.port())
                .main(SuiteProgram.class, JdkDriver.class.getName(), "loop", server.apiUrl("/v1/messages"), 2, 5));
    }

    /**
     * Claude Code is "refreshing" (its lock directory is fresh) when the token is revoked: tokenguard does
     * not refresh until the directory is gone, then refreshes once; the program sees no failure because
     * the wait (2 s) is within refresh-timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aLiveClaudeCodeLockIsWaitedFor(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = write(".credentials.json", claudeCodeLayout(server.issueGrant()));
        Path claudeLock = credentials.resolveSibling(".oauth_refresh.lock");

        AgentJvm.Running child = program(jdk, server, credentials);
        await("the program's first call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        Files.createDirectory(claudeLock);
        server.revokeAllAccessTokens();
        sleep(2_000);
        assertEquals(0, server.refreshRequests(), "no refresh while Claude Code holds its lock");
        Files.delete(claudeLock);
        Result result = child.await();

        result.assertNoFailures();
        assertEquals(1, server.refreshes(), result.describe());
        assertFalse(Files.exists(claudeLock), "tokenguard removed the lock directory it took");
    }

    /**
     * A lock directory left behind by a Claude Code process that died (modification time more than 60 s
     * old) does not block: tokenguard takes it over, refreshes and removes it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aStaleClaudeCodeLockIsTakenOver(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = write(".credentials.json", claudeCodeLayout(server.issueGrant()));
        Path claudeLock = credentials.resolveSibling(".oauth_refresh.lock");
        Files.createDirectory(claudeLock);
        Files.setLastModifiedTime(claudeLock, FileTime.fromMillis(System.currentTimeMillis() - 120_000));

        AgentJvm.Running child = program(jdk, server, credentials);
        await("the program's first call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        assertEquals(1, server.refreshes(), result.describe());
        assertTrue(Files.notExists(claudeLock), "the stale directory was taken over and released");
    }
}
