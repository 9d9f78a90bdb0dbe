package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.LoopProgram;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code tokenguard.log.format=json}: one JSON object per line, each with an event. */
class JsonLogTest extends ScenarioBase {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void jsonLinesParseAndCarryTheEvent(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        AgentJvm.Running child = start(agent(jdk, server, credentials).set("log.format", "json")
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 2, 2));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertNoFailures();
        List<JsonNode> events = new ArrayList<>();
        for (String line : result.stderrLines()) {
            if (line.isBlank() || isJvmNotice(line)) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line on stderr: " + line + "\n" + result.describe(), e);
            }
            assertTrue(node != null && node.isObject(), "not a JSON object: " + line);
            assertTrue(node.path("event").isTextual(), "no event field: " + line);
            events.add(node);
        }
        List<String> names = new ArrayList<>();
        events.forEach(e -> names.add(e.path("event").asText()));
        assertTrue(names.contains("agent.started"), names.toString());
        assertTrue(names.contains("token.loaded"), names.toString());
        assertTrue(names.contains("token.rejected"), names.toString());
        assertTrue(names.contains("request.retried"), names.toString());
        JsonNode rejected = events.get(names.indexOf("token.rejected"));
        assertEquals("/v1/messages", rejected.path("path").asText(), rejected.toString());
        assertEquals(401, rejected.path("status").asInt(), rejected.toString());
        assertTrue(rejected.path("fp").asText().matches("[0-9a-f]{8}"), rejected.toString());
    }

    /** Lines the JVM itself prints, not the agent. */
    static boolean isJvmNotice(String line) {
        return line.startsWith("OpenJDK 64-Bit Server VM warning:") || line.startsWith("Java HotSpot(TM)")
                || line.startsWith("WARNING: ") || line.startsWith("Picked up ");
    }
}
