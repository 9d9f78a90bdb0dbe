package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar tokenguard-agent.jar ...}: help, version, and the demo from the README. */
class CliTest extends ScenarioBase {

    @Test
    void versionHelpAndUnknownCommands() {
        Jdk jdk = Jdk.current();
        for (String command : new String[] {"version", "--version"}) {
            Result version = jvm(jdk).agentCli(command).run().assertExitCode(0);
            assertTrue(version.stdout().trim().matches("tokenguard \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version.describe());
        }
        for (String command : new String[] {"--help", "-h", "help"}) {
            Result help = jvm(jdk).agentCli(command).run().assertExitCode(0);
            assertTrue(help.stdout().contains("-javaagent:"), help.describe());
            assertTrue(help.stdout().contains("-Dtokenguard.preset=claude-code"), help.describe());
            assertTrue(help.stdout().contains("demo"), help.describe());
            assertTrue(help.stdout().contains("doctor [--refresh]"), help.describe());
        }
        Result unknown = jvm(jdk).agentCli("frobnicate").run().assertExitCode(2);
        assertTrue(unknown.stderr().contains("frobnicate"), unknown.describe());
        assertTrue(unknown.stderr().contains("demo"), "usage on stderr: " + unknown.describe());
        assertEquals("", unknown.stdout(), unknown.describe());
        Result badOption = jvm(jdk).agentCli("doctor", "--refesh").run().assertExitCode(2);
        assertTrue(badOption.stderr().contains("unknown option '--refesh'; usage: doctor [--refresh]"), badOption.describe());
    }

    /**
     * The README's demo, shortened to 6 seconds: the program behind it sees no failure, the early
     * revocation happens and is absorbed, and the credentials file keeps its other fields.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void demoRunsWithoutFailures(Jdk jdk) {
        Result demo = jvm(jdk).timeout(Duration.ofSeconds(90)).agentCli("demo", "--seconds", "6").run();
        String story = demo.describe();
        demo.assertExitCode(0);
        assertTrue(demo.stdout().contains("revokes every access token"), story);
        assertTrue(demo.stdout().contains("event=token.loaded"), "the agent's log is streamed: " + story);
        assertTrue(demo.stdout().contains("event=request.retried"), story);
        assertTrue(demo.stdout().matches("(?s).*failures the program saw\\s*: 0\\R.*"), story);
        assertTrue(demo.stdout().matches("(?s).*kept userID/scopes\\s*: yes\\R.*"), story);
        assertTrue(demo.stdout().matches("(?s).*has the newest token\\s*: yes\\R.*"), story);
        assertTrue(demo.stdout().lines().anyMatch(l -> l.matches("calls=\\d+ failures=0")), story);
    }
}
