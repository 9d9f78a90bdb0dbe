package io.tokenguard.bench.requests;

import io.tokenguard.bench.ApiServer;
import io.tokenguard.bench.Arm;
import io.tokenguard.bench.ChildJvm;
import io.tokenguard.bench.Machine;
import io.tokenguard.bench.Options;
import io.tokenguard.bench.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per request: one thread of a program calls a local API in a closed loop with one reused client, in a
 * child JVM without and with the agent, to a guarded host (in {@code hosts}: the agent puts the token on)
 * and to an unguarded one (another port, not in {@code hosts}: the agent only looks at the host). Every
 * request must be answered 200. Without the agent the program sends the valid token itself; with it, a
 * placeholder the agent replaces, so both do the same work. Runs alternate (without, with, without, ...),
 * a fresh JVM each, warm-up first; medians over the rounds. Throughput is bounded by the round trip to the
 * server in the driver's JVM, so the CPU time per request of the child is printed too: the agent's own work
 * shows there first.
 *
 * <p>Options: {@code rounds=5}, {@code warmup=3} and {@code measure=4} (seconds), {@code pin=false} ({@code true}: the driver,
 * which serves the API, on core 0 and the program on the others, with {@code taskset}),
 * {@code clients=jdk-http-client,url-connection,okhttp,apache-httpclient-5,apache-httpclient-4}.
 */
public final class RequestBenchmark {
    private RequestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        String warmup = options.getOrDefault("warmup", "3");
        String measure = options.getOrDefault("measure", "4");
        String[] clients = options.getOrDefault("clients",
                "jdk-http-client,url-connection,okhttp,apache-httpclient-5,apache-httpclient-4").split(",");
        // Before pinning, which narrows what this JVM sees.
        int cores = Runtime.getRuntime().availableProcessors();
        String machine = Machine.describe(ChildJvm.java());
        boolean pin = Boolean.parseBoolean(options.getOrDefault("pin", "false")) && pinDriverToFirstCore();
        System.out.println("# Per request: one thread, one reused client, closed loop on 127.0.0.1");
        System.out.println(machine);
        System.out.printf("rounds=%d warmup=%ss measure=%ss (OkHttp 4.12.0, Apache HttpClient 5.6.5 classic, 4.5.14)%s%n%n",
                rounds, warmup, measure, pin ? "; server pinned to core 0, the program to the others (taskset)" : "");
        System.out.println("| client | host | req/s without | req/s with | ratio (min-max of rounds) | p50 / p99 µs without "
                + "| p50 / p99 µs with | CPU µs/req without | with |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<String> targets = new ArrayList<>();
        Path dir = Files.createTempDirectory("tokenguard-requests");
        try (ApiServer guarded = new ApiServer(4); ApiServer unguarded = new ApiServer(4)) {
            Path credentials = guarded.writeCredentials(dir.resolve("credentials.json"));
            for (String client : clients) {
                for (boolean toGuarded : new boolean[] {true, false}) {
                    ApiServer target = toGuarded ? guarded : unguarded;
                    Map<Arm, List<Map<String, Double>>> runs = new HashMap<>();
                    List<Double> ratios = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        Map<Arm, Double> throughput = new HashMap<>();
                        for (Arm arm : List.of(Arm.NONE, Arm.TOKENGUARD)) {
                            List<String> command = new ArrayList<>();
                            if (pin) {
                                command.addAll(List.of("taskset", "-c", "1-" + (cores - 1)));
                            }
                            command.add(ChildJvm.java());
                            command.addAll(ChildJvm.agentOptions(arm, guarded.hostAndPort(), credentials,
                                    guarded.tokenUrl()));
                            if (arm == Arm.TOKENGUARD) {
                                command.add("-Dtokenguard.cache-dir=" + dir.resolve("cache"));
                            }
                            String token = arm == Arm.TOKENGUARD && toGuarded ? "placeholder" : target.accessToken();
                            command.addAll(List.of("-cp", ChildJvm.classPath(), RequestLoop.class.getName(), client,
                                    target.apiUrl(), token, warmup, measure));
                            Map<String, Double> figures = figures(ChildJvm.run(command, 300).output);
                            runs.computeIfAbsent(arm, a -> new ArrayList<>()).add(figures);
                            throughput.put(arm, figures.get("requests") / figures.get("seconds"));
                        }
                        ratios.add(throughput.get(Arm.TOKENGUARD) / throughput.get(Arm.NONE));
                    }
                    double without = median(runs.get(Arm.NONE), "rate");
                    double with = median(runs.get(Arm.TOKENGUARD), "rate");
                    double ratio = with / without;
                    String host = toGuarded ? "guarded" : "unguarded";
                    System.out.printf("| %s | %s | %.0f | %.0f | %.3f (%.3f-%.3f) | %.0f / %.0f | %.0f / %.0f | %.1f | %.1f |%n",
                            client, host, without, with, ratio, min(ratios), max(ratios),
                            median(runs.get(Arm.NONE), "p50_us"), median(runs.get(Arm.NONE), "p99_us"),
                            median(runs.get(Arm.TOKENGUARD), "p50_us"), median(runs.get(Arm.TOKENGUARD), "p99_us"),
                            median(runs.get(Arm.NONE), "cpu_us_per_request"),
                            median(runs.get(Arm.TOKENGUARD), "cpu_us_per_request"));
                    double goal = toGuarded ? 0.98 : 0.995;
                    targets.add(String.format("per request %s, %s host: throughput with / without = %.3f (target >= %s): %s",
                            client, host, ratio, goal, ratio >= goal ? "PASS" : "MISS"));
                }
            }
        }
        System.out.println();
        targets.forEach(System.out::println);
    }

    /**
     * Server and program on separate cores: on a small machine, their threads otherwise take turns on the
     * same core and the figures move by tens of percent from run to run. False when that cannot be done.
     */
    private static boolean pinDriverToFirstCore() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return false;
        }
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", "0",
                    String.valueOf(ProcessHandle.current().pid())).redirectErrorStream(true).start();
            taskset.getInputStream().readAllBytes();
            return taskset.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, Double> figures(String output) {
        Map<String, Double> figures = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.indexOf(' ') < 0) {
                figures.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).trim()));
            }
        }
        if (!figures.containsKey("requests")) {
            throw new IllegalStateException("the loop printed no figures:\n" + output);
        }
        figures.put("rate", figures.get("requests") / figures.get("seconds"));
        return figures;
    }

    private static double median(List<Map<String, Double>> runs, String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> run : runs) {
            values.add(run.get(key));
        }
        return Stats.median(values);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
