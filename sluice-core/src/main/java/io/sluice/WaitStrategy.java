package io.sluice;

/**
 * How a subscriber waits for the next sample.
 *
 * <ul>
 *   <li>{@link #block()} (the default): sleeps on a futex word in the topic's shared memory; an idle subscriber
 *       uses no CPU; a publisher pays one system call per publish only while somebody sleeps.</li>
 *   <li>{@link #spin()}: busy-polls with {@link Thread#onSpinWait()}; lowest latency, one core per waiter.</li>
 *   <li>{@link #backoff()}: spins briefly, then yields, then parks for growing intervals up to 1 ms.</li>
 * </ul>
 */
public enum WaitStrategy {
    BLOCK, SPIN, BACKOFF;

    public static WaitStrategy block() {
        return BLOCK;
    }

    public static WaitStrategy spin() {
        return SPIN;
    }

    public static WaitStrategy backoff() {
        return BACKOFF;
    }
}
