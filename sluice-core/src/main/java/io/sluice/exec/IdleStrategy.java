package io.sluice.exec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What an executor's thread does after a duty cycle: {@link #idle(int)} is called with the work the cycle did, and
 * may spin, yield, park or block when it was none. An idle strategy belongs to one thread.
 *
 * {@snippet :
 * IdleStrategy idle = IdleStrategy.blocking(wakeup, Duration.ofMillis(100).toNanos());  // the default: no CPU when idle
 * IdleStrategy spin = IdleStrategy.busySpin();                                          // lowest latency, one core
 * }
 */
@FunctionalInterface
public interface IdleStrategy {
    /** Called after every duty cycle with the work it did. */
    void idle(int workCount);

    /** Spins: the thread never gives up its core. */
    static IdleStrategy busySpin() {
        return workCount -> {
            if (workCount == 0) {
                Thread.onSpinWait();
            }
        };
    }

    /**
     * Spins {@code spins} idle cycles, then yields {@code yields} times, then parks for a time that doubles from
     * 1 µs up to {@code maxParkNanos}; any work starts over.
     */
    static IdleStrategy backoff(int spins, int yields, long maxParkNanos) {
        if (spins < 0 || yields < 0 || maxParkNanos < 1) {
            throw new IllegalArgumentException("spins < 0 || yields < 0 || maxParkNanos < 1: spins=" + spins
                + ", yields=" + yields + ", maxParkNanos=" + maxParkNanos);
        }
        return new Backoff(spins, yields, maxParkNanos);
    }

    /**
     * Blocks on {@code wakeup} when a cycle did nothing, until a producer signals it or {@code maxWaitNanos} passes
     * (so that timers and liveness checks still run): an idle executor uses no CPU. Producers call
     * {@link Wakeup#signal()} after making work available.
     */
    static IdleStrategy blocking(Wakeup wakeup, long maxWaitNanos) {
        if (maxWaitNanos < 1) {
            throw new IllegalArgumentException("maxWaitNanos < 1: maxWaitNanos=" + maxWaitNanos);
        }
        return new Blocking(wakeup, maxWaitNanos);
    }

    /** {@link #backoff}: spin, yield, then park with a doubling time. */
    final class Backoff implements IdleStrategy {
        private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
        private final int spins;
        private final int yields;
        private final long maxParkNanos;
        private int idleCycles;
        private long parkNanos = MIN_PARK_NANOS;

        private Backoff(int spins, int yields, long maxParkNanos) {
            this.spins = spins;
            this.yields = yields;
            this.maxParkNanos = maxParkNanos;
        }

        @Override
        public void idle(int workCount) {
            if (workCount > 0) {
                idleCycles = 0;
                parkNanos = MIN_PARK_NANOS;
                return;
            }
            idleCycles++;
            if (idleCycles <= spins) {
                Thread.onSpinWait();
            } else if (idleCycles <= spins + yields) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(parkNanos * 2, maxParkNanos);
            }
        }
    }

    /**
     * {@link #blocking}. The key for the next wait is read at the end of each {@code idle} call, that is before
     * the next duty cycle looks for work; a signal that comes after that read changes the word, so the wait that
     * follows a cycle which found nothing returns at once instead of missing it (see {@link Wakeup}).
     */
    final class Blocking implements IdleStrategy {
        private final Wakeup wakeup;
        private final long maxWaitNanos;
        private int key;

        private Blocking(Wakeup wakeup, long maxWaitNanos) {
            this.wakeup = wakeup;
            this.maxWaitNanos = maxWaitNanos;
            this.key = wakeup.key();
        }

        @Override
        public void idle(int workCount) {
            if (workCount == 0) {
                wakeup.await(key, maxWaitNanos);
            }
            key = wakeup.key();
        }
    }
}
