package io.sluice.cli.demo;

import io.sluice.msg.builtin_interfaces.Time;

/**
 * The synthetic camera's clock, which {@code header.stamp} is read on: it starts at 0 with the camera and advances
 * by exactly one period, {@code 1/}{@value #FRAMES_PER_SECOND} s, per frame set, as a simulator's clock does (ROS
 * "sim time"). So frame set {@code n} is captured at {@code n / 15} s, every message of the set carries that stamp
 * (ready for an exact-time synchroniser), and the frame number is the stamp times 15: the message needs no field of
 * its own for it.
 *
 * <pre>
 *   frame 0 → sec 0, nanosec 0;  frame 1 → 0, 66666666;  frame 2 → 0, 133333333;  frame 15 → 1, 0
 * </pre>
 *
 * A stamp that is not on this grid was not written by the camera: {@link #frameNumber} says so.
 */
final class FrameClock {
    /** Frame sets per second of the camera's clock. */
    static final int FRAMES_PER_SECOND = 15;
    /** Returned by {@link #frameNumber} for a stamp that is not the capture time of any frame set. */
    static final long NOT_A_FRAME = -1;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private FrameClock() {
    }

    /** Writes the capture time of frame set {@code frameNumber} into {@code stamp}. */
    static void stamp(Time stamp, long frameNumber) {
        if (frameNumber < 0 || frameNumber / FRAMES_PER_SECOND > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame number out of range [0, 2^31 * 15): frameNumber="
                + frameNumber);
        }
        stamp.sec((int) (frameNumber / FRAMES_PER_SECOND)).nanosec(nanosecOf((int) (frameNumber % FRAMES_PER_SECOND)));
    }

    /** The frame set captured at {@code stamp}, or {@link #NOT_A_FRAME} when the stamp is not on the camera's grid. */
    static long frameNumber(Time stamp) {
        return frameNumber(stamp.sec(), Integer.toUnsignedLong(stamp.nanosec()));
    }

    /** {@link #frameNumber(Time)} of a stamp given as its fields. */
    static long frameNumber(long sec, long nanosec) {
        if (sec < 0 || sec > Integer.MAX_VALUE || nanosec < 0 || nanosec >= NANOS_PER_SECOND) {
            return NOT_A_FRAME;
        }
        int index = (int) Math.round(nanosec * (double) FRAMES_PER_SECOND / NANOS_PER_SECOND);
        if (index >= FRAMES_PER_SECOND || nanosecOf(index) != nanosec) {
            return NOT_A_FRAME;
        }
        return sec * FRAMES_PER_SECOND + index;
    }

    /** The nanoseconds of the {@code index}-th frame of a second: {@code index × 10^9 / 15}, rounded down. */
    private static int nanosecOf(int index) {
        return (int) (index * NANOS_PER_SECOND / FRAMES_PER_SECOND);
    }
}
