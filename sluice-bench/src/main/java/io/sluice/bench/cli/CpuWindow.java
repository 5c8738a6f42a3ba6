package io.sluice.bench.cli;

import io.sluice.cli.ProcessCpuClock;

/**
 * The CPU time this process used over a window of wall-clock time, from {@link ProcessCpuClock} (the kernel's
 * account at full resolution): every thread of the JVM counts (the
 * benchmark thread, JIT compilers, GC). Open with {@link #start()}, close with {@link #stop()}; the share is of one
 * core, so a busy-spinning thread reads about 100%. The kernel's share comes from
 * {@link ProcessCpuClock#systemNanos()} (10 ms resolution).
 */
final class CpuWindow {
    private long startCpuNanos = -1;
    private long startWallNanos;
    private long startSystemNanos;
    private long cpuNanos;
    private long systemNanos;
    private long wallNanos;

    /** Opens the window now. */
    void start() {
        startSystemNanos = ProcessCpuClock.systemNanos();
        startWallNanos = System.nanoTime();
        startCpuNanos = ProcessCpuClock.nanos();
    }

    /** Opens the window now unless it is open already. */
    void startOnce() {
        if (startCpuNanos < 0) {
            start();
        }
    }

    boolean started() {
        return startCpuNanos >= 0;
    }

    /** Closes the window now. */
    void stop() {
        cpuNanos = ProcessCpuClock.nanos() - startCpuNanos;
        wallNanos = System.nanoTime() - startWallNanos;
        long system = ProcessCpuClock.systemNanos();
        systemNanos = system < 0 || startSystemNanos < 0 ? -1 : system - startSystemNanos;
    }

    long cpuNanos() {
        return cpuNanos;
    }

    long wallNanos() {
        return wallNanos;
    }

    /** The kernel's part of the CPU time (10 ms resolution), % of one core; NaN when unknown. */
    double systemPercentOfCore() {
        return wallNanos <= 0 || systemNanos < 0 ? Double.NaN : 100.0 * systemNanos / wallNanos;
    }

    /** CPU time over wall time, in percent of one core. */
    double percentOfCore() {
        return wallNanos <= 0 ? Double.NaN : 100.0 * cpuNanos / wallNanos;
    }
}
