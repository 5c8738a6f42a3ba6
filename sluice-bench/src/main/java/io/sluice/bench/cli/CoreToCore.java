package io.sluice.bench.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The machine's floor for any cross-process handoff: the round trip of one cache line between two spinning threads,
 * without Sluice. On virtual machines the host may move the virtual CPUs onto cores far apart, which multiplies this
 * figure (seen on the 2-vCPU benchmark machine: ~55 ns usually, ~460 ns at times) and every latency and throughput
 * figure with it; the report prints it before and after each run so such runs can be recognised.
 *
 * <p>Protocol: the caller stores an odd value, the echo thread answers with the next even value; release stores and
 * acquire loads on one element of an array, with a cache line of padding on either side.
 */
final class CoreToCore {
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Element used in the middle of a 256-byte array: a line of padding on each side. */
    private static final int SLOT = 16;
    private static final long STOP = -1;

    private CoreToCore() {
    }

    /**
     * Measures for about {@code measureNanos} after a warm-up of the same length; returns nanoseconds per round
     * trip, or NaN when the machine has a single processor (the figure would measure the scheduler instead).
     */
    static double roundTripNanos(long measureNanos) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return Double.NaN;
        }
        long[] line = new long[2 * SLOT];
        Thread echo = Thread.ofPlatform().daemon().name("bench-core-to-core").start(() -> echo(line));
        try {
            long value = exchange(line, 0, System.nanoTime() + measureNanos);
            long start = System.nanoTime();
            long end = exchange(line, value, start + measureNanos);
            long elapsed = System.nanoTime() - start;
            return elapsed / (double) ((end - value) / 2);
        } finally {
            ELEMENT.setRelease(line, SLOT, STOP);
            try {
                echo.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Round trips until {@code deadline}; returns the last even value seen. */
    private static long exchange(long[] line, long from, long deadline) {
        long value = from;
        do {
            for (int round = 0; round < 256; round++) {
                ELEMENT.setRelease(line, SLOT, value + 1);
                while ((long) ELEMENT.getAcquire(line, SLOT) != value + 2) {
                    Thread.onSpinWait();
                }
                value += 2;
            }
        } while (System.nanoTime() - deadline < 0);
        return value;
    }

    private static void echo(long[] line) {
        while (true) {
            long seen = (long) ELEMENT.getAcquire(line, SLOT);
            if (seen == STOP) {
                return;
            }
            if ((seen & 1) == 1) {
                ELEMENT.setRelease(line, SLOT, seen + 1);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
