package io.sluice.cli.demo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Layout of one demo frame: a 32-byte header, then the pixel data. All fields little endian.
 *
 * <pre>
 *   0: FRAME_NUMBER (8, long): 0, 1, 2... per camera run, the same on all topics of one frame set
 *   8: RESERVED (8): zero
 *  16: CHECKSUM (4, int): CRC32C of bytes [DATA_OFFSET, end)
 *  20: PADDING (12): zero
 *  32: DATA: height rows of width pixels
 * </pre>
 *
 * A frame is intact when its length is the one expected, its padding is zero and its checksum matches its data;
 * anything else means a subscriber saw a torn or overwritten message.
 */
final class FrameLayout {
    static final ValueLayout.OfLong FRAME_NUMBER_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED
        .withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt CHECKSUM_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int FRAME_NUMBER_OFFSET;
    static final int RESERVED_OFFSET;
    static final int RESERVED_LENGTH = 8;
    static final int CHECKSUM_OFFSET;
    static final int PADDING_OFFSET;
    static final int PADDING_LENGTH = 12;
    static final int DATA_OFFSET;

    static {
        int offset = 0;
        FRAME_NUMBER_OFFSET = offset;
        offset += Long.BYTES;
        RESERVED_OFFSET = offset;
        offset += RESERVED_LENGTH;
        CHECKSUM_OFFSET = offset;
        offset += Integer.BYTES;
        PADDING_OFFSET = offset;
        offset += PADDING_LENGTH;
        DATA_OFFSET = offset;
    }

    private FrameLayout() {
    }

    /** Bytes of a frame of {@code width x height} pixels of {@code bytesPerPixel} bytes, header included. */
    static long messageBytes(int width, int height, int bytesPerPixel) {
        return DATA_OFFSET + (long) width * height * bytesPerPixel;
    }

    static long frameNumber(MemorySegment frame) {
        return frame.get(FRAME_NUMBER_LAYOUT, FRAME_NUMBER_OFFSET);
    }

    static int checksum(MemorySegment frame) {
        return frame.get(CHECKSUM_LAYOUT, CHECKSUM_OFFSET);
    }

    /** Writes frame number and checksum, and zeroes the reserved field and the padding. */
    static void writeHeader(MemorySegment frame, long frameNumber, int checksum) {
        frame.set(FRAME_NUMBER_LAYOUT, FRAME_NUMBER_OFFSET, frameNumber);
        frame.set(FRAME_NUMBER_LAYOUT, RESERVED_OFFSET, 0L);
        frame.set(CHECKSUM_LAYOUT, CHECKSUM_OFFSET, checksum);
        frame.asSlice(PADDING_OFFSET, PADDING_LENGTH).fill((byte) 0);
    }

    /** CRC32C of the frame's data, computed with {@code crc} (reset first; the JDK intrinsic over direct memory). */
    static int computeChecksum(MemorySegment frame, CRC32C crc) {
        crc.reset();
        crc.update(frame.asSlice(DATA_OFFSET).asByteBuffer());
        return (int) crc.getValue();
    }

    /** True when the padding bytes are all zero. */
    static boolean paddingIsZero(MemorySegment frame) {
        return frame.get(FRAME_NUMBER_LAYOUT, PADDING_OFFSET + 4) == 0
            && frame.get(CHECKSUM_LAYOUT, PADDING_OFFSET) == 0;
    }
}
