package io.sluice.record;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A growable little-endian byte buffer on the heap in which records are put together before they are written:
 * small records, the summary, and the records of a chunk that is compressed. Reused; never shrinks.
 */
final class RecordBuffer {
    /** The most a buffer holds: a Java array's limit, with room to spare. */
    static final int MAX_SIZE = Integer.MAX_VALUE - 64;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private byte[] bytes;
    private MemorySegment segment;
    private int size;

    RecordBuffer(int capacity) {
        bytes = new byte[capacity];
        segment = MemorySegment.ofArray(bytes);
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    byte[] array() {
        return bytes;
    }

    /** The bytes written so far, as a heap buffer positioned at 0 (a new view each call). */
    ByteBuffer byteBuffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    /** Makes room for {@code extra} more bytes, written later through {@link #array()}; returns where they start. */
    int append(long extra) {
        return grow(extra);
    }

    /** Drops what was appended after the first {@code size} bytes. */
    void truncate(int size) {
        if (size < 0 || size > this.size) {
            throw new IllegalArgumentException("truncate to " + size + " of " + this.size + " bytes");
        }
        this.size = size;
    }

    /** An output stream that appends to this buffer. */
    java.io.OutputStream asOutputStream() {
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                u8(b);
            }

            @Override
            public void write(byte[] source, int offset, int length) {
                int at = grow(length);
                System.arraycopy(source, offset, bytes, at, length);
            }
        };
    }

    /** Makes room for {@code extra} more bytes; returns where they start. */
    private int grow(long extra) {
        long end = size + extra;
        if (end > MAX_SIZE) {
            throw new IllegalStateException("record buffer over its limit: size=" + size + ", extra=" + extra
                + ", limit=" + MAX_SIZE);
        }
        if (end > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_SIZE, Math.max(end, 2L * bytes.length)));
            segment = MemorySegment.ofArray(bytes);
        }
        int at = size;
        size = (int) end;
        return at;
    }

    // each writer grows first and then reads the fields: a growth replaces `bytes` and `segment`

    RecordBuffer u8(int value) {
        int at = grow(1);
        bytes[at] = (byte) value;
        return this;
    }

    RecordBuffer u16(int value) {
        int at = grow(2);
        segment.set(U16, at, (short) value);
        return this;
    }

    RecordBuffer u32(long value) {
        int at = grow(4);
        segment.set(U32, at, (int) value);
        return this;
    }

    RecordBuffer u64(long value) {
        int at = grow(8);
        segment.set(U64, at, value);
        return this;
    }

    /** A String: its UTF-8 length (u32), then the bytes. */
    RecordBuffer string(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        u32(utf8.length);
        return bytes(utf8);
    }

    RecordBuffer bytes(byte[] value) {
        int at = grow(value.length);
        System.arraycopy(value, 0, bytes, at, value.length);
        return this;
    }

    RecordBuffer bytes(MemorySegment value) {
        long length = value.byteSize();
        int at = grow(length);
        MemorySegment.copy(value, 0, segment, at, length);
        return this;
    }

    /** A {@code Map<string, string>}: its byte length (u32), then key and value of each entry. */
    RecordBuffer stringMap(Map<String, String> map) {
        int lengthAt = grow(4);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            string(entry.getKey());
            string(entry.getValue());
        }
        segment.set(U32, lengthAt, size - lengthAt - 4);
        return this;
    }

    /** A {@code Map<uint16, uint64>}: its byte length (u32), then each key and value. */
    RecordBuffer u16u64Map(Map<Integer, Long> map) {
        u32(10L * map.size());
        for (Map.Entry<Integer, Long> entry : map.entrySet()) {
            u16(entry.getKey());
            u64(entry.getValue());
        }
        return this;
    }

    /** Starts a record: its opcode and room for its length, filled in by {@link #endRecord}; returns its start. */
    int beginRecord(int opcode) {
        int at = size;
        u8(opcode);
        u64(0);
        return at;
    }

    void endRecord(int recordStart) {
        segment.set(U64, recordStart + 1, (long) size - recordStart - Mcap.RECORD_PREFIX);
    }
}
