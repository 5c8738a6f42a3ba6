package io.sluice.record;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields of one record, little endian, never past the record's end: every field that would run past it
 * throws {@link McapFormatException} naming the file, the record and where it starts. A record inside a chunk is
 * named by the chunk's offset in the file and its own offset in the chunk's (uncompressed) records.
 */
final class RecordCursor {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment memory;
    private final long fileOffset;
    private final String where;
    private final String record;
    private final int opcode;
    private long position;
    private final long end;

    /**
     * @param memory     what holds the record (the mapped file, or a chunk's records)
     * @param start      where the record's content starts in {@code memory}
     * @param end        where it ends
     * @param fileOffset where the record starts in the file (or its chunk does), for errors
     * @param where      {@code ""} for a record of the file, or {@code " in the chunk at offset N, at offset M of its
     *                   records"}
     */
    RecordCursor(Path file, MemorySegment memory, long start, long end, long fileOffset, String where, int opcode) {
        this.file = file;
        this.memory = memory;
        this.position = start;
        this.end = end;
        this.fileOffset = fileOffset;
        this.where = where;
        this.opcode = opcode;
        this.record = Mcap.recordName(opcode);
    }

    McapFormatException error(String problem) {
        return new McapFormatException(file, fileOffset, record, problem + where);
    }

    long remaining() {
        return end - position;
    }

    private long take(long size, String field) throws McapFormatException {
        if (size < 0 || size > end - position) {
            throw error("field " + field + " runs past the end of the record (needs " + Long.toUnsignedString(size)
                + " bytes, " + (end - position) + " left)");
        }
        long at = position;
        position += size;
        return at;
    }

    int u8(String field) throws McapFormatException {
        return memory.get(ValueLayout.JAVA_BYTE, take(1, field)) & 0xFF;
    }

    int u16(String field) throws McapFormatException {
        return memory.get(U16, take(2, field)) & 0xFFFF;
    }

    long u32(String field) throws McapFormatException {
        return memory.get(U32, take(4, field)) & 0xFFFF_FFFFL;
    }

    long u64(String field) throws McapFormatException {
        return memory.get(U64, take(8, field));
    }

    /** {@code size} bytes as a slice (no copy). */
    MemorySegment bytes(long size, String field) throws McapFormatException {
        return memory.asSlice(take(size, field), size);
    }

    /** The rest of the record as a slice. */
    MemorySegment rest() {
        MemorySegment slice = memory.asSlice(position, end - position);
        position = end;
        return slice;
    }

    /** A u32-prefixed byte string. */
    byte[] prefixedBytes(String field) throws McapFormatException {
        long size = u32(field + " length");
        return bytes(size, field).toArray(ValueLayout.JAVA_BYTE);
    }

    String string(String field) throws McapFormatException {
        byte[] utf8 = prefixedBytes(field);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw error("field " + field + " is not valid UTF-8");
        }
    }

    /** A {@code Map<string, string>}; a key or value running past the map's end is reported as past the record's. */
    Map<String, String> stringMap(String field) throws McapFormatException {
        long size = u32(field + " length");
        long mapStart = take(size, field);
        RecordCursor entries = new RecordCursor(file, memory, mapStart, mapStart + size, fileOffset, where, opcode);
        Map<String, String> map = new LinkedHashMap<>();
        while (entries.remaining() > 0) {
            String key = entries.string(field + " key");
            map.put(key, entries.string(field + " value"));
        }
        return Collections.unmodifiableMap(map);
    }

    Map<Integer, Long> u16u64Map(String field) throws McapFormatException {
        long size = u32(field + " length");
        if (size % 10 != 0) {
            throw error("field " + field + " has a length of " + size + " bytes, not a multiple of 10");
        }
        Map<Integer, Long> map = new LinkedHashMap<>();
        for (long i = 0; i < size / 10; i++) {
            int key = u16(field + " key");
            map.put(key, u64(field + " value"));
        }
        return Collections.unmodifiableMap(map);
    }
}
