package io.sluice.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Walks a message by its definition: where it ends (checked against the segment), its default bytes, and moving
 * the bytes after a field that changes size.
 *
 * <p>Changing the size of a string or sequence in place cannot just shift the bytes after it: every primitive is
 * aligned to its size counted from the start of the body, so a shift by a length that is not a multiple of 8 changes
 * the padding in front of later fields. {@link #relayout} therefore lists the later <em>items</em> (a primitive, a
 * string, a count word, the block of a primitive array, the byte of an empty message) with their old offsets and
 * alignments, gives each a new offset as a writer would, joins neighbours that move by the same distance into runs,
 * and moves the runs: last first when the message grows (every item moves right, so no run overwrites one not yet
 * moved), first first when it shrinks. New padding is zeroed, so the bytes equal those of a writer that wrote the
 * message from scratch (padding inside a run moves along as it was).
 */
public final class CdrLayout {
    private static final byte[] NO_BYTES = {};
    /** What {@link #zero} copies from. */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[4096]);
    /** Runs to move: old offset, length, new offset; runs of items that move by the same distance. */
    private long[] items = new long[48];
    private int itemCount;
    /** During {@link #relayout}: where the next item goes. */
    private long cursor;
    /** During {@link #relayout}: where the message's room ends. */
    private long limit;

    /** A reusable walker: its item buffer grows once and is kept, so relayouts allocate nothing after warm-up. */
    public CdrLayout() {
    }

    /**
     * The end of the message of type {@code definition} starting at {@code at}; every length is checked against
     * {@code limit}, where the whole message ends.
     */
    public static long end(MsgDefinition definition, MemorySegment m, long limit, long at) {
        if (definition.fields().isEmpty()) {
            Cdr.check(limit, at, 1, definition.name(), "(empty)");
            return at + 1;
        }
        long p = at;
        List<MsgField> fields = definition.fields();
        for (int i = 0; i < fields.size(); i++) { // indexed: no iterator on the publish path
            MsgField field = fields.get(i);
            p = fieldEnd(definition, field, m, limit, p);
        }
        return p;
    }

    /** The end of {@code field} of {@code owner} starting at {@code at} in a message that ends at {@code limit}. */
    public static long fieldEnd(MsgDefinition owner, MsgField field, MemorySegment m, long limit, long at) {
        String type = owner.name();
        String name = field.name();
        long p = at;
        int count;
        switch (field.array()) {
            case NONE -> {
                return valueEnd(owner, field, m, limit, p);
            }
            case FIXED -> count = field.arrayLength();
            default -> {
                p = Cdr.align(p, 4);
                count = Cdr.count(m, limit, p, minSize(field), type, name);
                if (field.arrayLength() > 0 && count > field.arrayLength()) {
                    throw new MalformedMessageException(type, name, p, "sequence of " + count
                        + " elements above its bound " + field.arrayLength());
                }
                p += 4;
                if (count == 0) {
                    return p;
                }
            }
        }
        if (field.isPrimitive() && field.primitive().fixedSize()) {
            int size = field.primitive().size();
            long start = Cdr.align(p, size);
            long end = start + (long) count * size;
            if (end > limit || end < start) {
                throw new MalformedMessageException(type, name, start, count + " elements of " + size
                    + " bytes run past the end of the message at " + limit);
            }
            return end;
        }
        for (int i = 0; i < count; i++) {
            p = valueEnd(owner, field, m, limit, p);
        }
        return p;
    }

    private static long valueEnd(MsgDefinition owner, MsgField field, MemorySegment m, long limit, long at) {
        if (field.message() != null) {
            return end(field.message(), m, limit, at);
        }
        Primitive primitive = field.primitive();
        if (primitive.fixedSize()) {
            long start = Cdr.align(at, primitive.size());
            Cdr.check(limit, start, primitive.size(), owner.name(), field.name());
            return start + primitive.size();
        }
        long start = Cdr.align(at, 4);
        if (primitive == Primitive.WSTRING) {
            int count = Cdr.count(m, limit, start, 2, owner.name(), field.name());
            return Cdr.align(start + 4, 2) + 2L * count;
        }
        long end = Cdr.stringEnd(m, limit, start, owner.name(), field.name());
        if (field.stringBound() > 0 && Cdr.stringBytes(m, start) > field.stringBound()) {
            throw new MalformedMessageException(owner.name(), field.name(), start, "string of "
                + Cdr.stringBytes(m, start) + " bytes above its bound " + field.stringBound());
        }
        return end;
    }

    /** Fewest bytes one element of {@code field} can take, to reject absurd counts before walking them. */
    static long minSize(MsgField field) {
        if (field.message() != null) {
            return 1;
        }
        return field.primitive().fixedSize() ? field.primitive().size() : 4;
    }

    // ---------------------------------------------------------------------------------------------------- defaults

    /** Where a default message of type {@code definition} written at {@code at} would end. */
    public static long defaultEnd(MsgDefinition definition, long at) {
        return writeDefault(definition, null, at);
    }

    /**
     * Writes the default message of type {@code definition} at {@code at} (the defaults the schema gives, else
     * zeros, empty strings and sequences, fixed arrays of defaults) and returns its end. With a {@code null} segment
     * it only computes the end.
     */
    public static long writeDefault(MsgDefinition definition, MemorySegment m, long at) {
        if (definition.fields().isEmpty()) {
            put(m, at, (byte) 0);
            return at + 1;
        }
        long p = at;
        List<MsgField> fields = definition.fields();
        for (int i = 0; i < fields.size(); i++) { // indexed: no iterator on the publish path
            MsgField field = fields.get(i);
            p = writeDefault(field, m, p, -1);
        }
        return p;
    }

    /**
     * Writes {@code count} plain elements of {@code field} at {@code at} (zeros, empty strings, default messages),
     * or with {@code count = -1} the field's default as the schema gives it (a value, a fixed array, a sequence with
     * its count), and returns the end.
     */
    public static long writeDefault(MsgField field, MemorySegment m, long at, int count) {
        long p = at;
        List<Object> values = null;
        if (count < 0) {
            values = defaults(field);
            if (field.array() == MsgField.Array.SEQUENCE) {
                count = values == null ? 0 : values.size();
                p = Cdr.align(p, 4);
                zeroPadding(m, at, p);
                if (m != null) {
                    m.set(Cdr.INT, p, count);
                }
                p += 4;
            } else {
                count = field.array() == MsgField.Array.FIXED ? field.arrayLength() : 1;
            }
        }
        if (count == 0) {
            return p;
        }
        if (field.message() != null) {
            for (int i = 0; i < count; i++) {
                p = writeDefault(field.message(), m, p);
            }
            return p;
        }
        Primitive primitive = field.primitive();
        if (primitive.fixedSize()) {
            int size = primitive.size();
            long start = Cdr.align(p, size);
            zeroPadding(m, p, start);
            long end = start + (long) count * size;
            if (m != null) {
                zero(m, start, end);
                for (int i = 0; values != null && i < count; i++) {
                    putScalar(m, start + (long) i * size, primitive, values.get(i));
                }
            }
            return end;
        }
        for (int i = 0; i < count; i++) {
            byte[] text = values == null ? NO_BYTES : ((String) values.get(i)).getBytes(StandardCharsets.UTF_8);
            long start = Cdr.align(p, 4);
            zeroPadding(m, p, start);
            if (m != null) {
                m.set(Cdr.INT, start, text.length + 1);
                MemorySegment.copy(text, 0, m, ValueLayout.JAVA_BYTE, start + 4, text.length);
                m.set(ValueLayout.JAVA_BYTE, start + 4 + text.length, (byte) 0);
            }
            p = start + 4 + text.length + 1;
        }
        return p;
    }

    /** The values the schema gives {@code field} by default, one per element, or {@code null}. */
    private static List<Object> defaults(MsgField field) {
        if (field.defaultValue() == null || field.message() != null) {
            return null;
        }
        try {
            return field.array() == MsgField.Array.NONE
                ? List.of(MsgLiteral.scalar(field.primitive(), field.stringBound(), field.defaultValue()))
                : MsgLiteral.array(field.primitive(), field.stringBound(), field.defaultValue());
        } catch (IllegalArgumentException e) {
            throw new SchemaException("bad default value of " + field.name() + ": " + e.getMessage());
        }
    }

    private static void putScalar(MemorySegment m, long at, Primitive primitive, Object value) {
        switch (primitive) {
            case BOOL -> m.set(ValueLayout.JAVA_BYTE, at, (byte) ((Boolean) value ? 1 : 0));
            case BYTE, CHAR, INT8, UINT8 -> m.set(ValueLayout.JAVA_BYTE, at, (byte) (long) (Long) value);
            case INT16, UINT16 -> m.set(Cdr.SHORT, at, (short) (long) (Long) value);
            case INT32, UINT32 -> m.set(Cdr.INT, at, (int) (long) (Long) value);
            case INT64, UINT64 -> m.set(Cdr.LONG, at, (Long) value);
            case FLOAT32 -> m.set(Cdr.FLOAT, at, (float) (double) (Double) value);
            case FLOAT64 -> m.set(Cdr.DOUBLE, at, (Double) value);
            default -> throw new IllegalArgumentException(primitive.name());
        }
    }

    private static void put(MemorySegment m, long at, byte value) {
        if (m != null) {
            m.set(ValueLayout.JAVA_BYTE, at, value);
        }
    }

    private static void zeroPadding(MemorySegment m, long from, long to) {
        if (m != null) {
            zero(m, from, to);
        }
    }

    /** Zeroes bytes {@code [from, to)} of {@code m} without allocating (a slice to fill would be an object). */
    static void zero(MemorySegment m, long from, long to) {
        for (long at = from; at < to; at += ZEROS.byteSize()) {
            MemorySegment.copy(ZEROS, 0, m, at, Math.min(ZEROS.byteSize(), to - at));
        }
    }

    // ---------------------------------------------------------------------------------------------------- relayout

    /**
     * Moves everything after {@code oldEnd} so that it follows {@code newEnd}, re-aligned, in the message of type
     * {@code root} held by {@code m} (a whole message, from its encapsulation header, in the first {@code limit}
     * bytes: its loan). Call it before changing the field that ends at {@code oldEnd}: the message must still be
     * valid.
     *
     * @return the new end of the message
     * @throws IllegalStateException when the message would no longer fit in its {@code limit} bytes
     */
    public long relayout(MsgDefinition root, MemorySegment m, long limit, long oldEnd, long newEnd) {
        itemCount = 0;
        cursor = newEnd;
        this.limit = limit;
        collect(root, m, Cdr.body(m, limit, root.name()), oldEnd);
        if (cursor > limit) {
            throw new IllegalStateException("message of type " + root.name() + " would need " + cursor
                + " bytes, its loan has " + limit + ": loan a larger shape");
        }
        if (newEnd > oldEnd) {
            for (int i = itemCount - 1; i >= 0; i--) {
                move(m, i);
            }
        } else {
            for (int i = 0; i < itemCount; i++) {
                move(m, i);
            }
        }
        long previous = newEnd;
        for (int i = 0; i < itemCount; i++) {
            zeroPadding(m, previous, items[3 * i + 2]);
            previous = items[3 * i + 2] + items[3 * i + 1];
        }
        return cursor; // the bytes after the new end are no longer part of the message: left as they are
    }

    private void move(MemorySegment m, int i) {
        long from = items[3 * i];
        long length = items[3 * i + 1];
        long to = items[3 * i + 2];
        if (from != to && length > 0) {
            MemorySegment.copy(m, from, m, to, length);
        }
    }

    private long collect(MsgDefinition definition, MemorySegment m, long at, long from) {
        if (definition.fields().isEmpty()) {
            add(at, 1, 1, from);
            return at + 1;
        }
        long p = at;
        List<MsgField> fields = definition.fields();
        for (int i = 0; i < fields.size(); i++) { // indexed: no iterator on the publish path
            MsgField field = fields.get(i);
            p = collect(definition, field, m, p, from);
        }
        return p;
    }

    private long collect(MsgDefinition owner, MsgField field, MemorySegment m, long at, long from) {
        if (at < from) {
            long end = fieldEnd(owner, field, m, limit, at);
            if (end <= from) {
                return end; // wholly before the change: nothing to move
            }
        }
        int count = 1;
        long p = at;
        if (field.array() == MsgField.Array.FIXED) {
            count = field.arrayLength();
        } else if (field.array() == MsgField.Array.SEQUENCE) {
            p = Cdr.align(p, 4);
            count = Cdr.count(m, limit, p, minSize(field), owner.name(), field.name());
            add(p, 4, 4, from);
            p += 4;
            if (count == 0) {
                return p;
            }
        }
        if (field.message() != null) {
            for (int i = 0; i < count; i++) {
                p = collect(field.message(), m, p, from);
            }
            return p;
        }
        Primitive primitive = field.primitive();
        if (primitive.fixedSize()) {
            long start = Cdr.align(p, primitive.size());
            long length = (long) count * primitive.size();
            Cdr.check(limit, start, length, owner.name(), field.name());
            add(start, length, primitive.size(), from);
            return start + length;
        }
        for (int i = 0; i < count; i++) {
            long start = Cdr.align(p, 4);
            long end = primitive == Primitive.WSTRING
                ? Cdr.align(start + 4, 2) + 2L * Cdr.count(m, limit, start, 2, owner.name(), field.name())
                : Cdr.stringEnd(m, limit, start, owner.name(), field.name());
            add(start, end - start, 4, from);
            p = end;
        }
        return p;
    }

    /**
     * Gives the item at {@code offset} its new place after the ones before it and records it; an item that moves by
     * the same distance as the one before joins its run (the padding between them moves along, unchanged), so a
     * change by a multiple of 8 bytes moves the whole rest of the message in one copy, and a long array of
     * structures in a few.
     */
    private void add(long offset, long length, int alignment, long from) {
        if (offset < from) {
            return;
        }
        long start = Cdr.align(cursor, alignment);
        cursor = start + length;
        if (itemCount > 0) {
            int last = 3 * (itemCount - 1);
            if (start - offset == items[last + 2] - items[last]) {
                items[last + 1] = offset + length - items[last];
                return;
            }
        }
        if (3 * itemCount + 3 > items.length) {
            items = Arrays.copyOf(items, items.length * 2);
        }
        items[3 * itemCount] = offset;
        items[3 * itemCount + 1] = length;
        items[3 * itemCount + 2] = start;
        itemCount++;
    }
}
