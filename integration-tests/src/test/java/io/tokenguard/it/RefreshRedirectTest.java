package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.programs.LoopProgram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The refresh token travels only to {@code token-url}: when the token endpoint answers with a redirect
 * (307 even asks the client to send the same POST body on), the agent does not follow it, so the refresh
 * token never reaches the other server, and the failure is one clear {@code token.refresh.failed}.
 */
class RefreshRedirectTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aRedirectFromTheTokenEndpointIsNeverFollowed(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        Path credentials = genericCredentials(grant);
        List<String> elsewhere = new CopyOnWriteArrayList<>();
        HttpServer other = listen(exchange -> {
            elsewhere.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        HttpServer redirector = listen(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + other.getAddress().getPort() + "/oauth/token");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        try {
            AgentJvm.Running child = start(agent(jdk, server, credentials)
                    .set("token-url", "http://127.0.0.1:" + redirector.getAddress().getPort() + "/oauth/token")
                    .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 2));
            await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
            server.revokeAllAccessTokens(); // the next call gets a 401: the agent refreshes, at the redirector
            Result result = child.await();
            String story = result.describe();

            assertEquals(0, elsewhere.size(), "nothing reached the redirect's target (bodies not shown: they would "
                    + "hold the refresh token)");
            Map<String, String> failed = Result.fields(result.events("token.refresh.failed").get(0));
            assertEquals("307", failed.get("status"), story);
            assertEquals("http_307", failed.get("error"), story);
            assertEquals(0, server.refreshRequests(), story);
            assertTrue(result.failures() > 0, "the program got the server's 401, as without the agent: " + story);
        } finally {
            redirector.stop(0);
            other.stop(0);
        }
    }

    private static HttpServer listen(com.sun.net.httpserver.HttpHandler handler) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
