package io.sluice.msg.builtin_interfaces;

import io.sluice.msg.CdrMessage;

import java.lang.foreign.MemorySegment;

/**
 * What {@link Time} adds to its generated accessors: the value as a count of nanoseconds. A {@code Time} is a point in time: seconds and nanoseconds since an epoch (the Unix epoch for wall-clock stamps),
 * {@code nanosec} in {@code [0, 1e9)}, so {@code -1.7 s} is {@code sec = -2, nanosec = 300000000}.
 *
 * {@snippet :
 * image.header().stamp().nanos(clock.nanos());
 * long age = now - sample.message().header().stamp().nanos();
 * }
 */
public abstract class TimeSupport extends CdrMessage {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    protected TimeSupport(MemorySegment segment) {
        super(segment);
    }

    protected TimeSupport() {
    }

    // generated accessors this class reads and writes through
    public abstract int sec();

    public abstract Time sec(int value);

    public abstract int nanosec();

    public abstract Time nanosec(int value);

    /** The value in nanoseconds: {@code sec × 1e9 + nanosec}. */
    public long nanos() {
        return sec() * NANOS_PER_SECOND + Integer.toUnsignedLong(nanosec());
    }

    /**
     * Sets the value from nanoseconds, splitting them into whole seconds (rounded down) and {@code nanosec} in
     * {@code [0, 1e9)}.
     *
     * @throws IllegalArgumentException when the seconds do not fit the {@code int32 sec} field (beyond year 2038)
     */
    public Time nanos(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        if (seconds != (int) seconds) {
            throw new IllegalArgumentException("seconds out of int32 range: nanos=" + nanos);
        }
        sec((int) seconds);
        return nanosec((int) Math.floorMod(nanos, NANOS_PER_SECOND));
    }
}
