package io.tokenguard.bench.startup;

import io.tokenguard.bench.ApiServer;
import io.tokenguard.bench.Arm;
import io.tokenguard.bench.ChildJvm;
import io.tokenguard.bench.Machine;
import io.tokenguard.bench.Options;
import io.tokenguard.bench.Stats;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/**
 * Start-up: a program that makes one HTTP call and exits, started many times, the runs interleaved (one of
 * each kind per round) so that whatever else the machine does hits all kinds alike. Wall time from fork to
 * exit, median per kind, and each median over the median without an agent.
 *
 * <p>Kinds, for each program ({@link OneCallJdk}, {@link OneCallOkHttp}):
 * <ul>
 *   <li>{@code without}: no agent; the program sends the valid token itself.
 *   <li>{@code tokenguard}: the agent, its cache warm (as from the second start of a program on);
 *       the program sends a placeholder the agent replaces.
 *   <li>{@code tokenguard, first start}: the agent with {@code cache-dir=none}, so every start rewrites the
 *       client classes (what the very first start of a program costs).
 *   <li>{@code opentelemetry}: the OpenTelemetry Java agent from Maven Central, exporters off, for reference.
 *   <li>{@code empty agent} and {@code empty agent + transformer}: a premain that does nothing, and one that
 *       registers a transformer returning null for every class. No agent can cost less than these: they are
 *       the JVM's own price for {@code -javaagent} and for a transformer seeing every class load.
 * </ul>
 *
 * <p>Options: {@code rounds=40} (runs of each kind), {@code otel-every=5} (the OpenTelemetry agent runs in
 * every fifth round only: it takes seconds a start), {@code programs=jdk,okhttp},
 * {@code kinds=without,tokenguard,first,otel,empty,empty-transformer}, {@code compare=<jar>,<jar>} (other builds
 * of the agent, run as more kinds, each with its own cache folder: what a change bought), {@code plain=<jar>,<jar>}
 * (any other agent jar, attached with no option and sent the valid token: a floor of one's own making).
 */
public final class StartupBenchmark {
    private static final String PLACEHOLDER = "placeholder";

    private StartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "40"));
        int otelEvery = Integer.parseInt(options.getOrDefault("otel-every", "5"));
        List<String> programs = List.of(options.getOrDefault("programs", "jdk,okhttp").split(","));
        List<String> kinds = new ArrayList<>(List.of(options.getOrDefault("kinds",
                "without,tokenguard,first,otel,empty,empty-transformer").split(",")));
        // Other builds of the agent, side by side with this one: jar:<path> kinds, each with its own cache.
        for (String other : options.getOrDefault("compare", "").split(",")) {
            if (!other.isBlank()) {
                kinds.add("jar:" + Path.of(other).toAbsolutePath());
            }
        }
        // Any other agent jar, attached as it is and sent the valid token: floors of one's own making.
        for (String other : options.getOrDefault("plain", "").split(",")) {
            if (!other.isBlank()) {
                kinds.add("plain:" + Path.of(other).toAbsolutePath());
            }
        }

        Path dir = Files.createTempDirectory("tokenguard-startup");
        Path emptyAgent = emptyAgent(dir);
        Path cache = Files.createDirectories(dir.resolve("cache"));
        System.out.println("# Start-up: one call, then exit");
        System.out.println(Machine.describe(ChildJvm.java()));
        System.out.printf("rounds=%d programs=%s kinds=%s agent=%s (%,d bytes)%n%n", rounds, programs, kinds,
                ChildJvm.agentJar(), Files.size(ChildJvm.agentJar()));
        System.out.println("| program | kind | runs | median ms | ratio to without | p25-p75 ms |");
        System.out.println("|---|---|---|---|---|---|");
        List<String> targets = new ArrayList<>();
        try (ApiServer server = new ApiServer(4)) {
            Path credentials = server.writeCredentials(dir.resolve("credentials.json"));
            for (String program : programs) {
                Map<String, List<String>> commands = new LinkedHashMap<>();
                for (String kind : kinds) {
                    commands.put(kind, command(program, kind, server, credentials, cache, emptyAgent));
                }
                for (List<String> command : commands.values()) {
                    ChildJvm.run(command, 120); // once each, unmeasured: file caches warm, the agent's cache filled
                }
                Map<String, List<Double>> times = new LinkedHashMap<>();
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, List<String>> kind : commands.entrySet()) {
                        if ("otel".equals(kind.getKey()) && round % otelEvery != 0) {
                            continue; // some five seconds a start, and only a reference: fewer runs do
                        }
                        times.computeIfAbsent(kind.getKey(), k -> new ArrayList<>())
                                .add(ChildJvm.run(kind.getValue(), 120).wallMillis);
                    }
                }
                double without = times.containsKey("without") ? Stats.median(times.get("without")) : Double.NaN;
                for (Map.Entry<String, List<Double>> kind : times.entrySet()) {
                    double median = Stats.median(kind.getValue());
                    System.out.printf("| %s | %s | %d | %.0f | %.3f | %.0f-%.0f |%n", label(program),
                            label(kind.getKey()), kind.getValue().size(), median, median / without, Stats.percentile(kind.getValue(), 25),
                            Stats.percentile(kind.getValue(), 75));
                    if ("tokenguard".equals(kind.getKey())) {
                        double ratio = median / without;
                        targets.add(String.format("start-up %s: with tokenguard / without = %.3f (target <= 1.10): %s",
                                label(program), ratio, ratio <= 1.10 ? "PASS" : "MISS"));
                    }
                }
            }
        }
        System.out.println();
        targets.forEach(System.out::println);
    }

    private static List<String> command(String program, String kind, ApiServer server, Path credentials, Path cache,
            Path emptyAgent) {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        String token = server.accessToken();
        if (kind.startsWith("jar:")) {
            Path jar = Path.of(kind.substring(4));
            command.addAll(ChildJvm.tokenguardOptions(jar, server.hostAndPort(), credentials, server.tokenUrl()));
            command.add("-Dtokenguard.cache-dir=" + cache.resolveSibling("cache-" + Integer.toHexString(jar.hashCode())));
            token = PLACEHOLDER;
            kind = "compared";
        } else if (kind.startsWith("plain:")) {
            command.add("-javaagent:" + kind.substring(6));
            kind = "compared";
        }
        switch (kind) {
            case "compared":
                break;
            case "without":
                break;
            case "tokenguard":
            case "first":
                command.addAll(ChildJvm.agentOptions(Arm.TOKENGUARD, server.hostAndPort(), credentials,
                        server.tokenUrl()));
                command.add("-Dtokenguard.cache-dir=" + ("first".equals(kind) ? "none" : cache.toString()));
                token = PLACEHOLDER;
                break;
            case "otel":
                command.addAll(ChildJvm.agentOptions(Arm.OPENTELEMETRY, null, null, null));
                break;
            case "empty":
                command.add("-javaagent:" + emptyAgent);
                break;
            case "empty-transformer":
                command.add("-javaagent:" + emptyAgent + "=transformer");
                break;
            default:
                throw new IllegalArgumentException("unknown kind " + kind);
        }
        command.add("-cp");
        command.add(ChildJvm.classPath());
        command.add("okhttp".equals(program) ? OneCallOkHttp.class.getName() : OneCallJdk.class.getName());
        command.add(server.apiUrl());
        command.add(token);
        return command;
    }

    private static String label(String name) {
        if (name.startsWith("jar:")) {
            return "tokenguard " + Path.of(name.substring(4)).getFileName() + " (cache warm)";
        }
        if (name.startsWith("plain:")) {
            return "agent " + Path.of(name.substring(6)).getFileName();
        }
        switch (name) {
            case "jdk":
                return "JDK HttpClient";
            case "okhttp":
                return "OkHttp 4.12.0";
            case "first":
                return "tokenguard, first start (cache-dir=none)";
            case "tokenguard":
                return "tokenguard (cache warm)";
            case "otel":
                return "OpenTelemetry agent 2.33.1, exporters off";
            case "empty":
                return "empty agent (premain does nothing)";
            case "empty-transformer":
                return "empty agent + no-op transformer";
            default:
                return name;
        }
    }

    /** A jar whose premain does nothing, or (argument {@code transformer}) registers a transformer that changes nothing. */
    private static Path emptyAgent(Path dir) throws IOException {
        String source = String.join("\n",
                "public class EmptyAgent {",
                "  public static void premain(String a, java.lang.instrument.Instrumentation inst) {",
                "    if (\"transformer\".equals(a)) inst.addTransformer(new java.lang.instrument.ClassFileTransformer() {",
                "      public byte[] transform(ClassLoader l, String n, Class<?> c, java.security.ProtectionDomain d, byte[] b) {",
                "        return null;",
                "      }",
                "    }, true);",
                "  }",
                "}");
        Path src = Files.writeString(dir.resolve("EmptyAgent.java"), source);
        Path classes = Files.createDirectories(dir.resolve("empty-agent"));
        if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "11", "-d", classes.toString(),
                src.toString()) != 0) {
            throw new IllegalStateException("cannot compile the empty agent");
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "EmptyAgent");
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("empty-agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (File file : classes.toFile().listFiles()) {
                out.putNextEntry(new JarEntry(file.getName()));
                out.write(Files.readAllBytes(file.toPath()));
                out.closeEntry();
            }
        }
        return jar;
    }
}
