package io.tokenguard.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Command lines for child JVMs, with or without an agent, and running them. Paths default to the build's
 * output ({@code mvn -B package} from the repository root); each can be overridden with a system property:
 * {@code bench.java} (a JDK home), {@code bench.agent}, {@code bench.otel}.
 */
public final class ChildJvm {
    /** The benchmarks module's folder (the driver runs from there; see benchmarks/run). */
    private static final Path MODULE = Path.of(System.getProperty("bench.module", ".")).toAbsolutePath().normalize();

    private ChildJvm() {}

    public static Path javaHome() {
        return Path.of(System.getProperty("bench.java", System.getProperty("java.home")));
    }

    public static String java() {
        return javaHome().resolve("bin").resolve("java").toString();
    }

    public static Path agentJar() {
        return existing(System.getProperty("bench.agent",
                MODULE.resolve("../agent/target/tokenguard-agent.jar").normalize().toString()));
    }

    public static Path otelJar() {
        return existing(System.getProperty("bench.otel",
                MODULE.resolve("target/otel/opentelemetry-javaagent.jar").toString()));
    }

    /** The benchmark's own classes plus every client library, for child programs. */
    public static String classPath() {
        List<String> entries = new ArrayList<>();
        entries.add(MODULE.resolve("target/classes").toString());
        entries.add(MODULE.resolve("target/bench-libs").toString() + File.separator + "*");
        return String.join(File.pathSeparator, entries);
    }

    /**
     * The JVM options that attach {@code arm}'s agent.
     *
     * @param guardedHosts tokenguard's {@code hosts}
     */
    public static List<String> agentOptions(Arm arm, String guardedHosts, Path credentials, String tokenUrl) {
        List<String> options = new ArrayList<>();
        switch (arm) {
            case NONE:
                break;
            case TOKENGUARD:
                options.addAll(tokenguardOptions(agentJar(), guardedHosts, credentials, tokenUrl));
                break;
            case OPENTELEMETRY:
                options.add("-javaagent:" + otelJar());
                options.add("-Dotel.traces.exporter=none");
                options.add("-Dotel.metrics.exporter=none");
                options.add("-Dotel.logs.exporter=none");
                break;
            default:
                throw new IllegalArgumentException(String.valueOf(arm));
        }
        return options;
    }

    /** The options that attach a given build of tokenguard (another jar than this checkout's, say). */
    public static List<String> tokenguardOptions(Path jar, String guardedHosts, Path credentials, String tokenUrl) {
        return List.of("-javaagent:" + jar, "-Dtokenguard.hosts=" + guardedHosts,
                "-Dtokenguard.credentials-file=" + credentials, "-Dtokenguard.token-url=" + tokenUrl);
    }

    /** What a finished child printed, and how long it took from fork to exit. */
    public static final class Result {
        public final String output;
        public final double wallMillis;

        Result(String output, double wallMillis) {
            this.output = output;
            this.wallMillis = wallMillis;
        }
    }

    /** Runs the command; a non-zero exit or a timeout is an error with the child's output in the message. */
    public static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tokenguard-bench-child", ".log");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("child JVM timed out after " + timeoutSeconds + " s: " + redacted(command)
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            double wall = (System.nanoTime() - start) / 1e6;
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("child JVM exited with " + process.exitValue() + ": " + redacted(command)
                        + "\n" + output);
            }
            return new Result(output, wall);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The command for a message, without the tokens the benchmark's programs get as arguments. */
    static List<String> redacted(List<String> command) {
        List<String> shown = new ArrayList<>();
        for (String argument : command) {
            shown.add(ApiServer.isToken(argument) ? "<token>" : argument);
        }
        return shown;
    }

    private static Path existing(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run mvn -B package -DskipTests from the repository root");
        }
        return p;
    }
}
