package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.NoHeaderProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code inject}: {@code replace} touches only requests that carry the header; {@code always} adds it. */
class InjectModeTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void replaceLeavesARequestWithoutTheHeaderAlone(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials).main(NoHeaderProgram.class, server.apiUrl("/v1/messages")).run();

        result.assertExitCode(0);
        assertEquals("401", result.outputValue("status"), result.describe());
        assertEquals("", server.apiAuthorizations().get(0), "no header was added: " + result.describe());
        assertEquals(0, result.eventCount("token.rejected"), result.describe());
        assertEquals(0, server.refreshRequests());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void alwaysAddsTheHeader(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials).set("inject", "always")
                .main(NoHeaderProgram.class, server.apiUrl("/v1/messages")).run();

        result.assertExitCode(0);
        assertEquals("200", result.outputValue("status"), result.describe());
        assertTrue(server.apiAuthorizations().get(0).startsWith("Bearer at-"), result.describe());
    }
}
