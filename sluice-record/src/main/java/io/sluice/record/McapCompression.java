package io.sluice.record;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * How the records of a chunk are stored: as they are (rosbag2's default), or compressed with zstd (one zstd frame,
 * zstd-jni) or lz4 (the LZ4 frame format, lz4-java), the two compressions the MCAP specification names.
 */
public enum McapCompression {
    /** Stored as they are: a message goes from shared memory to the file without another copy. */
    NONE(""),
    /** One zstd frame per chunk. */
    ZSTD("zstd"),
    /** One LZ4 frame per chunk. */
    LZ4("lz4");

    private final String wireName;

    McapCompression(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the Chunk record: {@code ""}, {@code zstd} or {@code lz4}. */
    public String wireName() {
        return wireName;
    }

    /** The compression a Chunk record names, or null when Sluice does not know it. */
    static McapCompression ofWireName(String name) {
        for (McapCompression compression : values()) {
            if (compression.wireName.equals(name)) {
                return compression;
            }
        }
        return null;
    }

    /**
     * Compresses {@code length} bytes of {@code source} into {@code target} (cleared first), at {@code level}
     * (zstd's level; ignored by lz4).
     */
    void compress(byte[] source, int length, RecordBuffer target, int level) {
        target.clear();
        switch (this) {
            case NONE -> target.bytes(MemorySegment.ofArray(source).asSlice(0, length));
            case ZSTD -> {
                long bound = Zstd.compressBound(length);
                int at = target.append(bound); // compressed straight into the reused buffer
                long written = Zstd.compressByteArray(target.array(), at, (int) bound, source, 0, length, level);
                target.truncate(at + (int) written);
            }
            case LZ4 -> {
                try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(target.asOutputStream(),
                    LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB)) {
                    lz4.write(source, 0, length);
                } catch (IOException e) {
                    throw new IllegalStateException("lz4 compression of " + length + " bytes in memory failed", e);
                }
            }
        }
    }

    /**
     * Decompresses {@code stored} into a new segment of exactly {@code uncompressedSize} bytes. The memory taken grows
     * with what the frame really yields, never up front from the size the file claims: a crafted size of 2 GiB over
     * a frame of a few bytes costs a few bytes.
     *
     * @throws IllegalArgumentException when the stored bytes are not a valid frame of that size (the caller names the
     *         file, offset and record)
     */
    MemorySegment decompress(MemorySegment stored, long uncompressedSize) {
        if (uncompressedSize < 0 || uncompressedSize > RecordBuffer.MAX_SIZE) {
            throw new IllegalArgumentException("uncompressed size " + Long.toUnsignedString(uncompressedSize)
                + " over the reader's limit " + RecordBuffer.MAX_SIZE);
        }
        if (this == NONE) {
            if (stored.byteSize() != uncompressedSize) {
                throw new IllegalArgumentException("uncompressed records of " + stored.byteSize()
                    + " bytes where the chunk says " + uncompressedSize);
            }
            return stored;
        }
        int size = (int) uncompressedSize;
        try (InputStream frame = this == ZSTD ? new ZstdInputStreamNoFinalizer(new SegmentInputStream(stored))
            : new LZ4FrameInputStream(new SegmentInputStream(stored))) {
            byte[] out = new byte[Math.min(size, 1 << 20)];
            int filled = 0;
            while (true) {
                if (filled == out.length) {
                    if (filled == size) {
                        if (frame.read() != -1) {
                            throw new IllegalArgumentException(wireName + " frame of more than " + size
                                + " bytes where the chunk says " + size);
                        }
                        return MemorySegment.ofArray(out);
                    }
                    out = Arrays.copyOf(out, (int) Math.min(size, 2L * out.length));
                }
                int read = frame.read(out, filled, out.length - filled);
                if (read < 0) {
                    throw new IllegalArgumentException(wireName + " frame of " + filled + " bytes where the chunk says "
                        + size);
                }
                filled += read;
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // ZstdIOException, LZ4Exception, or worse on bytes that are no frame
            throw new IllegalArgumentException(wireName + ": " + e.getMessage(), e);
        }
    }

    /** Reads a memory segment as a stream (the lz4 frame reader wants one). */
    private static final class SegmentInputStream extends InputStream {
        private final ByteBuffer buffer;

        SegmentInputStream(MemorySegment segment) {
            this.buffer = segment.asByteBuffer();
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(length, buffer.remaining());
            buffer.get(target, offset, n);
            return n;
        }
    }
}
