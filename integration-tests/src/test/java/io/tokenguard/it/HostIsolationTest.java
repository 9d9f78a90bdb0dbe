package io.tokenguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenguard.demo.DemoAuthServer;
import io.tokenguard.it.programs.host.JulHost;
import io.tokenguard.it.programs.host.LibrariesHost;
import io.tokenguard.it.programs.host.Log4jHost;
import io.tokenguard.it.programs.host.Slf4jHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent leaves its host's logging and libraries alone. Each host program (in
 * {@code programs/host}) brings its own logging framework with its own configuration, or its own Byte
 * Buddy and Jackson, and makes guarded calls with a revoked token. It runs from a class path of its own
 * (a copy of its package, its jars, its configuration; not the test classes with their
 * {@code logback-test.xml}), once without the agent and once with it, and:
 *
 * <ul>
 *   <li>everything it prints is the same, line for line, apart from the agent's event lines and the lines
 *       that report the calls' outcome (which fail without the agent): no SLF4J warning, no
 *       status-logger error, no event in the host's appenders or files;
 *   <li>the agent's events are where the agent is configured (standard error, or {@code log.file} only),
 *       in the agent's format;
 *   <li>with the agent every call succeeds after one refresh each.
 * </ul>
 */
class HostIsolationTest extends ScenarioBase {
    private static final int CALLS = 3;
    /**
     * Framework complaints that must not appear with the agent unless the host prints them without it too (a
     * host that sets {@code -Dslf4j.provider} gets SLF4J's own notice about it); the equality check would
     * catch them as well, this says it plainly.
     */
    private static final List<String> WARNINGS = List.of("SLF4J", "multiple bindings", "NOP", "StatusLogger",
            "No Log4j 2 configuration", "Exception");

    /** SLF4J 1.7.36 + Logback 1.2.13 configured by the program's own {@code logback.xml} on its class path. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void slf4j17WithLogback12AndItsOwnLogbackXml(Jdk jdk) throws IOException {
        Path resources = resource("logback12", "logback.xml", "<configuration>\n"
                + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <encoder><pattern>HOSTLOG %level %logger %msg%n</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
                + "    <file>${host.log}</file>\n"
                + "    <encoder><pattern>HOSTFILE %level %logger %msg%n</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"DEBUG\"><appender-ref ref=\"OUT\"/><appender-ref ref=\"FILE\"/></root>\n"
                + "</configuration>\n");
        Host host = new Host(jdk, Slf4jHost.class, classPath(resources, "host-logback-1.2.13"), true);

        List<Result> runs = host.runWithoutAndWithAgent();

        assertLogged(runs.get(0), runs.get(0).stdout(),
                "HOSTLOG INFO io.tokenguard.it.programs.host.Slf4jHost host starting, logging through ch.qos.logback.classic.LoggerContext",
                "HOSTLOG DEBUG io.tokenguard.it.programs.host.Slf4jHost a debug line of the host",
                "HOSTLOG ERROR host.other an error line of the host");
    }

    /** Log4j 2.19 (api + core) configured by the program's own {@code log4j2.xml}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void log4j2WithItsOwnLog4j2Xml(Jdk jdk) throws IOException {
        Path resources = resource("log4j2", "log4j2.xml", "<Configuration status=\"WARN\">\n"
                + "  <Appenders>\n"
                + "    <Console name=\"OUT\" target=\"SYSTEM_OUT\"><PatternLayout pattern=\"LOG4JHOST %level %logger %msg%n\"/></Console>\n"
                + "    <File name=\"FILE\" fileName=\"${sys:host.log}\"><PatternLayout pattern=\"LOG4JFILE %level %logger %msg%n\"/></File>\n"
                + "  </Appenders>\n"
                + "  <Loggers><Root level=\"debug\"><AppenderRef ref=\"OUT\"/><AppenderRef ref=\"FILE\"/></Root></Loggers>\n"
                + "</Configuration>\n");
        Host host = new Host(jdk, Log4jHost.class, classPath(resources, "host-log4j-2.19.0"), true);

        List<Result> runs = host.runWithoutAndWithAgent();

        assertLogged(runs.get(0), runs.get(0).stdout(),
                "LOG4JHOST INFO io.tokenguard.it.programs.host.Log4jHost host starting, logging through org.apache.logging.log4j.core.LoggerContext",
                "LOG4JHOST DEBUG io.tokenguard.it.programs.host.Log4jHost a debug line of the host",
                "LOG4JHOST ERROR host.other an error line of the host");
    }

    /**
     * Plain {@code java.util.logging} with the program's {@code -Djava.util.logging.config.file}: its
     * console handler writes to standard error, where the agent's events go too, and it asks for every
     * level of the loggers named like the agent, which the agent never uses.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void javaUtilLoggingWithItsOwnConfigFile(Jdk jdk) throws IOException {
        Path config = resource("jul", "logging.properties", "handlers=java.util.logging.ConsoleHandler\n"
                + ".level=INFO\n"
                + "tokenguard.level=ALL\n"
                + "io.tokenguard.events.level=ALL\n"
                + "java.util.logging.ConsoleHandler.level=ALL\n"
                + "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter\n"
                + "java.util.logging.SimpleFormatter.format=JULHOST %4$s %3$s %5$s%n\n").resolve("logging.properties");
        Host host = new Host(jdk, JulHost.class, classPath(null, null), false)
                .jvmArgs("-Djava.util.logging.config.file=" + config);

        List<Result> runs = host.runWithoutAndWithAgent();

        assertLogged(runs.get(0), runs.get(0).stderr(),
                "JULHOST INFO io.tokenguard.it.programs.host.JulHost host starting, logging through 1 root handler(s)",
                "JULHOST SEVERE host.other an error line of the host");
    }

    /**
     * A program with its own Byte Buddy 1.12.19 and Jackson 2.17.2 (the agent has 1.18 and 2.22 inside) that
     * defines classes and (de)serializes between guarded calls: it loads its own versions, discovers no
     * Jackson module and sees none of the agent's classes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void ownByteBuddyAndJackson(Jdk jdk) throws IOException {
        Host host = new Host(jdk, LibrariesHost.class, classPath(null, "host-bytebuddy-jackson"), false);

        List<Result> runs = host.runWithoutAndWithAgent();

        Result with = runs.get(1);
        assertEquals("2.17.2", with.outputValue("jackson_version"), with.describe());
        assertEquals("jackson-databind-2.17.2.jar", with.outputValue("jackson_jar"), with.describe());
        assertEquals("byte-buddy-1.12.19.jar", with.outputValue("bytebuddy_jar"), with.describe());
        assertEquals("[]", with.outputValue("jackson_modules_found"), with.describe());
        assertEquals("0", with.outputValue("jackson_module_services"), with.describe());
        assertEquals("false,false,false", with.outputValue("agent_classes_visible"), with.describe());
        assertTrue(with.stdout().contains("call 3 answered; json round trip: {\"call\":3,\"made\":\"made by the host 3\"}"),
                with.describe());
    }

    /**
     * A host (SLF4J 2.0.17 + Logback 1.5.38: the very libraries the agent carries, unrelocated) that sets
     * {@code -Dlogback.configurationFile}, {@code -Dslf4j.provider} and Log4j's {@code -Dlog4j2.level}, while
     * the agent is set to {@code log.format=json} and {@code log.level=debug}: neither side takes the other's
     * settings.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tokenguard.it.Jdk#all")
    void hostLoggingPropertiesAndTheAgentsSettingsStayApart(Jdk jdk) throws IOException {
        // Logback's status lines, as debug="true" prints them, but with a retrospective of a minute: with
        // debug="true" only the statuses of the last 300 ms before the listener starts are printed, so a
        // configuration slower than that on a busy machine prints fewer lines, agent or not.
        Path config = resource("logback15", "host-logback.xml", "<configuration>\n"
                + "  <statusListener class=\"ch.qos.logback.core.status.OnConsoleStatusListener\">\n"
                + "    <retrospective>60000</retrospective>\n"
                + "  </statusListener>\n"
                + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <encoder><pattern>HOST15 %level %logger %msg%n</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"DEBUG\"><appender-ref ref=\"OUT\"/></root>\n"
                + "</configuration>\n").resolve("host-logback.xml");
        Host host = new Host(jdk, Slf4jHost.class, classPath(null, "host-logback-1.5.38"), false)
                .jvmArgs("-Dlogback.configurationFile=" + config,
                        "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider", "-Dlog4j2.level=DEBUG")
                .agentSettings(agent -> agent.set("log.format", "json").set("log.level", "debug"));

        List<Result> runs = host.runWithoutAndWithAgent();

        Result with = runs.get(1);
        assertLogged(with, with.stdout(),
                "HOST15 INFO io.tokenguard.it.programs.host.Slf4jHost host starting, logging through ch.qos.logback.classic.LoggerContext",
                "HOST15 DEBUG io.tokenguard.it.programs.host.Slf4jHost a debug line of the host");
        List<String> agentLines = agentLines(with.stderr());
        assertTrue(!agentLines.isEmpty() && agentLines.stream().allMatch(line -> line.startsWith("{\"ts\":\"")),
                "the agent writes json, as it is set to, not the host's pattern\n" + with.describe());
        assertFalse(with.stdout().contains("event="), "no agent line through the host's logging\n" + with.describe());
    }

    /** The host's own configuration is in force: these lines, formatted by it, are in {@code output}. */
    private static void assertLogged(Result run, String output, String... lines) {
        List<String> written = output.lines().collect(Collectors.toList());
        for (String line : lines) {
            assertTrue(written.contains(line), "the host's own logging configuration writes: " + line + "\n" + run.describe());
        }
    }

    /** A host program run from a class path of its own, without and with the agent. */
    private final class Host {
        private final Jdk jdk;
        private final Class<?> main;
        private final List<Path> classPath;
        /** Whether its configuration writes to the file named by {@code -Dhost.log}. */
        private final boolean hostLogFile;
        private final List<String> jvmArgs = new ArrayList<>();
        private UnaryOperator<AgentJvm> agentSettings = UnaryOperator.identity();

        Host(Jdk jdk, Class<?> main, List<Path> classPath, boolean hostLogFile) {
            this.jdk = jdk;
            this.main = main;
            this.classPath = classPath;
            this.hostLogFile = hostLogFile;
        }

        Host jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        Host agentSettings(UnaryOperator<AgentJvm> settings) {
            this.agentSettings = settings;
            return this;
        }

        /**
         * Runs the program without the agent, then with it (events on standard error), and when it has a log
         * file of its own also with {@code log.file}; checks what the class comment says; returns the runs.
         */
        List<Result> runWithoutAndWithAgent() throws IOException {
            DemoAuthServer server = server(600_000).revokeAfterEachApiOk(true);
            Path credentials = genericCredentials(server.issueGrant());
            server.revokeAllAccessTokens();
            String url = server.apiUrl("/v1/messages").toString();

            // Side by side, to keep the test short: the run without the agent only ever sees 401s.
            AgentJvm.Running withoutRunning = start(jvm(jdk).withoutAgent(), "without", url);
            Result with = start(agentSettings.apply(agent(jdk, server, credentials)), "with", url).await();
            Result without = withoutRunning.await();
            without.assertExitCode(0);
            assertEquals(CALLS, without.calls(), without.describe());
            with.assertNoFailures();
            assertEquals(CALLS, with.calls(), with.describe());
            assertSameHostOutput(without, with, "with");
            assertEquals(CALLS, with.eventCount("request.retried"), "one refresh and retry per call\n" + with.describe());
            assertEquals(CALLS, server.refreshes(), with.describe());
            List<Result> runs = new ArrayList<>(List.of(without, with));
            if (hostLogFile) {
                Path agentLog = tmp.resolve("tokenguard-events.log");
                Result toFile = start(agent(jdk, server, credentials).set("log.file", agentLog), "file", url).await();
                toFile.assertNoFailures();
                assertSameHostOutput(without, toFile, "file");
                assertTrue(agentLines(toFile.stderr()).isEmpty(), "with log.file no event on standard error\n"
                        + toFile.describe());
                String events = Files.readString(agentLog);
                assertEquals(CALLS, events.lines().filter(line -> line.contains("event=request.retried ")).count(),
                        "the events are in the agent's log file:\n" + events);
                runs.add(toFile);
            }
            return runs;
        }

        private AgentJvm.Running start(AgentJvm jvm, String name, String url) {
            for (String arg : jvmArgs) {
                jvm.jvmArg(arg);
            }
            if (hostLogFile) {
                jvm.jvmArg("-Dhost.log=" + hostLog(name));
            }
            return HostIsolationTest.this.start(jvm.classPath(classPath, main.getName(), url, CALLS));
        }

        private Path hostLog(String name) {
            return tmp.resolve("host-" + name + ".log");
        }

        private void assertSameHostOutput(Result without, Result with, String withName) throws IOException {
            String story = "\n=== without the agent:\n" + without.describe() + "\n=== with it:\n" + with.describe();
            assertEquals(hostLines(without.stdout()), hostLines(with.stdout()), "the program's standard output" + story);
            assertEquals(hostLines(without.stderr()), hostLines(with.stderr()), "the program's standard error" + story);
            assertTrue(agentLines(with.stdout()).isEmpty(), "no event on standard output" + story);
            List<String> before = without.stdout().lines().collect(Collectors.toList());
            before.addAll(without.stderr().lines().collect(Collectors.toList()));
            for (String line : (with.stdout() + "\n" + with.stderr()).split("\\R")) {
                for (String warning : WARNINGS) {
                    assertFalse(line.contains(warning) && !before.contains(line), "'" + warning
                            + "' only with the agent: " + line + story);
                }
            }
            if (hostLogFile) {
                String hostFileWithout = Files.readString(hostLog("without"));
                String hostFileWith = Files.readString(hostLog(withName));
                assertTrue(hostFileWithout.contains("call 3 answered"), "the host's own log file is written: "
                        + hostFileWithout);
                assertEquals(hostFileWithout, hostFileWith, "the host's own log file" + story);
            }
        }
    }

    /**
     * The program's own lines: without the agent's events and the lines that report the calls' outcome, and
     * in Logback's status lines the times, durations and object hashes made 0.
     */
    private static List<String> hostLines(String output) {
        return output.lines()
                .filter(line -> !isAgentLine(line))
                .map(line -> !line.contains(" |-") ? line : line.replaceAll("@[0-9a-f]+", "@0").replaceAll("\\d+", "0"))
                .filter(line -> !line.startsWith("status=") && !line.startsWith("calls=") && !line.startsWith("exception="))
                .collect(Collectors.toList());
    }

    private static List<String> agentLines(String output) {
        return output.lines().filter(HostIsolationTest::isAgentLine).collect(Collectors.toList());
    }

    private static boolean isAgentLine(String line) {
        return line.contains(" tokenguard event=") || line.contains("\"logger\":\"tokenguard\"");
    }

    /** A folder holding one configuration file of the host's. */
    private Path resource(String folder, String name, String content) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("resources-" + folder));
        Files.writeString(dir.resolve(name), content);
        return dir;
    }

    /**
     * The host's class path: a copy of the host programs' package alone, then its resources folder (or
     * null), then the jars of {@code target/client-libs/<libraries>} (or null).
     */
    private List<Path> classPath(Path resources, String libraries) throws IOException {
        Path app = tmp.resolve("app");
        String pkg = "io/tokenguard/it/programs/host";
        if (!Files.isDirectory(app)) {
            Path from = Paths.get(AgentJvm.testClasses(), pkg);
            Path to = Files.createDirectories(app.resolve(pkg));
            try (Stream<Path> classes = Files.list(from)) {
                for (Path file : classes.collect(Collectors.toList())) {
                    Files.copy(file, to.resolve(file.getFileName().toString()));
                }
            }
        }
        List<Path> entries = new ArrayList<>(List.of(app));
        if (resources != null) {
            entries.add(resources);
        }
        if (libraries != null) {
            Path dir = Paths.get(System.getProperty("client.libs", "target/client-libs")).resolve(libraries);
            assertTrue(Files.isDirectory(dir), "host library jars missing: " + dir + " (run the build: mvn -B verify)");
            try (Stream<Path> jars = Files.list(dir)) {
                jars.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(entries::add);
            }
        }
        return entries;
    }
}
