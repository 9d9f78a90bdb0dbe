package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.demo.Grant;
import io.tokenguard.it.programs.LoopProgram;
import io.tokenguard.it.programs.Programs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A credentials file the agent cannot use: one {@code credentials.invalid} event that says what to fix,
 * the program runs on exactly as without the agent (its requests pass untouched and get the server's
 * 401), and the file's bytes are the same afterwards: the agent never "repairs" a file it could not parse.
 * The cases take turns on the JDKs, so each JDK sees half of them at the cost of one run each.
 */
class BadCredentialsFileTest extends ScenarioBase {
    private static final String HINT = "run my-login";

    /**
     * A bad file: its bytes (null: no file at all), extra settings, the event's {@code error} and the words its
     * message must hold.
     */
    private static final class Case {
        final String name;
        final String content;
        final Map<String, String> settings;
        final String error;
        final String[] words;

        Case(String name, String content, Map<String, String> settings, String error, String... words) {
            this.name = name;
            this.content = content;
            this.settings = settings;
            this.error = error;
            this.words = words;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        String at = "\"access_token\":\"at-placeholder-not-issued\"";
        List<Case> cases = List.of(
                new Case("missing", null, Map.of(), "missing_file", "does not exist", "point tokenguard.credentials-file"),
                new Case("empty", "", Map.of(), "invalid_json", "is empty"),
                new Case("not JSON", "access_token=abc\n", Map.of(), "invalid_json", "does not hold a JSON object"),
                new Case("broken JSON", "{\"access_token\": \"x\",\n}", Map.of(), "invalid_json", "is not valid JSON at line 2, column 1"),
                new Case("JSON array", "[{" + at + "}]", Map.of(), "invalid_json", "does not hold a JSON object"),
                new Case("access token a number", "{\"access_token\":12345}", Map.of(), "invalid_value", "/access_token is not a string"),
                new Case("expires_at not a date", "{" + at + ",\"expires_at\":\"tomorrow\"}", Map.of(),
                        "invalid_value", "/expires_at is not an ISO-8601"),
                new Case("object where a string belongs", "{" + at + ",\"refresh_token\":{\"value\":\"x\"}}", Map.of(),
                        "invalid_value", "/refresh_token is not a string", "check tokenguard.credentials.refresh-token"),
                new Case("pointers that find nothing", "{" + at + "}",
                        Map.of("credentials.access-token", "/claudeAiOauth/accessToken"),
                        "invalid_value", "/claudeAiOauth/accessToken is missing", "check tokenguard.credentials.access-token"),
                new Case("50 MB", "huge", Map.of(), "too_large", "is larger than 1 MiB", "check tokenguard.credentials-file"),
                new Case("dangling symbolic link", "link", Map.of(), "missing_file", "does not exist"));
        List<Jdk> jdks = Jdk.list();
        Stream.Builder<Arguments> arguments = Stream.builder();
        for (int i = 0; i < cases.size(); i++) {
            arguments.add(Arguments.of(cases.get(i), jdks.get(i % jdks.size())));
        }
        return arguments.build();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void oneClearEventTheProgramRunsOnAndTheFileIsUntouched(Case bad, Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = tmp.resolve("credentials.json");
        if ("huge".equals(bad.content)) {
            try (RandomAccessFile file = new RandomAccessFile(credentials.toFile(), "rw")) {
                file.write("{\"access_token\":\"x\",\"pad\":\"".getBytes(StandardCharsets.UTF_8));
                file.setLength(50L << 20); // sparse: 50 MB to the reader, cheap on disk
            }
        } else if ("link".equals(bad.content)) {
            Files.createSymbolicLink(credentials, tmp.resolve("dotfiles").resolve("credentials.json"));
        } else if (bad.content != null) {
            Files.write(credentials, bad.content.getBytes(StandardCharsets.UTF_8));
        }
        String before = fingerprint(credentials);

        AgentJvm jvm = agent(jdk, server, credentials).set("relogin-hint", HINT)
                .jvmArg("-Xmx48m") // far less than the 50 MB file: reading it whole would fail
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 1);
        bad.settings.forEach(jvm::set);
        Result result = jvm.run();
        String story = result.describe();

        result.assertExitCode(0);
        Map<String, String> event = Result.fields(result.onlyEvent("credentials.invalid", "ERROR"));
        assertEquals(credentials.toString(), event.get("file"), story);
        assertEquals(bad.error, event.get("error"), story);
        String message = event.get("message");
        for (String word : bad.words) {
            assertTrue(message.contains(word), "'" + word + "' in the message: " + message);
        }
        assertTrue(message.endsWith(HINT), "the message ends with the relogin hint: " + message);
        assertEquals(0, result.eventCount("agent.disabled"), "the agent stays up, waiting for a good file: " + story);
        assertEquals(1, result.eventCount("agent.started"), story);

        long[] counts = result.finalCounts();
        assertTrue(counts[0] > 0, "the program ran: " + story);
        assertEquals(counts[0], counts[1], "every call got the server's 401, as without the agent: " + story);
        assertTrue(server.apiAuthorizations().stream().allMatch("Bearer placeholder"::equals),
                "no request was touched: " + story);
        assertEquals(0, server.refreshRequests(), story);
        assertEquals(before, fingerprint(credentials), "the file is exactly as it was");
    }

    /**
     * The user fixes the file while the program runs (a new login): the agent picks it up without a restart,
     * and the program's calls succeed from then on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aFixedFileIsPickedUpWhileTheProgramRuns(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = tmp.resolve("credentials.json");
        Files.write(credentials, "{\"access_token\": ".getBytes(StandardCharsets.UTF_8)); // a login that died mid-write
        AgentJvm.Running child = start(agent(jdk, server, credentials)
                .main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 4));
        await("credentials.invalid", 20, () -> child.stderrSoFar().contains("event=credentials.invalid") || !child.isAlive());

        Grant login = server.issueGrant();
        replaceAtomically(credentials, JSON.createObjectNode().put("access_token", login.accessToken())
                .put("refresh_token", login.refreshToken()).put("expires_at", login.expiresAtSeconds()));
        Result result = child.await();
        String story = result.describe();

        result.assertExitCode(0);
        assertEquals(1, result.eventCount("credentials.invalid"), story);
        assertEquals(1, result.eventCount("credentials.changed"), story);
        assertTrue(server.apiOk() > 0, "calls succeed once the file is good: " + story);
        assertTrue(result.failures() < result.calls(), story);
        assertEquals(0, server.refreshRequests(), "a fresh login needs no refresh: " + story);
    }

    /**
     * A credentials file that is a symbolic link (into a dotfiles repository, say) is read through the link,
     * and a refresh writes the target: the link stays a link, the target holds the new tokens, mode 0600.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aSymbolicLinkStaysALinkAndItsTargetGetsTheRefreshedTokens(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Grant grant = server.issueGrant();
        Path target = Files.createDirectory(tmp.resolve("dotfiles")).resolve("credentials.json");
        Files.write(target, JSON.writeValueAsBytes(JSON.createObjectNode().put("access_token", grant.accessToken())
                .put("refresh_token", grant.refreshToken()).put("expires_at", grant.expiresAtSeconds())));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(tmp.resolve("credentials.json"), Path.of("dotfiles", "credentials.json"));

        AgentJvm.Running child = start(agent(jdk, server, link).main(LoopProgram.class, server.apiUrl("/v1/messages"), 1, 2));
        await("the program's first successful call", 20, () -> server.apiOk() > 0 || !child.isAlive());
        server.revokeAllAccessTokens();
        Result result = child.await();
        String story = result.describe();

        result.assertNoFailures();
        assertEquals(1, server.refreshes(), story);
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(Path.of("dotfiles", "credentials.json"), Files.readSymbolicLink(link), "pointing where it did");
        JsonNode written = JSON.readTree(target.toFile());
        assertEquals(server.newestRefreshToken(), written.path("refresh_token").asText(), "the target was written");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        Path lock = target.resolveSibling(".credentials.json.tokenguard-lock");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(lock, target), files.sorted().collect(java.util.stream.Collectors.toList()),
                    "beside the target only the refresh lock, which every process reaching the file meets there");
        }
        assertEquals(0, Files.size(lock), "the lock file holds nothing, let alone a secret");
    }

    /** SHA-256 of the bytes, or what the path is when there are none to read. */
    private static String fingerprint(Path file) throws IOException {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            return "dangling link to " + Files.readSymbolicLink(file);
        }
        if (!Files.exists(file)) {
            return "absent";
        }
        return Programs.sha256Hex(Files.readAllBytes(file)) + " " + Files.getLastModifiedTime(file);
    }
}
