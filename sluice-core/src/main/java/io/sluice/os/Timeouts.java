package io.sluice.os;

import java.time.Duration;

/**
 * A {@link Duration} given as a timeout, in the nanoseconds of {@link System#nanoTime()} deadlines. A duration may
 * exceed a long's nanoseconds ({@code ChronoUnit.FOREVER}: {@code toNanos()} throws), and {@code now + nanos}
 * overflows well before that ({@code Duration.ofNanos(Long.MAX_VALUE)} would give a deadline in the past): both
 * mean "very long", so a timeout is capped at {@link #MAX_NANOS}, and deadlines stay comparable as differences.
 */
public final class Timeouts {
    /** The longest timeout, about 73 years. */
    public static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Timeouts() {
    }

    /** {@code timeout} in nanoseconds, within [-{@link #MAX_NANOS}, {@link #MAX_NANOS}]; callers decide on negative. */
    public static long nanos(Duration timeout) {
        try {
            return Math.clamp(timeout.toNanos(), -MAX_NANOS, MAX_NANOS);
        } catch (ArithmeticException beyond) {
            return timeout.isNegative() ? -MAX_NANOS : MAX_NANOS;
        }
    }

    /** The {@link System#nanoTime()} deadline {@code timeout} after {@code nowNanos}; a negative timeout as 0. */
    public static long deadline(long nowNanos, Duration timeout) {
        return nowNanos + Math.max(0, nanos(timeout));
    }
}
