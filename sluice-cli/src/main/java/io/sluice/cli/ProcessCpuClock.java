package io.sluice.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * This process's CPU time in nanoseconds, from {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} through the FFM
 * API: every thread, JVM-internal ones (JIT, GC) included, at the kernel's full resolution.
 * {@link com.sun.management.OperatingSystemMXBean#getProcessCpuTime()} reads the same account but, on the JVMs
 * this was written for, in whole scheduler ticks (10 ms), which is too coarse for a 2 s window at a few percent
 * of a core (and the C harness's {@code getrusage} and Python's {@code time.process_time} are exact: the peer
 * comparison read Java sinks 10 ms-coarse against them until it used this). Every CPU figure of the {@code sluice}
 * command reads this clock. Falls back to the MXBean when the call is not available.
 */
public final class ProcessCpuClock {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final MethodHandle CLOCK_GETTIME = lookup();
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpuClock() {
    }

    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("clock_gettime")
                .map(address -> linker.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                .orElse(null);
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    /** Whether the kernel's clock is read (rather than the coarser MXBean). */
    public static boolean precise() {
        return CLOCK_GETTIME != null;
    }

    /** CPU time this process has used, nanoseconds. */
    public static long nanos() {
        if (CLOCK_GETTIME == null) {
            return OS.getProcessCpuTime();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            int status = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, timespec);
            if (status != 0) {
                return OS.getProcessCpuTime();
            }
            return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8);
        } catch (Throwable e) {
            return OS.getProcessCpuTime();
        }
    }

    /**
     * This process's system (kernel) CPU time in nanoseconds, from field 15 ({@code stime}) of
     * {@code /proc/self/stat}, in whole clock ticks of 10 ms; -1 when it cannot be read.
     */
    public static long systemNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(fields[12]) * 10_000_000L; // field 15 is the 13th after the name; USER_HZ=100
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
