package io.sluice.bench.peers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency samples in nanoseconds, kept whole (no histogram buckets) and summarised by nearest-rank percentiles,
 * as every harness of {@code sluice-bench/peers} does. Grows by doubling; {@link #reserve} up front keeps the measured
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

    /** {@code p50_ns}, {@code p90_ns}, {@code p99_ns}, {@code p999_ns}, {@code max_ns}, {@code mean_ns}, in order. */
    Map<String, Object> summary() {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        double mean = 0;
        for (long value : sorted) {
            mean += value;
        }
        mean = count == 0 ? 0 : mean / count;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("p50_ns", percentile(sorted, count, 50));
        summary.put("p90_ns", percentile(sorted, count, 90));
        summary.put("p99_ns", percentile(sorted, count, 99));
        summary.put("p999_ns", percentile(sorted, count, 99.9));
        summary.put("max_ns", count == 0 ? 0 : sorted[count - 1]);
        summary.put("mean_ns", Math.round(mean * 10) / 10.0);
        return summary;
    }
}
