package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.TwoHostsProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code log.file}: the events go to the file, and the program's standard error carries none of them. */
class LogFileTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void eventsGoToTheLogFile(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        DemoAuthServer other = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        Path log = tmp.resolve("tokenguard.log");

        Result result = agent(jdk, server, credentials).set("log.file", log)
                .main(TwoHostsProgram.class, server.apiUrl("/v1/messages"), other.apiUrl("/v1/messages")).run();

        result.assertExitCode(0);
        assertEquals("200", result.outputValue("guarded_status"), result.describe());
        assertFalse(result.stderr().contains("event="), "nothing on standard error: " + result.describe());
        String written = Files.readString(log);
        assertTrue(written.contains("event=token.loaded") && written.contains("event=agent.started"), written);
        for (String secret : server.issuedSecrets()) {
            assertFalse(written.contains(secret), "a token in the log file (fp " + io.tokenguard.token.Fingerprint.of(secret) + ")");
        }
    }
}
