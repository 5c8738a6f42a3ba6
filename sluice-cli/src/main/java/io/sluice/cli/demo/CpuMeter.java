package io.sluice.cli.demo;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU use, as a percentage of one core (200 means two cores busy): process CPU time over wall time,
 * since the last {@link #windowPercent()} and since the meter started. Used by one thread.
 */
final class CpuMeter {
    private final com.sun.management.OperatingSystemMXBean system =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long startCpu;
    private final long startWall;
    private long windowCpu;
    private long windowWall;

    CpuMeter() {
        this.startCpu = system.getProcessCpuTime();
        this.startWall = System.nanoTime();
        this.windowCpu = startCpu;
        this.windowWall = startWall;
    }

    /** CPU % since the previous call (or the start); starts a new window. */
    double windowPercent() {
        long cpu = system.getProcessCpuTime();
        long wall = System.nanoTime();
        double percent = percent(cpu - windowCpu, wall - windowWall);
        windowCpu = cpu;
        windowWall = wall;
        return percent;
    }

    /** CPU % since the meter started. */
    double totalPercent() {
        return percent(system.getProcessCpuTime() - startCpu, System.nanoTime() - startWall);
    }

    private static double percent(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 || cpuNanos < 0 ? 0 : TopicStats.round(100.0 * cpuNanos / wallNanos, 1);
    }
}
