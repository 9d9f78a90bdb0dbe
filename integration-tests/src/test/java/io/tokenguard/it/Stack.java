package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One HTTP client at one version, as the shared suite ({@link ClientSuiteTest}) runs it: the driver class
 * the child program uses, the instrumentation that should handle it, and the library jars (copied by the
 * build into {@code target/client-libs/<name>/}, see this module's pom).
 */
public final class Stack {
    private static final String DRIVERS = "io.tokenguard.it.suite.program.";
    /** What every suite program sends; the agent replaces it on guarded hosts. */
    static final String PLACEHOLDER = io.tokenguard.it.suite.program.Call.PLACEHOLDER;

    /** Every client and version the suite runs. Add a line here (and the jars in the pom) for a new one. */
    static final List<Stack> ALL = List.of(
            new Stack("jdk-http-client", "jdk-http-client", "JdkDriver", null, true),
            new Stack("okhttp-3.14.9", "okhttp", "OkHttpDriver", "okhttp-3.14.9", true),
            new Stack("okhttp-4.12.0", "okhttp", "OkHttpDriver", "okhttp-4.12.0", true),
            new Stack("okhttp-5.5.1", "okhttp", "OkHttpDriver", "okhttp-5.5.1", true),
            new Stack("apache5-classic-5.2", "apache-httpclient-5", "Apache5Driver", "apache5-5.2", false),
            new Stack("apache5-classic-5.6.5", "apache-httpclient-5", "Apache5Driver", "apache5-5.6.5", false),
            new Stack("apache5-async-5.2", "apache-httpclient-5", "Apache5AsyncDriver", "apache5-5.2", true),
            new Stack("apache5-async-5.6.5", "apache-httpclient-5", "Apache5AsyncDriver", "apache5-5.6.5", true),
            new Stack("apache4-4.5.14", "apache-httpclient-4", "Apache4Driver", "apache4-4.5.14", false));

    final String name;
    final String instrumentation;
    final String driver;
    private final String libraries;
    final boolean async;

    Stack(String name, String instrumentation, String driver, String libraries, boolean async) {
        this.name = name;
        this.instrumentation = instrumentation;
        this.driver = DRIVERS + driver;
        this.libraries = libraries;
        this.async = async;
    }

    /** The jars the child needs besides the test classes. */
    List<Path> jars() {
        if (libraries == null) {
            return List.of();
        }
        Path dir = Paths.get(System.getProperty("client.libs", "target/client-libs")).resolve(libraries);
        assertTrue(Files.isDirectory(dir), "client library jars missing: " + dir + " (run the build: mvn -B verify)");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isPlaceholder(String authorization) {
        return PLACEHOLDER.equals(authorization);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Every stack on every JDK: {@code @MethodSource("io.tokenguard.it.Stack#onEveryJdk")}. */
    public static Stream<Arguments> onEveryJdk() {
        return chosen().flatMap(stack -> Jdk.all().map(jdk -> Arguments.of(stack, jdk)));
    }

    /** The stacks with an asynchronous API, on every JDK. */
    public static Stream<Arguments> asyncOnEveryJdk() {
        return chosen().filter(stack -> stack.async).flatMap(stack -> Jdk.all().map(jdk -> Arguments.of(stack, jdk)));
    }

    /**
     * {@link #ALL}, or while working on one client those whose name starts with one of the prefixes in
     * {@code -Dtokenguard.it.stacks=apache5,okhttp-4}.
     */
    private static Stream<Stack> chosen() {
        String prefixes = System.getProperty("tokenguard.it.stacks", "");
        if (prefixes.isBlank()) {
            return ALL.stream();
        }
        List<String> wanted = List.of(prefixes.split(","));
        return ALL.stream().filter(stack -> wanted.stream().anyMatch(prefix -> stack.name.startsWith(prefix.trim())));
    }
}
