package io.sluice.bench.peers;

import java.util.Map;

/**
 * One row of {@code ./sluice bench peers}: one peer (transport and variant) on one workload point, with what it
 * measured or why it has no figures.
 *
 * @param workload {@link #LATENCY}, {@link #THROUGHPUT}, {@link #FANOUT}, {@link #CAMERA}, {@link #MEMCPY} or
 *                 {@link #HANDOFF}
 * @param peer     the peer's key, e.g. {@code sluice-block}, {@code iceoryx-spin}, {@code zmq-py} (see {@link Peer})
 * @param size     message size in bytes (0 for the hand-off probe)
 * @param touch    whether every byte was written and read
 * @param subs     receivers (1 for latency and throughput)
 * @param rate     messages per second offered (fan-out and camera), 0 otherwise
 * @param status   {@link #OK}, {@link #UNSUPPORTED} (the peer cannot carry it; {@code reason} says why),
 *                 {@link #SKIPPED} (the peer is not installed or was not asked for) or {@link #FAILED}
 * @param reason   one line, empty when OK
 * @param figures  by name: latency {@code p50_ns p90_ns p99_ns max_ns roundtrips_per_s}; throughput
 *                 {@code msgs_per_s gb_per_s lost}; fan-out and camera {@code delivered_pct p50_ns p99_ns max_ns
 *                 cpu_pct_per_sub fps}; memcpy {@code gb_per_s}; hand-off {@code p50_ns p99_ns}
 */
public record Measurement(String workload, String peer, long size, boolean touch, int subs, double rate,
                          String status, String reason, Map<String, Double> figures) {
    public static final String LATENCY = "latency";
    public static final String THROUGHPUT = "throughput";
    public static final String FANOUT = "fanout";
    public static final String CAMERA = "camera";
    public static final String MEMCPY = "memcpy";
    public static final String HANDOFF = "handoff";

    /** Whether {@code workload} is a fan-out: one source to many sinks on a schedule (the camera is one). */
    static boolean isFanout(String workload) {
        return workload.equals(FANOUT) || workload.equals(CAMERA);
    }

    public static final String OK = "ok";
    public static final String UNSUPPORTED = "unsupported";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    public Measurement {
        figures = Map.copyOf(figures);
        reason = reason == null ? "" : reason;
    }

    public boolean ok() {
        return status.equals(OK);
    }

    /** The figure {@code name}, or NaN when this row has none. */
    public double figure(String name) {
        Double value = figures.get(name);
        return value == null ? Double.NaN : value;
    }
}
