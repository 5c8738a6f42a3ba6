package io.sluice.record;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;

/** Parsing the records both readers share: Schema, Channel, Message, Chunk, and walking a run of records. */
final class McapRecords {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private McapRecords() {
    }

    /** The Schema record's fields; null for id 0, which readers ignore (the specification says so). */
    static McapSchema schema(RecordCursor cursor) throws McapFormatException {
        int id = cursor.u16("id");
        String name = cursor.string("name");
        String encoding = cursor.string("encoding");
        byte[] data = cursor.prefixedBytes("data");
        return id == 0 ? null : new McapSchema(id, name, encoding, data);
    }

    static McapChannel channel(RecordCursor cursor) throws McapFormatException {
        int id = cursor.u16("id");
        int schemaId = cursor.u16("schema_id");
        String topic = cursor.string("topic");
        String encoding = cursor.string("message_encoding");
        return new McapChannel(id, schemaId, topic, encoding, cursor.stringMap("metadata"));
    }

    /**
     * The Message record's fields, on a channel {@code channels} already knows; its data is the rest of the record,
     * read only.
     */
    static McapMessage message(RecordCursor cursor, Map<Integer, McapChannel> channels) throws McapFormatException {
        int channelId = cursor.u16("channel_id");
        long sequence = cursor.u32("sequence");
        long logTime = cursor.u64("log_time");
        long publishTime = cursor.u64("publish_time");
        McapChannel channel = channels.get(channelId);
        if (channel == null) {
            throw cursor.error("message on channel " + channelId + ", which no Channel record before it defines");
        }
        return new McapMessage(channel, sequence, logTime, publishTime, cursor.rest().asReadOnly());
    }

    /** A Chunk record's fields up to and including its stored records. */
    record Chunk(long messageStartTime, long messageEndTime, long uncompressedSize, long uncompressedCrc,
                 String compression, MemorySegment stored) {
    }

    static Chunk chunk(RecordCursor cursor) throws McapFormatException {
        long start = cursor.u64("message_start_time");
        long end = cursor.u64("message_end_time");
        long uncompressedSize = cursor.u64("uncompressed_size");
        long crc = cursor.u32("uncompressed_crc");
        String compression = cursor.string("compression");
        long storedSize = cursor.u64("records length");
        MemorySegment stored = cursor.bytes(storedSize, "records");
        return new Chunk(start, end, uncompressedSize, crc, compression, stored);
    }

    /**
     * The chunk's records, uncompressed, their CRC checked when the chunk carries one.
     *
     * @param cursor the cursor the chunk was read with (errors are reported in its name)
     */
    static MemorySegment records(RecordCursor cursor, Chunk chunk) throws McapFormatException {
        McapCompression compression = McapCompression.ofWireName(chunk.compression());
        if (compression == null) {
            throw cursor.error("unknown compression '" + chunk.compression() + "' (Sluice reads '', zstd and lz4)");
        }
        MemorySegment records;
        if (compression == McapCompression.NONE) {
            if (chunk.stored().byteSize() != chunk.uncompressedSize()) {
                throw cursor.error("uncompressed records of " + chunk.stored().byteSize()
                    + " bytes where uncompressed_size says " + Long.toUnsignedString(chunk.uncompressedSize()));
            }
            records = chunk.stored();
        } else {
            try {
                records = compression.decompress(chunk.stored(), chunk.uncompressedSize());
            } catch (IllegalArgumentException e) {
                throw cursor.error("records do not decompress: " + e.getMessage());
            }
        }
        if (chunk.uncompressedCrc() != 0) {
            long actual = crc(records);
            if (actual != chunk.uncompressedCrc()) {
                throw cursor.error(String.format("bad CRC of the records: 0x%08x where the chunk says 0x%08x", actual,
                    chunk.uncompressedCrc()));
            }
        }
        return records;
    }

    static long crc(MemorySegment bytes) {
        CRC32 crc = new CRC32();
        long step = 1L << 30;
        for (long at = 0; at < bytes.byteSize(); at += step) {
            crc.update(bytes.asSlice(at, Math.min(step, bytes.byteSize() - at)).asByteBuffer());
        }
        return crc.getValue();
    }

    /** What a walk over a run of records does with each. */
    interface RecordVisitor {
        /**
         * @param opcode the record's opcode
         * @param at     where the record starts in the walked memory
         * @param cursor over its content
         */
        void record(int opcode, long at, RecordCursor cursor) throws IOException;
    }

    /**
     * Walks the records in {@code memory[start, end)}, each of which must lie wholly inside.
     *
     * @param chunkOffset the offset of the chunk whose records these are, or -1 for records of the file itself
     */
    static void walk(Path file, MemorySegment memory, long start, long end, long chunkOffset, RecordVisitor visitor)
        throws IOException {
        long at = start;
        while (at < end) {
            long fileOffset = chunkOffset < 0 ? at : chunkOffset;
            String where = chunkOffset < 0 ? "" : " (at offset " + (at - start) + " of the records of the chunk)";
            if (end - at < Mcap.RECORD_PREFIX) {
                throw new McapFormatException(file, fileOffset, "truncated", (end - at)
                    + " bytes left, too few for a record's opcode and length" + where);
            }
            int opcode = memory.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
            long length = memory.get(U64, at + 1);
            long contentStart = at + Mcap.RECORD_PREFIX;
            if (length < 0 || length > end - contentStart) {
                throw new McapFormatException(file, fileOffset, Mcap.recordName(opcode), "length "
                    + Long.toUnsignedString(length) + " runs past the end (" + (end - contentStart) + " bytes left)"
                    + where);
            }
            if (opcode == 0) {
                throw new McapFormatException(file, fileOffset, Mcap.recordName(opcode), "opcode 0 is no record"
                    + where);
            }
            visitor.record(opcode, at, new RecordCursor(file, memory, contentStart, contentStart + length, fileOffset,
                where, opcode));
            at = contentStart + length;
        }
    }
}
