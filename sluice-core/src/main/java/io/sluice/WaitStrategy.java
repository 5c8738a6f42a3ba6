package io.sluice;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits when it found nothing to do: a subscriber in {@link Subscriber#take(java.time.Duration)}, an
 * executor between duty cycles. One concept for both, chosen with {@link Qos#withWaitStrategy},
 * {@link SluiceOptions#withWaitStrategy} and {@code ExecutorOptions.withWaitStrategy}.
 *
 * <ul>
 *   <li>{@link #block()} (the default everywhere): sleeps in the kernel on the futex word that applies, so a waiting
 *       thread uses no CPU: a subscriber on its topic's word; an executor on its own wakeup and its topics' words at
 *       once (or the doorbell its publishers ring). A publisher pays a system call only while somebody sleeps.</li>
 *   <li>{@link #spin()}: busy-polls with {@link Thread#onSpinWait()}; the lowest latency, one core per waiter.</li>
 *   <li>{@link #backoff()}, {@link #backoff(int, int, long)}: spins, then yields, then parks for a time that
 *       doubles from 1 µs up to a limit; any work starts over.</li>
 * </ul>
 *
 * {@snippet :
 * Qos fast = Qos.queue(8).withWaitStrategy(WaitStrategy.spin());
 * SluiceOptions gentle = SluiceOptions.defaults().withWaitStrategy(WaitStrategy.backoff(100, 10, 500_000));
 * }
 *
 * A strategy is immutable and may be shared by any number of subscribers and executors. What one waiting thread
 * counts (how long it has been idle) lives in an {@link Idler} that {@link #idler()} makes for that thread.
 */
public final class WaitStrategy {
    private static final WaitStrategy BLOCK = new WaitStrategy("block", 0, 0, 0);
    private static final WaitStrategy SPIN = new WaitStrategy("spin", Long.MAX_VALUE, 0, 0);
    private static final WaitStrategy BACKOFF = new WaitStrategy("backoff", 200, 20, 1_000_000);
    /** The first park of a backoff, doubled at each further one. */
    static final long MIN_PARK_NANOS = 1_000;

    private final String name;
    private final long spins;
    private final int yields;
    private final long maxParkNanos;

    private WaitStrategy(String name, long spins, int yields, long maxParkNanos) {
        this.name = name;
        this.spins = spins;
        this.yields = yields;
        this.maxParkNanos = maxParkNanos;
    }

    /** Sleeps in the kernel on the futex word that applies: no CPU while waiting. The default. */
    public static WaitStrategy block() {
        return BLOCK;
    }

    /** Busy-polls: the lowest latency, and one core for as long as the thread waits. */
    public static WaitStrategy spin() {
        return SPIN;
    }

    /** {@link #backoff(int, int, long) backoff(200, 20, 1_000_000)}: 200 spins, 20 yields, then parks of up to 1 ms. */
    public static WaitStrategy backoff() {
        return BACKOFF;
    }

    /**
     * Spins {@code spins} rounds, then yields {@code yields} times, then parks for a time that doubles from 1 µs up
     * to {@code maxParkNanos}.
     */
    public static WaitStrategy backoff(int spins, int yields, long maxParkNanos) {
        if (spins < 0 || yields < 0 || maxParkNanos < MIN_PARK_NANOS) {
            throw new IllegalArgumentException("spins < 0 || yields < 0 || maxParkNanos < " + MIN_PARK_NANOS
                + ": spins=" + spins + ", yields=" + yields + ", maxParkNanos=" + maxParkNanos);
        }
        return new WaitStrategy("backoff", spins, yields, maxParkNanos);
    }

    /**
     * Whether this is {@link #block()}: the waiting thread sleeps on a futex word of whatever it waits for, rather
     * than with an {@link Idler}.
     */
    public boolean blocks() {
        return this == BLOCK;
    }

    /**
     * A new idler for one thread that waits with this strategy (spin or backoff).
     *
     * @throws IllegalStateException for {@link #block()}, which sleeps on a futex word instead (see {@link #blocks()})
     */
    public Idler idler() {
        if (blocks()) {
            throw new IllegalStateException("block() sleeps on a futex word, not with an idler: check blocks() first");
        }
        return new Idler(spins, yields, maxParkNanos);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WaitStrategy that && name.equals(that.name) && spins == that.spins
            && yields == that.yields && maxParkNanos == that.maxParkNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, spins, yields, maxParkNanos);
    }

    /** {@code block}, {@code spin}, {@code backoff}, or {@code backoff(spins, yields, maxParkNanos)} for another backoff. */
    @Override
    public String toString() {
        if (name.equals("backoff") && !equals(BACKOFF)) {
            return name + "(" + spins + ", " + yields + ", " + maxParkNanos + ")";
        }
        return name;
    }

    /**
     * The state of one thread waiting with a spin or backoff {@link WaitStrategy}: how many rounds it has been idle.
     * Belongs to that thread; allocates nothing while it waits.
     *
     * {@snippet :
     * WaitStrategy.Idler idler = strategy.idler();    // once per thread
     * idler.reset();                                  // before a wait, or after work was found
     * while (!lookForWork()) {
     *     if (idler.idle() && System.nanoTime() - deadline >= 0) {
     *         break;                                  // look at the clock only when idle() says it is worth it
     *     }
     * }
     * }
     */
    public static final class Idler {
        /** While spinning, how often {@link #idle()} says that a look at the clock is due; a power of two. */
        private static final int CLOCK_CHECK_SPINS = 1024;
        private final long spins;
        private final long spinsAndYields;
        private final long maxParkNanos;
        private long idleRounds;
        private long parkNanos = MIN_PARK_NANOS;

        private Idler(long spins, int yields, long maxParkNanos) {
            this.spins = spins;
            this.spinsAndYields = spins == Long.MAX_VALUE ? Long.MAX_VALUE : spins + yields;
            this.maxParkNanos = maxParkNanos;
        }

        /** Starts over: the next rounds spin again. Call it when work was found. */
        public void reset() {
            idleRounds = 0;
            parkNanos = MIN_PARK_NANOS;
        }

        /** After a duty cycle that did {@code workCount} work: {@link #reset()} when it did some, else {@link #idle()}. */
        public void idle(int workCount) {
            if (workCount > 0) {
                reset();
            } else {
                idle();
            }
        }

        /**
         * Waits one round: spins, yields or parks, as far as the thread has been idle since {@link #reset()}.
         *
         * @return whether enough time may have passed for the caller to look at the clock (after every yield and
         *         park, and every {@value #CLOCK_CHECK_SPINS} spins), so that a spinning wait need not read it each
         *         round
         */
        public boolean idle() {
            long round = ++idleRounds;
            if (round <= spins) {
                Thread.onSpinWait();
                return (round & (CLOCK_CHECK_SPINS - 1)) == 0;
            }
            if (round <= spinsAndYields) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(parkNanos * 2, maxParkNanos);
            }
            return true;
        }
    }
}
