package io.sluice.cli.bench.peers;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency samples in nanoseconds, kept whole (no histogram buckets) and summarised by nearest-rank percentiles,
 * as every harness of {@code bench/peers} does. Grows by doubling; {@link #reserve} up front keeps the measured
 * window free of copies.
 */
final class LatencyValues {
    private long[] values;
    private int count;

    LatencyValues(int initialCapacity) {
        values = new long[Math.max(16, initialCapacity)];
    }

    void add(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = nanos;
    }

    int count() {
        return count;
    }

    /** The nearest-rank percentile {@code p} (0 < p <= 100) of the sorted values; 0 when there are none. */
    static long percentile(long[] sorted, int count, double p) {
        if (count == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.clamp(rank - 1, 0, count - 1)];
    }

    /** {@code "p50_ns": .., "p90_ns": .., "p99_ns": .., "p999_ns": .., "max_ns": .., "mean_ns": ..} (no braces). */
    String summaryJson() {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        double mean = 0;
        for (long value : sorted) {
            mean += value;
        }
        mean = count == 0 ? 0 : mean / count;
        return String.format(Locale.ROOT, "\"p50_ns\": %d, \"p90_ns\": %d, \"p99_ns\": %d, \"p999_ns\": %d,"
                + " \"max_ns\": %d, \"mean_ns\": %.1f", percentile(sorted, count, 50), percentile(sorted, count, 90),
            percentile(sorted, count, 99), percentile(sorted, count, 99.9),
            count == 0 ? 0 : sorted[count - 1], mean);
    }
}
