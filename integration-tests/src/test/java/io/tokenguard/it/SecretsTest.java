package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.IntrospectionProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a secret could leak from inside the JVM: thread names, every MBean attribute, system properties,
 * the agent's log (here a file) and the program's output. A program with the agent, a confidential client
 * (its secret in a file, sent in the body), a token revoked twice so that refreshes, rejections and
 * retries all happen, prints all of that; {@link ScenarioBase} then searches it, and the log file, for
 * every token the server issued and for the client secret.
 */
class SecretsTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void noSecretInThreadNamesMBeansPropertiesOrLogs(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
        Path credentials = genericCredentials(server.issueGrant());
        String clientSecret = secret("cs-" + "S3cr3t".repeat(6));
        Path secretFile = Files.writeString(tmp.resolve("client-secret"), clientSecret);
        Path log = tmp.resolve("agent.log");

        Result result = agent(jdk, server, credentials).set("client-id", "tokenguard-test")
                .set("client-secret-file", secretFile).set("client-auth", "post").set("log.file", log)
                .main(java.util.List.of(), IntrospectionProgram.class, server.apiUrl("/v1/messages"), 3).run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("3", result.outputValue("ok"), "every call succeeded after the agent's retry: " + story);
        assertEquals(2, server.refreshes(), "the first call used the file's token; each later one was rejected "
                + "(the server revokes after every success) and retried after one refresh: " + story);
        for (Map<String, String> request : server.tokenRequests()) {
            assertEquals(clientSecret, request.get("client_secret"), "the secret went to the token endpoint");
        }
        assertTrue(Integer.parseInt(result.outputValue("mbean_attributes")) > 100, "the MBeans were read: " + story);
        assertTrue(result.stdoutLines().stream().anyMatch(l -> l.startsWith("thread=tokenguard")),
                "the agent's threads were listed: " + story);
        String written = Files.readString(log);
        assertTrue(written.contains("event=request.retried") && written.contains("event=token.refresh.succeeded"),
                "the log file holds the story the search runs over: " + written);
    }
}
