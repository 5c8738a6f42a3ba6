package io.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Frames}: the same bytes and the same exceptions as the JDK's fill and copy, below and above the threshold. */
class FramesTest {
    private static final long LARGE = Frames.NATIVE_THRESHOLD + 4093; // an odd length past the threshold

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4095, Frames.NATIVE_THRESHOLD, Frames.NATIVE_THRESHOLD + 4093, 3 << 20})
    void shouldFillEveryByteAndNoMore(long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = arena.allocate(length + 2);
            whole.fill((byte) 7);
            Frames.fill(whole.asSlice(1, length), (byte) 0xA5);
            assertEquals(7, whole.get(ValueLayout.JAVA_BYTE, 0), "the byte before is untouched");
            assertEquals(7, whole.get(ValueLayout.JAVA_BYTE, length + 1), "the byte after is untouched");
            for (long i = 1; i <= length; i++) {
                if (whole.get(ValueLayout.JAVA_BYTE, i) != (byte) 0xA5) {
                    throw new AssertionError("byte " + i + " of " + length + " not filled");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4095, Frames.NATIVE_THRESHOLD, Frames.NATIVE_THRESHOLD + 4093, 3 << 20})
    void shouldCopyEveryByteAndNoMore(long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(length + 16);
            for (long i = 0; i < source.byteSize(); i++) {
                source.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 5));
            }
            MemorySegment target = arena.allocate(length + 16);
            target.fill((byte) 9);
            Frames.copy(source, 3, target, 5, length);
            for (long i = 0; i < target.byteSize(); i++) {
                byte expected = i >= 5 && i < 5 + length ? (byte) ((i - 2) * 31 + 5) : 9;
                if (target.get(ValueLayout.JAVA_BYTE, i) != expected) {
                    throw new AssertionError("byte " + i + " of a copy of " + length);
                }
            }
        }
    }

    @Test
    void shouldCopyBetweenHeapAndNative() {
        byte[] heap = new byte[(int) LARGE];
        heap[0] = 1;
        heap[heap.length - 1] = 2;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(LARGE);
            Frames.copy(MemorySegment.ofArray(heap), 0, target, 0, LARGE);
            assertEquals(1, target.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(2, target.get(ValueLayout.JAVA_BYTE, LARGE - 1));
            byte[] back = new byte[(int) LARGE];
            Frames.copy(target, 0, MemorySegment.ofArray(back), 0, LARGE);
            assertEquals(2, back[back.length - 1]);
            Frames.fill(MemorySegment.ofArray(back), (byte) 3);
            assertEquals(3, back[0]);
        }
    }

    /** What a subscriber holds is read-only: writing it must throw, never reach memset and crash the JVM. */
    @Test
    void shouldRefuseReadOnlyTargetsLikeTheJdk() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment readOnly = arena.allocate(LARGE).asReadOnly();
            MemorySegment source = arena.allocate(LARGE);
            assertThrows(UnsupportedOperationException.class, () -> Frames.fill(readOnly, (byte) 1));
            assertThrows(UnsupportedOperationException.class, () -> Frames.copy(source, 0, readOnly, 0, LARGE));
            assertThrows(UnsupportedOperationException.class, () -> Frames.fill(readOnly.asSlice(0, 16), (byte) 1));
        }
    }

    @Test
    void shouldRefuseCopiesPastEitherEnd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(LARGE);
            MemorySegment target = arena.allocate(LARGE);
            assertThrows(IndexOutOfBoundsException.class, () -> Frames.copy(source, 1, target, 0, LARGE));
            assertThrows(IndexOutOfBoundsException.class, () -> Frames.copy(source, 0, target, 1, LARGE));
            assertThrows(IndexOutOfBoundsException.class, () -> Frames.copy(source, -1, target, 0, LARGE - 1));
            assertThrows(IndexOutOfBoundsException.class, () -> Frames.copy(source, 0, target, 0, -1));
        }
    }

    @Test
    void shouldRefuseClosedSegmentsAndOverlaps() {
        Arena arena = Arena.ofConfined();
        MemorySegment segment = arena.allocate(2 * LARGE);
        assertThrows(IllegalArgumentException.class, () -> Frames.copy(segment, 0, segment, 16, LARGE),
            "an overlap memcpy would garble");
        arena.close();
        assertThrows(IllegalStateException.class, () -> Frames.fill(segment, (byte) 1));
        assertThrows(IllegalStateException.class, () -> Frames.copy(segment, 0, segment, LARGE, LARGE));
    }
}
