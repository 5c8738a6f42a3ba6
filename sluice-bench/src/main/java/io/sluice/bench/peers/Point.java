package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.List;

/**
 * One workload point of {@code ./sluice bench peers}: what every peer is run on, one after the other.
 *
 * @param workload {@link Measurement#LATENCY}, {@link Measurement#THROUGHPUT}, {@link Measurement#FANOUT} or
 *                 {@link Measurement#CAMERA}
 * @param size     message size in bytes
 * @param touch    sender writes and receivers read every byte
 * @param subs     receiving processes
 * @param rate     messages per second offered (fan-out, camera), 0 otherwise
 * @param warmup   warm-up seconds
 * @param duration measured seconds
 */
record Point(String workload, long size, boolean touch, int subs, double rate, double warmup, double duration) {
    static final long KIB = 1024;
    static final long MIB = 1024 * 1024;
    /** The sizes of the latency and throughput rows. */
    static final List<Long> SIZES = List.of(64L, KIB, MIB, 8 * MIB, 44 * MIB);
    /** The fan-out message: one 8 MiB frame. */
    static final long FANOUT_SIZE = 8 * MIB;
    static final double FANOUT_RATE = 30;
    static final List<Integer> FANOUT_SUBS = List.of(1, 4, 16, 32);
    /** Warm-up of the fan-out and camera points, seconds, the same for every peer. */
    static final double FANOUT_WARMUP = 8;
    /**
     * The robot camera frame: 2K RGB (2048 × 1080 × 3 B) + depth (2048 × 1080 float32) + point cloud (2048 × 1080
     * points × 24 B) = 68,567,040 B ("68.6 MB").
     */
    static final long CAMERA_SIZE = 2048L * 1080 * (3 + 4 + 24);
    static final double CAMERA_RATE = 15;
    static final int CAMERA_SUBS = 3;

    /** The protocol's workload name: the camera is a fan-out. */
    String harnessWorkload() {
        return workload.equals(Measurement.CAMERA) ? Measurement.FANOUT : workload;
    }

    /**
     * The points of a run, in the order they run. Full: latency and throughput at every size, untouched and
     * touched; fan-out to 1, 4, 16 and 32; the camera. Quick (a smoke test of every harness, under two minutes): one
     * short point of latency, of throughput and of the camera (a fan-out to three).
     */
    static List<Point> plan(boolean quick) {
        List<Point> points = new ArrayList<>();
        if (quick) {
            points.add(new Point(Measurement.LATENCY, KIB, false, 1, 0, 0.3, 0.4));
            points.add(new Point(Measurement.THROUGHPUT, 8 * MIB, false, 1, 0, 0.3, 0.4));
            points.add(new Point(Measurement.CAMERA, CAMERA_SIZE, false, CAMERA_SUBS, CAMERA_RATE, 0.5, 1));
            return points;
        }
        for (boolean touch : new boolean[] {false, true}) {
            for (long size : SIZES) {
                points.add(new Point(Measurement.LATENCY, size, touch, 1, 0, 1, 1.5));
            }
        }
        for (boolean touch : new boolean[] {false, true}) {
            for (long size : SIZES) {
                points.add(new Point(Measurement.THROUGHPUT, size, touch, 1, 0, 1, 1.5));
            }
        }
        // fan-out and camera: every peer gets 8 s of warm-up (240 frames at 30 Hz), then 8 s measured. With 2 s, a
        // Java sink's measured window was mostly its JIT's: its first ~100 frames run partly interpreted (see
        // docs/PERFORMANCE.md, "Where a subscriber's time goes"); the goals are about the steady state
        for (int subs : FANOUT_SUBS) {
            points.add(new Point(Measurement.FANOUT, FANOUT_SIZE, false, subs, FANOUT_RATE, FANOUT_WARMUP, 8));
        }
        points.add(new Point(Measurement.CAMERA, CAMERA_SIZE, false, CAMERA_SUBS, CAMERA_RATE, FANOUT_WARMUP, 8));
        return points;
    }
}
