package io.sluice.record;

import java.util.Objects;

/**
 * Settings of one {@link McapWriter}. Immutable; start from {@link #defaults()}.
 *
 * @param compression      how chunks are stored (default {@link McapCompression#NONE}, as rosbag2)
 * @param compressionLevel zstd's level, 1 (fastest, default) to 22; ignored by the others
 * @param chunkSize        a chunk is closed once its records reach this many bytes (default 768 KiB, as MCAP's C++
 *                         writer); a message larger than that gets a chunk of its own
 * @param crc              whether the chunks, the data section and the summary carry CRC-32s (default true; false
 *                         writes 0, "not available")
 * @param library          the Header record's {@code library} field
 */
public record McapWriterOptions(McapCompression compression, int compressionLevel, long chunkSize, boolean crc,
                                String library) {
    public static final long DEFAULT_CHUNK_SIZE = 768 * 1024;

    public McapWriterOptions {
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(library, "library");
        if (compressionLevel < 1 || compressionLevel > 22) {
            throw new IllegalArgumentException("compressionLevel out of range [1, 22]: compressionLevel="
                + compressionLevel);
        }
        if (chunkSize < 1 || chunkSize > RecordBuffer.MAX_SIZE / 2) {
            throw new IllegalArgumentException("chunkSize out of range [1, " + RecordBuffer.MAX_SIZE / 2
                + "]: chunkSize=" + chunkSize);
        }
    }

    public static McapWriterOptions defaults() {
        return new McapWriterOptions(McapCompression.NONE, 1, DEFAULT_CHUNK_SIZE, true, "sluice");
    }

    public McapWriterOptions withCompression(McapCompression compression) {
        return new McapWriterOptions(compression, compressionLevel, chunkSize, crc, library);
    }

    public McapWriterOptions withCompressionLevel(int compressionLevel) {
        return new McapWriterOptions(compression, compressionLevel, chunkSize, crc, library);
    }

    public McapWriterOptions withChunkSize(long chunkSize) {
        return new McapWriterOptions(compression, compressionLevel, chunkSize, crc, library);
    }

    public McapWriterOptions withCrc(boolean crc) {
        return new McapWriterOptions(compression, compressionLevel, chunkSize, crc, library);
    }

    public McapWriterOptions withLibrary(String library) {
        return new McapWriterOptions(compression, compressionLevel, chunkSize, crc, library);
    }
}
