package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.suite.program.SuiteProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6: the agent keeps the classes it rewrites (and a library's fit for its helpers) in
 * {@code cache-dir}, so that a program's later starts skip the rewriting and never load the bytecode
 * library. What a user can see: the second start loads no ASM class, and the program is guarded just the
 * same; a cache folder that others could write to is not used.
 */
class StartupCacheTest extends ScenarioBase {
    static Stream<Arguments> stacks() {
        return Stream.of("jdk-http-client", "okhttp-4.12.0", "apache5-classic-5.6.5").map(Stack::named)
                .flatMap(stack -> Jdk.all().map(jdk -> Arguments.of(stack, jdk)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("stacks")
    void aLaterStartUsesTheRewrittenClassesAndIsGuardedTheSame(Stack stack, Jdk jdk) throws IOException {
        DemoAuthServer server = server(600_000);
        Path credentials = genericCredentials(server.issueGrant());
        Path cache = tmp.resolve("cache");

        List<String> first = startRevokedAndCall(stack, jdk, server, credentials, cache, 1);
        assertTrue(first.stream().anyMatch(c -> c.contains(".shaded.bytebuddy.")),
                "the first start rewrites with ASM: " + first.size() + " agent classes");
        List<Path> entries = entries(cache);
        assertTrue(entries.size() >= 1, "rewritten classes kept: " + entries);
        for (Path entry : entries) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)), entry.toString());
        }

        List<String> second = startRevokedAndCall(stack, jdk, server, credentials, cache, 2);
        assertEquals(List.of(), second.stream().filter(c -> c.contains(".shaded.bytebuddy.")
                || c.contains("HelperReferences")).collect(Collectors.toList()),
                "a later start rewrites nothing and checks nothing");

        // Open to everyone: anyone could have put code there, so the agent rewrites again instead.
        Path build;
        try (Stream<Path> builds = Files.list(cache.resolve("transforms"))) {
            build = builds.findFirst().orElseThrow();
        }
        Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> third = startRevokedAndCall(stack, jdk, server, credentials, cache, 3);
        assertTrue(third.stream().anyMatch(c -> c.contains(".shaded.bytebuddy.")),
                "a folder others can write to is not used: " + third.size() + " agent classes");
    }

    /** Revokes the token, runs one short guarded loop, and returns the agent classes that start loaded. */
    private List<String> startRevokedAndCall(Stack stack, Jdk jdk, DemoAuthServer server, Path credentials,
            Path cache, int run) throws IOException {
        server.revokeAllAccessTokens();
        int refreshesBefore = server.refreshes();
        Path classes = tmp.resolve("classes-" + run + ".txt");
        Result result = agent(jdk, server, credentials).set("cache-dir", cache)
                .jvmArg("-Xlog:class+load:file=" + classes)
                .main(stack.jars(), SuiteProgram.class, stack.driver, "loop", server.apiUrl("/v1/cached"), 1, 1)
                .run();
        result.assertNoFailures();
        assertTrue(result.calls() >= 3, "start " + run + " made its calls: " + result.describe());
        assertEquals(refreshesBefore + 1, server.refreshes(), "start " + run + " refreshed the revoked token once: "
                + result.describe());
        try (Stream<String> lines = Files.lines(classes)) {
            return lines.filter(l -> l.contains("io.tokenguard.")).map(l -> l.replaceAll(".* (io\\.tokenguard\\S+) .*", "$1"))
                    .collect(Collectors.toList());
        }
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> all = Files.walk(cache)) {
            return all.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }
}
