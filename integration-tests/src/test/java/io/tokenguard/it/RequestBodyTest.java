package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.PostProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The retried request carries the same body as the rejected one. */
class RequestBodyTest extends ScenarioBase {

    /**
     * The server revokes the token after every successful call, so each of the program's three requests
     * (a JSON POST, a 256 KiB binary POST, a text PUT) is rejected first and retried after a refresh; the
     * server receives every body byte for byte.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void bodyArrivesIntactOnTheRetry(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).main(PostProgram.class, server.apiUrl("/v1/messages")).run();

        result.assertNoFailures();
        String story = "refreshes=" + server.refreshes() + " 401s=" + server.apiUnauthorized() + "\n" + result.describe();
        int bodies = 0;
        for (String line : result.stdoutLines()) {
            if (!line.startsWith("body=")) {
                continue;
            }
            bodies++;
            Map<String, String> fields = Result.fields(line.substring(0, line.indexOf(" response=")));
            JsonNode response = JSON.readTree(line.substring(line.indexOf(" response=") + " response=".length()));
            assertEquals("200", fields.get("status"), story);
            assertEquals(fields.get("sent_sha256"), response.path("body_sha256").asText(), "body of " + line);
            assertEquals(Integer.parseInt(fields.get("sent_length")), response.path("body_length").asInt(), line);
            switch (fields.get("body")) {
                case "json" -> {
                    assertEquals("POST", response.path("method").asText());
                    assertEquals(PostProgram.JSON_BODY, response.path("echo").asText(), "echoed JSON body");
                }
                case "binary" -> {
                    assertEquals("POST", response.path("method").asText());
                    assertEquals(PostProgram.BINARY_LENGTH, response.path("body_length").asInt());
                }
                case "put" -> {
                    assertEquals("PUT", response.path("method").asText());
                    assertEquals(PostProgram.PUT_BODY, response.path("echo").asText(), "echoed PUT body");
                }
                default -> throw new AssertionError(line);
            }
        }
        assertEquals(3, bodies, story);
        assertEquals(3, server.apiUnauthorized(), "each request was rejected once: " + story);
        assertEquals(3, server.refreshes(), "one refresh per rejection: " + story);
        List<String> retried = result.events("request.retried");
        assertEquals(3, retried.size(), story);
        assertTrue(retried.stream().filter(l -> l.contains("method=POST")).count() == 2, story);
        assertTrue(retried.stream().filter(l -> l.contains("method=PUT")).count() == 1, story);
        assertEquals(0, result.eventCount("request.not_retried"), story);
    }
}
