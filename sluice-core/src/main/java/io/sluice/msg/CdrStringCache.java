package io.sluice.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Reads a CDR string field without allocating when it holds the same bytes as last time (an encoding, a frame id):
 * the bytes are compared with those of the last string read and its {@link String} is returned again. A flyweight
 * keeps one per string field.
 *
 * <p>The last value is one immutable object held in one field, so a reader on another thread sees an old or a new
 * pair, never a mix; either is correct because the bytes are compared before the string is used.
 */
public final class CdrStringCache {
    private static final Entry EMPTY = new Entry(new byte[0], "");

    private Entry last = EMPTY;

    /**
     * Reads the string whose length prefix is at {@code at} (aligned) in a message that ends at {@code limit},
     * checking it as {@link Cdr#stringEnd} does.
     */
    public String read(MemorySegment message, long limit, long at, String type, String field) {
        Cdr.stringEnd(message, limit, at, type, field);
        int length = Cdr.stringBytes(message, at);
        Entry entry = last;
        if (entry.bytes.length == length
            && MemorySegment.mismatch(message, at + 4, at + 4 + length, entry.segment, 0, length) < 0) {
            return entry.value;
        }
        byte[] bytes = message.asSlice(at + 4, length).toArray(ValueLayout.JAVA_BYTE);
        entry = new Entry(bytes, new String(bytes, StandardCharsets.UTF_8));
        last = entry;
        return entry.value;
    }

    private static final class Entry {
        final byte[] bytes;
        final MemorySegment segment;
        final String value;

        Entry(byte[] bytes, String value) {
            this.bytes = bytes;
            this.segment = MemorySegment.ofArray(bytes);
            this.value = value;
        }
    }
}
