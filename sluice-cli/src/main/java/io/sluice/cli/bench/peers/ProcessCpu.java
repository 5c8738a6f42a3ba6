package io.sluice.cli.bench.peers;

import java.lang.management.ManagementFactory;

/** This process's CPU time (user + system) in nanoseconds. */
final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
