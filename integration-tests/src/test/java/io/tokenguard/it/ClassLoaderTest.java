package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.TwoLoadersProgram;
import io.tokenguard.it.suite.program.OkHttpDriver;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Client libraries live in the application's class loaders, sometimes several versions at once. */
class ClassLoaderTest extends ScenarioBase {

    private static String classPath(Stack stack) {
        return AgentJvm.testClasses() + File.pathSeparator
                + stack.jars().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Two plugin class loaders in one JVM, one with OkHttp 3.14.9 and one with OkHttp 4.12.0, each sending
     * 10 requests at once with a revoked token: the agent's interceptor is defined in each loader against
     * that loader's OkHttp, all 20 requests succeed, and the two loaders share one refresh.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void twoLoadersWithTwoOkHttpVersionsAreBothGuarded(Jdk jdk) {
        DemoAuthServer server = server(600_000).refreshLatencyMillis(300);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();

        Result result = agent(jdk, server, credentials).set("log.level", "debug")
                .main(TwoLoadersProgram.class, classPath(Stack.named("okhttp-3.14.9")), classPath(Stack.named("okhttp-4.12.0")),
                        OkHttpDriver.class.getName(), "burst", server.apiUrl("/v1/burst"), 10, "sync")
                .run();

        result.assertExitCode(0);
        String story = "refresh requests=" + server.refreshRequests() + "\n" + result.describe();
        assertEquals("0", result.outputValue("failures"), story);
        assertEquals(List.of("statuses={200=10}", "statuses={200=10}"),
                result.stdoutLines().stream().filter(l -> l.startsWith("statuses=")).collect(Collectors.toList()), story);
        assertEquals(1, server.refreshRequests(), "one refresh for both loaders: " + story);
        List<String> applied = result.events("instrumentation.applied").stream()
                .filter(l -> l.contains("version=")).collect(Collectors.toList());
        assertEquals(2, applied.size(), "helpers defined once per loader: " + story);
        assertTrue(applied.stream().anyMatch(l -> l.contains("version=3.14.9") && l.contains("plugin-")), story);
        assertTrue(applied.stream().anyMatch(l -> l.contains("version=4.12.0") && l.contains("plugin-")), story);
    }

    /**
     * OkHttp 3.12 predates the API the agent's interceptor needs ({@code RequestBody.isOneShot()}): the
     * agent says so once, naming the library and version, and the program runs on untouched; no
     * LinkageError reaches it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void anOkHttpVersionWithoutTheNeededApiIsLeftAloneWithOneWarning(Jdk jdk) {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());

        Result result = agent(jdk, server, credentials)
                .main(Stack.named("okhttp-3.12.13").jars(), SuiteProgram.class, OkHttpDriver.class.getName(),
                        "burst", server.apiUrl("/v1/messages"), 1, "sync")
                .run();

        result.assertExitCode(0);
        String story = result.describe();
        assertEquals("{401=1}", result.outputValue("statuses"), "the placeholder went out untouched: " + story);
        assertEquals(List.of(Stack.PLACEHOLDER), server.apiAuthorizations(), story);
        assertEquals(1, result.eventCount("instrumentation.skipped"), story);
        String skipped = result.events("instrumentation.skipped").get(0);
        assertTrue(skipped.contains("instrumentation=okhttp") && skipped.contains("version=3.12.13")
                && skipped.contains("isOneShot"), skipped);
        assertTrue(!result.stderr().contains("LinkageError") && !result.stderr().contains("NoSuchMethodError"), story);
    }
}
