package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Spring Boot 3.5 application (default Logback + SLF4J 2 logging, non-web) started as a user starts it:
 * {@code java -javaagent:tokenguard-agent.jar -jar app.jar}, an executable jar with nested jars and Spring
 * Boot's own launcher and class loader (built by {@code client-stacks/spring-boot}). Its runner calls the
 * protected API through the auto-configured {@code RestClient.Builder}; the token is revoked before the run
 * and again after every successful call.
 */
class SpringBootAppTest extends ScenarioBase {
    private static final int CALLS = 3;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void restClientApplicationRunsWithTheAgent(Jdk jdk) {
        DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
        Path credentials = genericCredentials(server.issueGrant());
        server.revokeAllAccessTokens();
        Path app = bootJar();
        Object[] args = {"--api.url=" + server.apiUrl("/v1/messages"), "--calls=" + CALLS};

        // Side by side, to keep the test short: the run without the agent only ever sees 401s.
        AgentJvm.Running withoutRunning = start(jvm(jdk).withoutAgent().jar(app, args));
        Result with = start(agent(jdk, server, credentials).jar(app, args)).await();
        Result without = withoutRunning.await();

        String story = "\n=== without the agent:\n" + without.describe() + "\n=== with it:\n" + with.describe();
        without.assertExitCode(0);
        with.assertNoFailures();
        assertEquals(CALLS, with.calls(), story);
        assertTrue(with.stdout().contains(":: Spring Boot ::") && with.stdout().contains("Started BootApp in "),
                "the banner and Spring Boot's start-up lines" + story);
        assertEquals(appLines(without.stdout()), appLines(with.stdout()),
                "the application's output, timestamps and numbers aside, is the same with the agent" + story);
        assertEquals("", without.stderr(), story);
        assertEquals(List.of(), with.stderrLines().stream().filter(line -> !line.contains(" tokenguard event="))
                .collect(Collectors.toList()), "nothing but the agent's events on standard error" + story);
        assertEquals(CALLS, with.eventCount("token.refresh.succeeded"), story);
        assertEquals(CALLS, server.refreshes(), story);
        List<String> retried = with.events("request.retried");
        assertEquals(CALLS, retried.size(), story);
        assertTrue(retried.stream().allMatch(line -> line.contains("client=jdk-http-client")),
                "RestClient from Spring Boot's builder rides on the JDK HttpClient" + story);
    }

    /**
     * The application's own lines without the ones reporting each call's status (which fail without the
     * agent), with every number (timestamps, PIDs, durations) made 0.
     */
    private static List<String> appLines(String stdout) {
        return stdout.lines()
                .filter(line -> !line.startsWith("status=") && !line.startsWith("calls=") && !line.startsWith("exception="))
                .map(line -> line.replaceAll("\\d+", "0"))
                .collect(Collectors.toList());
    }

    private static Path bootJar() {
        Path jar = Paths.get(System.getProperty("client.stacks", "../client-stacks"), "spring-boot", "target",
                "tokenguard-boot-app.jar");
        assertTrue(Files.isRegularFile(jar), "Spring Boot application jar missing: " + jar + " (run the build: mvn -B verify)");
        return jar;
    }
}
