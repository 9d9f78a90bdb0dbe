package io.tokenguard.bench;

import java.util.Arrays;
import java.util.Collection;

/** Medians and percentiles (nearest rank) of measured values. */
public final class Stats {
    private Stats() {}

    public static double median(Collection<? extends Number> values) {
        return percentile(values, 50);
    }

    public static double percentile(Collection<? extends Number> values, double p) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        return percentile(sorted, p);
    }

    /** @param sorted ascending */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    public static double percentile(long[] values, double p) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return percentile(Arrays.stream(copy).asDoubleStream().toArray(), p);
    }
}
