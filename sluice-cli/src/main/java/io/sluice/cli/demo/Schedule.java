package io.sluice.cli.demo;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A fixed-rate schedule on absolute deadlines, {@code start + tick x period}, so lateness never accumulates into
 * drift. A caller that falls more than a whole period behind skips the ticks it missed (and they are counted)
 * rather than bursting to catch up. Used by one thread.
 */
final class Schedule {
    private final long startNanos;
    private final long periodNanos;
    private long tick;
    private long missed;

    /** A schedule whose tick 0 is now. */
    Schedule(long periodNanos) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("periodNanos <= 0: periodNanos=" + periodNanos);
        }
        this.startNanos = System.nanoTime();
        this.periodNanos = periodNanos;
    }

    /** Moves to the next tick, skipping those already over, and returns its deadline in nanoTime. */
    long advance() {
        tick++;
        long current = (System.nanoTime() - startNanos) / periodNanos;
        if (current > tick) {
            missed += current - tick;
            tick = current;
        }
        return startNanos + tick * periodNanos;
    }

    /** Ticks skipped because the caller was more than a period late. */
    long missed() {
        return missed;
    }

    /** Sleeps until {@code deadlineNanos} or until {@code running} turns false (looked at every 50 ms at most). */
    static void parkUntil(long deadlineNanos, BooleanSupplier running) {
        long remaining = deadlineNanos - System.nanoTime();
        while (remaining > 0 && running.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(remaining, 50_000_000L));
            remaining = deadlineNanos - System.nanoTime();
        }
    }
}
