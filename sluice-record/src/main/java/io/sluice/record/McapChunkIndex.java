package io.sluice.record;

import java.util.Map;

/**
 * A Chunk Index record of a file's summary: where a chunk and its message indexes lie.
 *
 * @param messageStartTime    the earliest log time in the chunk, ns (0 without messages)
 * @param messageEndTime      the latest log time in the chunk, ns (0 without messages)
 * @param chunkStartOffset    where the Chunk record starts in the file
 * @param chunkLength         the Chunk record's length, opcode and length prefix included
 * @param messageIndexOffsets for each channel id in the chunk, where its Message Index record starts in the file
 * @param messageIndexLength  the length of the Message Index records after the chunk
 * @param compression         {@code ""}, {@code zstd} or {@code lz4}
 * @param compressedSize      the length of the chunk's records as stored
 * @param uncompressedSize    the length of the chunk's records uncompressed
 */
public record McapChunkIndex(long messageStartTime, long messageEndTime, long chunkStartOffset, long chunkLength,
                             Map<Integer, Long> messageIndexOffsets, long messageIndexLength, String compression,
                             long compressedSize, long uncompressedSize) {
    public McapChunkIndex {
        messageIndexOffsets = Map.copyOf(messageIndexOffsets);
    }
}
