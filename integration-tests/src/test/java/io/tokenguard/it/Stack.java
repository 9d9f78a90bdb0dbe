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
 * build into {@code target/client-libs/<name>/}, see this module's pom; or, for stacks with deep
 * dependency trees, {@code "stack:NAME"}: resolved by the {@code client-stacks/NAME} module).
 */
public final class Stack {
    private static final String DRIVERS = "io.tokenguard.it.suite.program.";
    /** What every suite program sends; the agent replaces it on guarded hosts. */
    static final String PLACEHOLDER = io.tokenguard.it.suite.program.Call.PLACEHOLDER;

    /** Every client and version the suite runs. Add a line here (and the jars in the pom) for a new one. */
    static final List<Stack> ALL = List.of(
            new Stack("jdk-http-client", "jdk-http-client", "JdkDriver", null, true),
            new Stack("url-connection", "url-connection", "UrlConnectionDriver", null, false),
            new Stack("okhttp-3.14.9", "okhttp", "OkHttpDriver", "okhttp-3.14.9", true),
            new Stack("okhttp-4.0.1", "okhttp", "OkHttpDriver", "okhttp-4.0.1", true),
            new Stack("okhttp-4.12.0", "okhttp", "OkHttpDriver", "okhttp-4.12.0", true),
            new Stack("okhttp-5.0.0", "okhttp", "OkHttpDriver", "okhttp-5.0.0", true),
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
    /** False for an SDK that writes its own request bodies: body scenarios do not apply. */
    final boolean programBodies;

    Stack(String name, String instrumentation, String driver, String libraries, boolean async) {
        this(name, instrumentation, driver, libraries, async, true);
    }

    private Stack(String name, String instrumentation, String driver, String libraries, boolean async,
            boolean programBodies) {
        this.name = name;
        this.instrumentation = instrumentation;
        this.driver = driver.contains(".") ? driver : DRIVERS + driver;
        this.libraries = libraries;
        this.async = async;
        this.programBodies = programBodies;
    }

    /** The same stack for an SDK that builds its own requests. */
    Stack sdk() {
        return new Stack(name, instrumentation, driver, libraries, async, false);
    }

    /**
     * Frameworks and SDK layers over the clients above, run by {@link FrameworkTest}: they back the
     * README's claims about which popular stacks are covered.
     */
    static final List<Stack> FRAMEWORKS = List.of(
            new Stack("retrofit-2.11.0", "okhttp", "RetrofitDriver", "retrofit-2.11.0", true),
            new Stack("spring-restclient-6.2.12", "jdk-http-client", "SpringRestClientDriver", "spring-web-6.2.12", false),
            new Stack("spring-resttemplate-6.2.12", "url-connection", "SpringRestTemplateDriver", "spring-web-6.2.12", false),
            new Stack("spring-restclient-6.2.12-apache5", "apache-httpclient-5", "SpringRestClientDriver",
                    "spring-web-6.2.12+apache5-5.6.5", false),
            new Stack("feign-13.13", "url-connection", "FeignDriver", "feign-13.13", false),
            new Stack("google-http-client-2.2.0", "url-connection", "GoogleHttpDriver", "stack:google-http-client", false),
            new Stack("anthropic-java-3.12.0", "okhttp", "AnthropicSdkDriver", "stack:anthropic-java", true).sdk(),
            new Stack("openai-java-4.101.0", "okhttp", "OpenAiSdkDriver", "stack:openai-java", true).sdk());

    /** Versions used by single tests rather than by the whole suite. */
    private static final List<Stack> EXTRA = List.of(
            new Stack("okhttp-3.12.13", "okhttp", "OkHttpDriver", "okhttp-3.12.13", true));

    static Stack named(String name) {
        return Stream.of(ALL, FRAMEWORKS, EXTRA).flatMap(List::stream).filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name));
    }

    /** The jars the child needs besides the test classes ({@code "a+b"}: the jars of both folders). */
    List<Path> jars() {
        if (libraries == null) {
            return List.of();
        }
        return Stream.of(libraries.split("\\+")).flatMap(Stack::jarsIn).collect(Collectors.toList());
    }

    private static Stream<Path> jarsIn(String libraries) {
        Path dir = libraries.startsWith("stack:")
                ? Paths.get(System.getProperty("client.stacks", "../client-stacks"), libraries.substring(6), "target", "libs")
                : Paths.get(System.getProperty("client.libs", "target/client-libs")).resolve(libraries);
        assertTrue(Files.isDirectory(dir), "client library jars missing: " + dir + " (run the build: mvn -B verify)");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the program can read the server's 401 body after a one-shot body was refused. In chunked
     * streaming mode the JDK's HttpURLConnection answers a 401 with {@code HttpRetryException} and keeps
     * no body, with or without the agent.
     */
    boolean reads401BodyAfterOneShot() {
        return !"url-connection".equals(instrumentation);
    }

    /**
     * Apache HttpClient 5.5 and later refuse, by default, to follow a redirect to another host or port while
     * the request carries {@code Authorization} (every suite program sends one): the program gets the 3xx.
     */
    boolean refusesRedirectsToOtherHosts() {
        return name.startsWith("apache5-") && name.endsWith("-5.6.5");
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
        return onEveryJdk(chosen());
    }

    /** The framework stacks, on every JDK. */
    public static Stream<Arguments> frameworksOnEveryJdk() {
        return onEveryJdk(FRAMEWORKS.stream());
    }

    /** The framework stacks whose requests carry the program's own bodies, on every JDK. */
    public static Stream<Arguments> frameworksWithProgramBodiesOnEveryJdk() {
        return onEveryJdk(FRAMEWORKS.stream().filter(stack -> stack.programBodies));
    }

    /** The framework stacks with an asynchronous API, on every JDK. */
    public static Stream<Arguments> asyncFrameworksOnEveryJdk() {
        return onEveryJdk(FRAMEWORKS.stream().filter(stack -> stack.async));
    }

    private static Stream<Arguments> onEveryJdk(Stream<Stack> stacks) {
        return stacks.flatMap(stack -> Jdk.all().map(jdk -> Arguments.of(stack, jdk)));
    }

    /** The stacks with an asynchronous API, on every JDK. */
    public static Stream<Arguments> asyncOnEveryJdk() {
        return onEveryJdk(chosen().filter(stack -> stack.async));
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
