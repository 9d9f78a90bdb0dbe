package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.StatusesProgram;
import io.tokenguard.it.programs.UnexpectedShapeProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5, "the agent never breaks its host", with faults that happen by themselves: a log that cannot
 * be written, a credentials folder that disappears while the program runs, and a class named like a
 * client the agent instruments but shaped otherwise. Each time the program runs as it would without the
 * agent (or better: its requests are still guarded), and the fault is said in one line.
 */
class InternalFaultsTest extends ScenarioBase {
    private static final String ALL_OK = "^statuses=\\{200=\\d+} exceptions=0 slowest_ms=\\d+$";

    /** Every write to the log fails (ENOSPC): requests are guarded as before, one line says the log is lost. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aLogThatCannotBeWrittenChangesNothingForTheProgram(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).set("log.file", "/dev/full")
                .main(StatusesProgram.class, server.apiUrl("/v1/full"), 4, 1).run();

        result.assertExitCode(0);
        List<String> out = result.stdoutLines();
        assertTrue(out.get(out.size() - 1).matches(ALL_OK), "401s retried with a fresh token: " + result.describe());
        assertEquals(1, server.refreshes(), result.describe());
        assertEquals(1, result.stderrLines().size(), "one line, on standard error: " + result.describe());
        Map<String, String> said = Result.fields(result.onlyEvent("agent.log_failed", "ERROR"));
        assertEquals("/dev/full", said.get("file"), result.describe());
        assertTrue(said.get("message") != null && said.get("exception").startsWith("java.io."), result.describe());
    }

    /**
     * The credentials folder is replaced by a file while the program runs, then the token is revoked: the
     * refresh works, its write fails once and says so, and every request carries on with the token in memory.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aCredentialsFolderThatVanishesCostsOneLineNotARequest(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path folder = Files.createDirectory(tmp.resolve("login"));
        Path credentials = Files.move(genericCredentials(server.issueGrant()), folder.resolve("credentials.json"));
        AgentJvm.Running child = start(agent(jdk, server, credentials)
                .main(StatusesProgram.class, server.apiUrl("/v1/vanish"), 6, 4));
        await("the program's first successful call", 30, () -> server.apiOk() > 0 || !child.isAlive());

        Files.delete(credentials);
        Files.delete(folder);
        Files.writeString(folder, "a file where the folder was");
        server.revokeAllAccessTokens();
        Result result = child.await();

        result.assertExitCode(0);
        List<String> out = result.stdoutLines();
        assertTrue(out.get(out.size() - 1).matches(ALL_OK), "every request answered 200: " + result.describe());
        assertEquals(1, server.refreshes(), result.describe());
        Map<String, String> failed = Result.fields(result.onlyEvent("credentials.write_failed", "ERROR"));
        assertEquals(credentials.toString(), failed.get("file"), result.describe());
        assertEquals(0, result.eventCount("agent.internal_error"), result.describe());
        assertEquals(0, result.eventCount("token.refresh.failed"), result.describe());
    }

    /**
     * Two plugin loaders each hold an {@code okhttp3.OkHttpClient} that is not OkHttp: one without the
     * constructor the agent hooks, one with it but without the API its helper needs. Each is left alone with
     * one {@code instrumentation.skipped}; the program gets what the classes themselves answer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void aClassNamedLikeAClientButShapedOtherwiseIsLeftAlone(Jdk jdk) throws Exception {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        Path noBuilder = compile("no-builder-constructor", "package okhttp3;\n"
                + "public class OkHttpClient {\n"
                + "    public String call() { return \"plain\"; }\n"
                + "}\n");
        Path noInterceptors = compile("builder-without-interceptors", "package okhttp3;\n"
                + "public class OkHttpClient {\n"
                + "    public static class Builder { public OkHttpClient build() { return new OkHttpClient(this); } }\n"
                + "    private final String how;\n"
                + "    public OkHttpClient() { this(new Builder()); }\n"
                + "    OkHttpClient(Builder builder) { how = \"built\"; }\n"
                + "    public String call() { return how; }\n"
                + "}\n");

        Result result = agent(jdk, server, credentials)
                .main(UnexpectedShapeProgram.class, server.apiUrl("/v1/shape"), noBuilder, noInterceptors).run();

        result.assertExitCode(0);
        assertEquals(List.of("no-builder-constructor says plain", "builder-without-interceptors says built",
                "api status=200"), result.stdoutLines(), result.describe());
        List<String> skipped = result.events("instrumentation.skipped");
        assertEquals(2, skipped.size(), "one line for each shape: " + result.describe());
        for (String line : skipped) {
            assertEquals("okhttp", Result.fields(line).get("instrumentation"), result.describe());
        }
        assertEquals(0, result.eventCount("agent.internal_error"), result.describe());
        assertEquals(List.of(), result.stderrLines().stream().filter(line -> !line.contains(" tokenguard event="))
                .collect(Collectors.toList()), "nothing but the agent's event lines: " + result.describe());
    }

    /** The source compiled with the JDK's compiler into its own folder, never on any other child's class path. */
    private Path compile(String name, String source) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path file = Files.createDirectories(tmp.resolve("src-" + name).resolve("okhttp3")).resolve("OkHttpClient.java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int exit = javac.run(null, null, null, "--release", "11", "-d", dir.toString(), file.toString());
        assertEquals(0, exit, "compiling the stand-in " + name);
        return dir;
    }
}
