package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.SocketThroughProxyProgram;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A plain {@code Socket} through an HTTP proxy to a guarded host:port. The JDK tunnels it with an
 * HttpURLConnection that it then reaches into by reflection, so the url-connection instrumentation must
 * hand it the JDK's own connection, or the program's socket fails.
 */
class SocketThroughProxyTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aSocketTunnelledThroughAnHttpProxyToAGuardedHostStillConnects(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        try (ConnectProxy proxy = new ConnectProxy()) {
            Result result = agent(jdk, server, credentials)
                    .main(SocketThroughProxyProgram.class, proxy.port(), "127.0.0.1", server.port(), "/v1/messages")
                    .run();

            result.assertExitCode(0);
            assertEquals("HTTP/1.1_401_Unauthorized", result.outputValue("status_line"), result.describe());
            assertEquals(1, proxy.tunnels(), result.describe());
            assertEquals(0, result.eventCount("agent.internal_error"), result.describe());
        }
    }
}
