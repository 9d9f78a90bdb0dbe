package io.tokenguard.bench;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code benchmarks/run <name> [options]}: runs one benchmark, or all of them in turn. */
public final class Bench {
    private static final Map<String, String> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("startup", "io.tokenguard.bench.startup.StartupBenchmark");
        BENCHMARKS.put("requests", "io.tokenguard.bench.requests.RequestBenchmark");
        BENCHMARKS.put("refresh", "io.tokenguard.bench.refresh.RefreshBenchmark");
        BENCHMARKS.put("footprint", "io.tokenguard.bench.footprint.FootprintBenchmark");
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        if ("all".equals(name)) {
            for (String benchmark : BENCHMARKS.values()) {
                run(benchmark, rest);
                System.out.println();
            }
        } else if (BENCHMARKS.containsKey(name)) {
            run(BENCHMARKS.get(name), rest);
        } else {
            System.err.println("usage: benchmarks/run <" + String.join("|", BENCHMARKS.keySet())
                    + "|all> [options]   (see BENCHMARKS.md)");
            System.exit("help".equals(name) ? 0 : 2);
        }
    }

    private static void run(String className, String[] args) throws Exception {
        Method main = Class.forName(className).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }
}
