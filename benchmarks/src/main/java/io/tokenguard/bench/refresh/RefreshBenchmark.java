package io.tokenguard.bench.refresh;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The 401 path: N threads of one program (JDK client, with the agent) send a request each at the same
 * moment, first with a valid token (baseline), then right after the server revoked it: every request meets
 * a 401, the agent refreshes once and retries. Reported per N: the refreshes the token endpoint saw per
 * revoked burst, and the latency the 401 path adds at p50 and p99 (revoked burst minus baseline burst, all
 * rounds pooled), against the budget of one token-endpoint round trip plus one request round trip plus
 * 2 ms (both round trips measured in the same child, warm: a loop on kept-alive connections). The refresh
 * also writes the credentials file (atomically, with fsync), as it would for a user; the waiters are released
 * before that write. Each burst comes after 100 ms idle, so that one round's write never delays the next.
 *
 * <p>A refresh never finds a warm connection to the token endpoint (it comes once an hour, or after a
 * revocation), so the table also gives the endpoint round trip on a new connection after a short idle, made
 * the way the agent makes it, and the budget with that in place of the warm one. The last column also
 * takes the request round trip as the burst itself measured it (the baseline burst's p50 for the same N,
 * after the same idle and with the same concurrency), so that what is left over the 2 ms is the agent's
 * own: its log lines, its lock, its file read, its thread hand-offs. Both are context, not the target: the PASS/MISS
 * lines use the warm round trips.
 *
 * <p>Each child first goes through one unmeasured round: its first refresh loads the refresh path's classes
 * with nothing compiled yet, which a long-running program pays once. It is reported apart.
 *
 * <p>Options: {@code threads=1,10,200}, {@code rounds=10}.
 */
public final class RefreshBenchmark {
    private RefreshBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "10"));
        String[] counts = options.getOrDefault("threads", "1,10,200").split(",");
        System.out.println("# The 401 path: N threads meet a revoked token at once");
        System.out.println(Machine.describe(ChildJvm.java()));
        System.out.printf("rounds=%d per N, JDK HttpClient (HTTP/1.1), one shared client%n%n", rounds);
        System.out.println("| N | refreshes per revoked burst | baseline p50 / p99 ms | revoked p50 / p99 ms "
                + "| added p50 / p99 ms | budget ms (endpoint + request + 2) | p99 within budget "
                + "| endpoint on a new connection ms | p99 within budget with it "
                + "| budget with the burst's own round trips ms (endpoint new + baseline p50 + 2) | p99 within it |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> targets = new ArrayList<>();
        List<String> firstRuns = new ArrayList<>();
        Path dir = Files.createTempDirectory("tokenguard-refresh");
        for (String count : counts) {
            int threads = Integer.parseInt(count.trim());
            try (ApiServer server = new ApiServer(Math.min(256, threads + 8))) {
                Path credentials = server.writeCredentials(dir.resolve("credentials-" + threads + ".json"));
                Run run = run(server, credentials, dir, threads, rounds);
                double budget = (run.endpointRttMicros + run.requestRttMicros) / 1000.0 + 2;
                double newConnectionBudget = (run.endpointNewConnectionMicros + run.requestRttMicros) / 1000.0 + 2;
                double baselineP50 = Stats.percentile(run.baseline, 50);
                double inBurstBudget = (run.endpointNewConnectionMicros + baselineP50) / 1000.0 + 2;
                double addedP50 = (Stats.percentile(run.revoked, 50) - baselineP50) / 1000;
                double addedP99 = (Stats.percentile(run.revoked, 99) - Stats.percentile(run.baseline, 99)) / 1000;
                boolean oneEach = run.refreshesPerBurst.stream().allMatch(r -> r == 1);
                System.out.printf("| %d | %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f (%.2f + %.2f + 2) | %s "
                                + "| %.2f (budget %.2f) | %s | %.2f | %s |%n",
                        threads, summary(run.refreshesPerBurst), baselineP50 / 1000,
                        Stats.percentile(run.baseline, 99) / 1000, Stats.percentile(run.revoked, 50) / 1000,
                        Stats.percentile(run.revoked, 99) / 1000, addedP50, addedP99, budget,
                        run.endpointRttMicros / 1000.0, run.requestRttMicros / 1000.0, addedP99 <= budget ? "yes" : "no",
                        run.endpointNewConnectionMicros / 1000.0, newConnectionBudget,
                        addedP99 <= newConnectionBudget ? "yes" : "no", inBurstBudget,
                        addedP99 <= inBurstBudget ? "yes" : "no");
                firstRuns.add(String.format("N=%d: the process's first refresh (cold): %d refresh(es); revoked burst p50 / p99 "
                        + "%.2f / %.2f ms", threads, run.firstRefreshes.get(0), Stats.percentile(run.firstRevoked, 50) / 1000,
                        Stats.percentile(run.firstRevoked, 99) / 1000));
                targets.add(String.format("401 path N=%d: refreshes per burst %s (target exactly 1): %s; added p99 %.2f ms"
                        + " (target <= %.2f ms): %s", threads, summary(run.refreshesPerBurst), oneEach ? "PASS" : "MISS",
                        addedP99, budget, addedP99 <= budget ? "PASS" : "MISS"));
            }
        }
        System.out.println();
        firstRuns.forEach(System.out::println);
        System.out.println();
        targets.forEach(System.out::println);
    }

    private static String summary(List<Integer> refreshes) {
        int min = refreshes.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = refreshes.stream().mapToInt(Integer::intValue).max().orElse(0);
        return min == max ? min + " in each of " + refreshes.size() : min + "-" + max + " over " + refreshes.size();
    }

    private static final class Run {
        final List<Long> baseline = new ArrayList<>();
        final List<Long> revoked = new ArrayList<>();
        final List<Integer> refreshesPerBurst = new ArrayList<>();
        final List<Long> firstRevoked = new ArrayList<>();
        final List<Integer> firstRefreshes = new ArrayList<>();
        long requestRttMicros;
        long endpointRttMicros;
        long endpointNewConnectionMicros;
    }

    private static Run run(ApiServer server, Path credentials, Path dir, int threads, int rounds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.addAll(ChildJvm.agentOptions(Arm.TOKENGUARD, server.hostAndPort(), credentials, server.tokenUrl()));
        command.add("-Dtokenguard.cache-dir=" + dir.resolve("cache"));
        command.add("-Dtokenguard.log.file=" + dir.resolve("agent-" + threads + ".log"));
        command.addAll(List.of("-cp", ChildJvm.classPath(), RevokedBurst.class.getName(), server.apiUrl(),
                server.tokenUrl(), String.valueOf(threads), String.valueOf(rounds)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Run run = new Run();
        int before = 0;
        StringBuilder transcript = new StringBuilder();
        boolean done = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = child.getOutputStream()) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("first-revoked=")) {
                    addAll(run.firstRevoked, line.substring(14));
                } else if (line.startsWith("first-baseline=")) {
                    // the burst before the first refresh: warm-up like the rest of the unmeasured round
                } else if (line.startsWith("baseline=")) {
                    addAll(run.baseline, line.substring(9));
                } else if (line.startsWith("revoked=")) {
                    addAll(run.revoked, line.substring(8));
                } else if (line.startsWith("request_rtt_us=")) {
                    run.requestRttMicros = Long.parseLong(line.substring(15));
                } else if (line.startsWith("endpoint_new_connection_rtt_us=")) {
                    run.endpointNewConnectionMicros = Long.parseLong(line.substring(31));
                } else if (line.startsWith("endpoint_rtt_us=")) {
                    run.endpointRttMicros = Long.parseLong(line.substring(16));
                } else if (line.equals("revoke")) {
                    before = server.refreshes();
                    server.revoke();
                    in.write('\n');
                    in.flush();
                } else if (line.equals("burst-done")) {
                    (run.firstRefreshes.isEmpty() ? run.firstRefreshes : run.refreshesPerBurst)
                            .add(server.refreshes() - before);
                    in.write('\n');
                    in.flush();
                } else if (line.equals("done")) {
                    done = true;
                } else {
                    transcript.append(line).append('\n');
                }
            }
        }
        if (!child.waitFor(120, TimeUnit.SECONDS) || child.exitValue() != 0 || !done) {
            child.destroyForcibly();
            throw new IllegalStateException("N=" + threads + ": the child failed:\n" + transcript);
        }
        return run;
    }

    private static void addAll(List<Long> into, String csv) {
        for (String value : csv.split(",")) {
            into.add(Long.parseLong(value));
        }
    }
}
