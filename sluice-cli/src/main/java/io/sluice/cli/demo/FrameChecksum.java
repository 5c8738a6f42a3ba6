package io.sluice.cli.demo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The checksum of a bulk frame: a CRC32C kept in four bytes of the frame's own data, in its first pixel or point, as
 * cameras that embed frame information in their first pixels do. Little endian.
 *
 * <pre>
 *   data: [0, at) [at, at + 4): CHECKSUM [at + 4, end)       at = Pattern.checksumOffset(): 0 for images,
 *                                                                 12 (the rgb of point 0) for the point cloud
 *   CHECKSUM = CRC32C( data[0, at) ‖ data[at + 4, end) ‖ frame number as 8 bytes )
 * </pre>
 *
 * The frame number comes from {@code header.stamp} ({@link FrameClock}), so the checksum ties the data to the
 * header: a stamp of one frame over the data of another fails as surely as a torn pixel. The CRC is the JDK's
 * intrinsic over the mapped bytes. An instance is used by one thread.
 */
final class FrameChecksum {
    /** Bytes the checksum takes in the data. */
    static final int BYTES = Integer.BYTES;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final CRC32C crc = new CRC32C();
    private final byte[] frameBytes = new byte[Long.BYTES];

    /** The checksum {@code data} should hold at {@code at} for frame {@code frameNumber}. */
    int compute(MemorySegment data, long at, long frameNumber) {
        if (at < 0 || at > data.byteSize() - BYTES) {
            throw new IllegalArgumentException("checksum outside the data: at=" + at + ", byteSize="
                + data.byteSize());
        }
        crc.reset();
        crc.update(data.asSlice(0, at).asByteBuffer());
        crc.update(data.asSlice(at + BYTES).asByteBuffer());
        for (int i = 0; i < Long.BYTES; i++) {
            frameBytes[i] = (byte) (frameNumber >>> 8 * i);
        }
        crc.update(frameBytes, 0, Long.BYTES);
        return (int) crc.getValue();
    }

    /** The checksum stored in {@code data} at {@code at}. */
    static int read(MemorySegment data, long at) {
        return data.get(INT, at);
    }

    /** Stores {@code checksum} in {@code data} at {@code at}. */
    static void write(MemorySegment data, long at, int checksum) {
        data.set(INT, at, checksum);
    }

    /** True when {@code data} holds the checksum of frame {@code frameNumber}. */
    boolean matches(MemorySegment data, long at, long frameNumber) {
        int expected = compute(data, at, frameNumber);
        return read(data, at) == expected;
    }
}
