package io.sluice.cli.demo;

import io.sluice.cli.ProcessCpuClock;


/**
 * This process's CPU use, as a percentage of one core (200 means two cores busy): process CPU time over wall time,
 * since the last {@link #windowPercent()} and since the meter started. Used by one thread.
 */
final class CpuMeter {
    private final long startCpu;
    private final long startWall;
    private long windowCpu;
    private long windowWall;

    CpuMeter() {
        this.startCpu = ProcessCpuClock.nanos();
        this.startWall = System.nanoTime();
        this.windowCpu = startCpu;
        this.windowWall = startWall;
    }

    /** CPU % since the previous call (or the start); starts a new window. */
    double windowPercent() {
        long cpu = ProcessCpuClock.nanos();
        long wall = System.nanoTime();
        double percent = percent(cpu - windowCpu, wall - windowWall);
        windowCpu = cpu;
        windowWall = wall;
        return percent;
    }

    /** CPU % since the meter started. */
    double totalPercent() {
        return percent(ProcessCpuClock.nanos() - startCpu, System.nanoTime() - startWall);
    }

    private static double percent(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 || cpuNanos < 0 ? 0 : TopicStats.round(100.0 * cpuNanos / wallNanos, 1);
    }
}
