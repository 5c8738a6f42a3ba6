package io.sluice.cli.demo;

import io.sluice.msg.builtin_interfaces.Time;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameClockTest {
    private final Time stamp = new Time(stampBytes());

    private static MemorySegment stampBytes() {
        MemorySegment message = MemorySegment.ofArray(new byte[12]);
        Time.TYPE.writeDefault(message);
        return message;
    }

    @Test
    void shouldStampFrameSetsAFifteenthOfASecondApart() {
        FrameClock.stamp(stamp, 0);
        assertEquals(0, stamp.sec());
        assertEquals(0, stamp.nanosec());
        FrameClock.stamp(stamp, 1);
        assertEquals(66_666_666, stamp.nanosec());
        FrameClock.stamp(stamp, 14);
        assertEquals(933_333_333, stamp.nanosec());
        FrameClock.stamp(stamp, 15);
        assertEquals(1, stamp.sec());
        assertEquals(0, stamp.nanosec());
    }

    @Test
    void shouldGiveBackTheFrameNumberOfEveryStamp() {
        for (long frame : new long[] {0, 1, 2, 14, 15, 16, 29, 30, 1234, 15L * Integer.MAX_VALUE + 14}) {
            FrameClock.stamp(stamp, frame);
            assertEquals(frame, FrameClock.frameNumber(stamp), "frame=" + frame);
        }
    }

    @Test
    void shouldRejectStampsOffTheCamerasGrid() {
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(0, 66_666_667));
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(0, 1));
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(-1, 0));
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(3, 1_000_000_000));
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(3, 999_999_999));
        stamp.sec(1).nanosec(-1); // uint32 4294967295
        assertEquals(FrameClock.NOT_A_FRAME, FrameClock.frameNumber(stamp));
        assertThrows(IllegalArgumentException.class, () -> FrameClock.stamp(stamp, -1));
        assertThrows(IllegalArgumentException.class, () -> FrameClock.stamp(stamp, 15L * Integer.MAX_VALUE + 15));
    }
}
