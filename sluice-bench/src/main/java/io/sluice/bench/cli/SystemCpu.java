package io.sluice.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Machine-wide CPU time from the first line of {@code /proc/stat}, so that a report can tell how much of the
 * machine the run itself used and how much went to other work (which skews the figures on a small machine).
 * Values are in clock ticks of {@code USER_HZ} (100 per second on Linux).
 *
 * @param busyTicks  user + nice + system + irq + softirq + steal
 * @param stealTicks time the hypervisor gave our virtual CPUs to someone else
 * @param valid      false when {@code /proc/stat} could not be read
 */
record SystemCpu(long busyTicks, long stealTicks, boolean valid) {
    private static final double NANOS_PER_TICK = 1e9 / 100;

    static SystemCpu now() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] fields = line.trim().split("\\s+");
            long user = Long.parseLong(fields[1]);
            long nice = Long.parseLong(fields[2]);
            long system = Long.parseLong(fields[3]);
            long irq = Long.parseLong(fields[6]);
            long softirq = Long.parseLong(fields[7]);
            long steal = fields.length > 8 ? Long.parseLong(fields[8]) : 0;
            return new SystemCpu(user + nice + system + irq + softirq + steal, steal, true);
        } catch (IOException | RuntimeException e) {
            return new SystemCpu(0, 0, false);
        }
    }

    /** Busy CPU between {@code earlier} and this reading, in percent of one core over {@code wallNanos}. */
    double busyPercentSince(SystemCpu earlier, long wallNanos) {
        if (!valid || !earlier.valid || wallNanos <= 0) {
            return Double.NaN;
        }
        return 100.0 * (busyTicks - earlier.busyTicks) * NANOS_PER_TICK / wallNanos;
    }

    double stealPercentSince(SystemCpu earlier, long wallNanos) {
        if (!valid || !earlier.valid || wallNanos <= 0) {
            return Double.NaN;
        }
        return 100.0 * (stealTicks - earlier.stealTicks) * NANOS_PER_TICK / wallNanos;
    }
}
