package io.tokenguard.bench.footprint;

import io.tokenguard.bench.ApiServer;
import io.tokenguard.bench.Arm;
import io.tokenguard.bench.ChildJvm;
import io.tokenguard.bench.Machine;
import io.tokenguard.bench.Options;
import io.tokenguard.bench.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Footprint: the agent jar's size; the heap the agent retains once a program has started and made a
 * guarded call; the threads it adds. A child makes one JDK-client call, sits idle, collects garbage and
 * reports its heap and threads; while it waits, {@code jcmd GC.class_histogram} counts the live objects of
 * the agent's own classes ({@code io.tokenguard.*}, including its relocated Logback and Jackson). Runs
 * without and with the agent alternate; medians. Serial GC, a fixed 64 MB heap: steadier figures.
 *
 * <p>Options: {@code rounds=5}, {@code idle=2} (seconds idle before the reading; the agent's pool threads
 * end after 60 s idle, so {@code idle=65} shows the long-idle state).
 */
public final class FootprintBenchmark {
    private FootprintBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        int idle = Integer.parseInt(options.getOrDefault("idle", "2"));
        Path jar = ChildJvm.agentJar();
        System.out.println("# Footprint");
        System.out.println(Machine.describe(ChildJvm.java()));
        System.out.printf("rounds=%d idle=%ds, child: -XX:+UseSerialGC -Xms64m -Xmx64m, one JDK-client call%n%n",
                rounds, idle);
        List<Double> heapWithout = new ArrayList<>();
        List<Double> heapWith = new ArrayList<>();
        List<Double> agentObjects = new ArrayList<>();
        List<Double> nonHeapWithout = new ArrayList<>();
        List<Double> nonHeapWith = new ArrayList<>();
        List<Double> threadsWithout = new ArrayList<>();
        List<Double> threadsWith = new ArrayList<>();
        TreeSet<String> agentThreads = new TreeSet<>();
        Path dir = Files.createTempDirectory("tokenguard-footprint");
        try (ApiServer server = new ApiServer(4)) {
            Path credentials = server.writeCredentials(dir.resolve("credentials.json"));
            for (int round = 0; round < rounds; round++) {
                for (Arm arm : List.of(Arm.NONE, Arm.TOKENGUARD)) {
                    Reading reading = read(arm, server, credentials, dir, idle);
                    (arm == Arm.NONE ? heapWithout : heapWith).add((double) reading.heapUsed);
                    (arm == Arm.NONE ? nonHeapWithout : nonHeapWith).add((double) reading.nonHeapUsed);
                    (arm == Arm.NONE ? threadsWithout : threadsWith).add((double) reading.threads.size());
                    if (arm == Arm.TOKENGUARD) {
                        agentObjects.add((double) reading.agentBytes);
                        reading.threads.stream().filter(t -> t.startsWith("tokenguard")).forEach(agentThreads::add);
                    }
                }
            }
        }
        double jarMb = Files.size(jar) / 1e6;
        double heapAdded = (Stats.median(heapWith) - Stats.median(heapWithout)) / 1e6;
        double objects = Stats.median(agentObjects) / 1e6;
        double threadsAdded = Stats.median(threadsWith) - Stats.median(threadsWithout);
        System.out.println("| item | without | with tokenguard | added | target |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf("| agent jar | | %.2f MB (%,d bytes) | | <= 6 MB: %s |%n", jarMb, Files.size(jar),
                jarMb <= 6 ? "PASS" : "MISS");
        System.out.printf("| heap in use after a full GC (median) | %.2f MB | %.2f MB | %.2f MB | <= 5 MB: %s |%n",
                Stats.median(heapWithout) / 1e6, Stats.median(heapWith) / 1e6, heapAdded, heapAdded <= 5 ? "PASS" : "MISS");
        System.out.printf("| live objects of io.tokenguard.* classes (histogram) | | %.3f MB | %.3f MB | |%n", objects,
                objects);
        System.out.printf("| non-heap in use: class metadata, compiled code (median) | %.2f MB | %.2f MB | %.2f MB | |%n",
                Stats.median(nonHeapWithout) / 1e6, Stats.median(nonHeapWith) / 1e6,
                (Stats.median(nonHeapWith) - Stats.median(nonHeapWithout)) / 1e6);
        System.out.printf("| live threads after %d s idle (median) | %.0f | %.0f | %.0f | agent threads idle <= 1: %s |%n",
                idle, Stats.median(threadsWithout), Stats.median(threadsWith), threadsAdded,
                agentThreads.size() <= 1 ? "PASS" : "MISS");
        System.out.println();
        System.out.println("agent threads seen after the idle time: " + (agentThreads.isEmpty() ? "none" : agentThreads));
    }

    private static final class Reading {
        long heapUsed;
        long nonHeapUsed;
        long agentBytes;
        List<String> threads = List.of();
    }

    private static Reading read(Arm arm, ApiServer server, Path credentials, Path dir, int idle)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.addAll(List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx64m"));
        command.addAll(ChildJvm.agentOptions(arm, server.hostAndPort(), credentials, server.tokenUrl()));
        if (arm == Arm.TOKENGUARD) {
            command.add("-Dtokenguard.cache-dir=" + dir.resolve("cache"));
        }
        command.addAll(List.of("-cp", ChildJvm.classPath(), IdleAfterCall.class.getName(), server.apiUrl(),
                arm == Arm.TOKENGUARD ? "placeholder" : server.accessToken(), String.valueOf(idle)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Reading reading = new Reading();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = child.getOutputStream()) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("heap_used_bytes=")) {
                    reading.heapUsed = Long.parseLong(line.substring(16));
                } else if (line.startsWith("nonheap_used_bytes=")) {
                    reading.nonHeapUsed = Long.parseLong(line.substring(19));
                } else if (line.startsWith("threads=")) {
                    reading.threads = Arrays.asList(line.substring(8).split(","));
                } else if (line.startsWith("ready ")) {
                    reading.agentBytes = agentBytes(line.substring(6).trim());
                    in.write('\n');
                    in.flush();
                } else if (line.startsWith("status ")) {
                    throw new IllegalStateException(arm + ": the call was not answered 200 (" + line + ")");
                }
            }
        }
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0 || reading.heapUsed == 0) {
            child.destroyForcibly();
            throw new IllegalStateException(arm + ": the child did not finish cleanly");
        }
        return reading;
    }

    /** Bytes of live {@code io.tokenguard.*} instances, from {@code jcmd <pid> GC.class_histogram}. */
    private static long agentBytes(String pid) throws IOException, InterruptedException {
        Path jcmd = ChildJvm.javaHome().resolve("bin").resolve("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), pid, "GC.class_histogram").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        long bytes = 0;
        // "   12:   345   67890  io.tokenguard.Foo (module)"
        for (String line : output.lines().collect(Collectors.toList())) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 4 && parts[0].endsWith(":") && parts[3].startsWith("io.tokenguard.")) {
                bytes += Long.parseLong(parts[2]);
            }
        }
        return bytes;
    }
}
