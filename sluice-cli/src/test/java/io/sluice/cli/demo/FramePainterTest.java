package io.sluice.cli.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FramePainterTest {
    private static final int WIDTH = 37;
    private static final int HEIGHT = 53;

    private final Arena arena = Arena.ofConfined();
    private final FrameVerifier verifier = new FrameVerifier();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    private MemorySegment paint(DemoTopic.Pattern pattern, long frameNumber) {
        try (FramePainter painter = new FramePainter(pattern, WIDTH, HEIGHT)) {
            MemorySegment frame = arena.allocate(painter.messageBytes());
            frame.fill((byte) 0x5A); // a slot's previous contents are arbitrary
            painter.paint(frame, frameNumber);
            return frame;
        }
    }

    @ParameterizedTest
    @EnumSource(DemoTopic.Pattern.class)
    void shouldPaintAnIntactFrameWithItsNumber(DemoTopic.Pattern pattern) {
        MemorySegment frame = paint(pattern, 41);

        assertTrue(verifier.isIntact(frame, frame.byteSize()));
        assertEquals(41, FrameLayout.frameNumber(frame));
        assertEquals(0L, frame.get(FrameLayout.FRAME_NUMBER_LAYOUT, FrameLayout.RESERVED_OFFSET));
        assertTrue(FrameLayout.paddingIsZero(frame));
    }

    @ParameterizedTest
    @EnumSource(DemoTopic.Pattern.class)
    void shouldDetectAFlippedDataByteAsTorn(DemoTopic.Pattern pattern) {
        MemorySegment frame = paint(pattern, 7);
        for (long offset : new long[] {FrameLayout.DATA_OFFSET, frame.byteSize() / 2, frame.byteSize() - 1}) {
            flip(frame, offset);
            assertFalse(verifier.isIntact(frame, frame.byteSize()), "flip at offset=" + offset + " not detected");
            flip(frame, offset);
            assertTrue(verifier.isIntact(frame, frame.byteSize()));
        }
    }

    @Test
    void shouldDetectADamagedChecksumOrPaddingAsTorn() {
        MemorySegment frame = paint(DemoTopic.Pattern.RGB8, 3);

        flip(frame, FrameLayout.CHECKSUM_OFFSET + 2);
        assertFalse(verifier.isIntact(frame, frame.byteSize()));
        flip(frame, FrameLayout.CHECKSUM_OFFSET + 2);

        flip(frame, FrameLayout.PADDING_OFFSET + FrameLayout.PADDING_LENGTH - 1);
        assertFalse(verifier.isIntact(frame, frame.byteSize()));
    }

    @Test
    void shouldDetectAFrameOfTheWrongSizeAsTorn() {
        MemorySegment frame = paint(DemoTopic.Pattern.DEPTH32F, 3);

        assertFalse(verifier.isIntact(frame, frame.byteSize() + 1));
        assertFalse(verifier.isIntact(frame.asSlice(0, frame.byteSize() - 4), frame.byteSize()));
        assertFalse(verifier.isIntact(frame.asSlice(0, 16), 16));
    }

    @ParameterizedTest
    @EnumSource(DemoTopic.Pattern.class)
    void shouldMoveThePatternFromFrameToFrameAndRepeatItExactly(DemoTopic.Pattern pattern) {
        MemorySegment first = paint(pattern, 10);
        MemorySegment again = paint(pattern, 10);
        MemorySegment next = paint(pattern, 11);

        assertEquals(-1, first.mismatch(again));
        assertNotEquals(-1, data(first).mismatch(data(next)));
        assertNotEquals(FrameLayout.checksum(first), FrameLayout.checksum(next));
    }

    @Test
    void shouldDrawRowsAsShiftedCopiesOfOnePatternRow() {
        MemorySegment frame = paint(DemoTopic.Pattern.RGB8, 0);
        long rowBytes = WIDTH * 3L;
        MemorySegment row0 = frame.asSlice(FrameLayout.DATA_OFFSET, rowBytes);
        MemorySegment row1 = frame.asSlice(FrameLayout.DATA_OFFSET + rowBytes, rowBytes);

        // row 1 is row 0 moved left by one pixel
        assertEquals(-1, row1.asSlice(0, rowBytes - 3).mismatch(row0.asSlice(3, rowBytes - 3)));
    }

    @Test
    void shouldRefuseASlotOfTheWrongSize() {
        try (FramePainter painter = new FramePainter(DemoTopic.Pattern.XYZRGB, WIDTH, HEIGHT)) {
            MemorySegment tooSmall = arena.allocate(painter.messageBytes() - 1);

            assertThrows(IllegalArgumentException.class, () -> painter.paint(tooSmall, 0));
        }
    }

    @Test
    void shouldSizeTheFullFramesAsTheCameraSpecifies() {
        assertEquals(32 + 2208 * 1242 * 3L, DemoTopic.RGB.messageBytes());
        assertEquals(32 + 8_227_008L, DemoTopic.RGB.messageBytes());
        assertEquals(32 + 10_969_344L, DemoTopic.DEPTH.messageBytes());
        assertEquals(32 + 43_877_376L, DemoTopic.POINTS.messageBytes());
    }

    private static MemorySegment data(MemorySegment frame) {
        return frame.asSlice(FrameLayout.DATA_OFFSET);
    }

    private static void flip(MemorySegment frame, long offset) {
        frame.set(ValueLayout.JAVA_BYTE, offset, (byte) (frame.get(ValueLayout.JAVA_BYTE, offset) ^ 0x10));
    }
}
