package io.sluice.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Bounds-checked reads and writes of CDR values in a message segment, for flyweights (generated or not).
 *
 * <p>Layout (XCDR1, little endian, as ROS 2 writes it):
 * <pre>
 *  0        2        4
 *  +--------+--------+-------------------------------------------------+
 *  | kind   | options| body: each primitive aligned to its own size     |
 *  | 00 01  | 00 00  | (at most 8) counted from byte 4, not from byte 0 |
 *  +--------+--------+-------------------------------------------------+
 * </pre>
 * A string is a {@code uint32} byte count (terminator included), the UTF-8 bytes and a {@code 0}. A sequence is a
 * {@code uint32} element count, then the elements; primitive elements are aligned once, before the first one, and
 * an empty sequence aligns nothing (as Fast-CDR does). Nested messages add no alignment of their own. A message
 * without fields takes one byte.
 *
 * <p>Every read checks the value against the message's <em>limit</em> and raises {@link MalformedMessageException}
 * naming the type, the field and the offset. The limit is the message's length: a flyweight over a slot of shared
 * memory views the whole slot and re-points at each message by its length alone, so the bytes between the limit and
 * the end of the segment (what an earlier, longer message left there) are never read as part of the message. Nothing
 * here trusts a length read from the segment.
 */
public final class Cdr {
    /** Offset of the first body byte: alignment counts from here. */
    public static final long ORIGIN = 4;
    /** The encapsulation kind Sluice reads and writes: CDR, little endian. */
    public static final int CDR_LE = 0x0001;

    public static final ValueLayout.OfShort SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT =
        ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble DOUBLE =
        ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort KIND = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Cdr() {
    }

    /** {@code at} rounded up to a multiple of {@code alignment} counted from {@link #ORIGIN}. */
    public static long align(long at, int alignment) {
        return ((at - ORIGIN + alignment - 1) & -alignment) + ORIGIN;
    }

    /** Checks the encapsulation header of the message of {@code limit} bytes and returns where the body starts. */
    public static long body(MemorySegment message, long limit, String type) {
        if (limit < ORIGIN) {
            throw new MalformedMessageException(type, "(encapsulation)", 0,
                "message shorter than its 4-byte encapsulation header: size=" + limit);
        }
        short kind = message.get(KIND, 0);
        if (kind != CDR_LE) {
            String name = switch (kind) {
                case 0x0000 -> "CDR_BE: big endian is not supported";
                case 0x0002, 0x0003 -> "PL_CDR: parameter lists are not supported";
                case 0x0006, 0x0007, 0x0008, 0x0009, 0x000a, 0x000b -> "XCDR2: not supported, only XCDR1";
                default -> "unknown";
            };
            throw new MalformedMessageException(type, "(encapsulation)", 0,
                String.format("encapsulation kind 0x%04x (%s); expected 0x0001 (CDR_LE)", kind & 0xffff, name));
        }
        return ORIGIN;
    }

    /** Writes the CDR_LE encapsulation header. */
    public static void writeHeader(MemorySegment message) {
        message.set(KIND, 0, (short) CDR_LE);
        message.set(KIND, 2, (short) 0);
    }

    /**
     * Throws unless {@code size} bytes at {@code at} lie inside the message, which ends at {@code limit}.
     *
     * <p>Written as {@link java.util.Objects#checkIndex(long, long)}, which C2 compiles to one unsigned compare, as it
     * does the FFM access's own check behind it: two plain compares against the limit cost reading four fields of an
     * {@code Image} 6% more (22.5 against 21.2 ns, {@code MessageReadBenchmark.imageFields}), this 1.5%.
     */
    public static void check(long limit, long at, long size, String type, String field) {
        try {
            java.util.Objects.checkIndex(at - ORIGIN, limit - size - ORIGIN + 1); // a negative length fails every index
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedMessageException(type, field, at, "needs " + size + " bytes, message ends at " + limit);
        }
    }

    public static boolean getBool(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 1, type, field);
        return m.get(ValueLayout.JAVA_BYTE, at) != 0;
    }

    public static byte getByte(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 1, type, field);
        return m.get(ValueLayout.JAVA_BYTE, at);
    }

    public static short getShort(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 2, type, field);
        return m.get(SHORT, at);
    }

    public static int getInt(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 4, type, field);
        return m.get(INT, at);
    }

    public static long getLong(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 8, type, field);
        return m.get(LONG, at);
    }

    public static float getFloat(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 4, type, field);
        return m.get(FLOAT, at);
    }

    public static double getDouble(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 8, type, field);
        return m.get(DOUBLE, at);
    }

    public static void putBool(MemorySegment m, long limit, long at, boolean value, String type, String field) {
        check(limit, at, 1, type, field);
        m.set(ValueLayout.JAVA_BYTE, at, value ? (byte) 1 : 0);
    }

    public static void putByte(MemorySegment m, long limit, long at, byte value, String type, String field) {
        check(limit, at, 1, type, field);
        m.set(ValueLayout.JAVA_BYTE, at, value);
    }

    public static void putShort(MemorySegment m, long limit, long at, short value, String type, String field) {
        check(limit, at, 2, type, field);
        m.set(SHORT, at, value);
    }

    public static void putInt(MemorySegment m, long limit, long at, int value, String type, String field) {
        check(limit, at, 4, type, field);
        m.set(INT, at, value);
    }

    public static void putLong(MemorySegment m, long limit, long at, long value, String type, String field) {
        check(limit, at, 8, type, field);
        m.set(LONG, at, value);
    }

    public static void putFloat(MemorySegment m, long limit, long at, float value, String type, String field) {
        check(limit, at, 4, type, field);
        m.set(FLOAT, at, value);
    }

    public static void putDouble(MemorySegment m, long limit, long at, double value, String type, String field) {
        check(limit, at, 8, type, field);
        m.set(DOUBLE, at, value);
    }

    /**
     * The end of the string whose length prefix is at {@code at} (already aligned): checks the length against the
     * message's {@code limit} and the terminator. A length of 0 is read as the empty string, as Fast-CDR does.
     */
    public static long stringEnd(MemorySegment m, long limit, long at, String type, String field) {
        check(limit, at, 4, type, field);
        long length = Integer.toUnsignedLong(m.get(INT, at));
        if (length > limit - at - 4 || length > Integer.MAX_VALUE) {
            throw new MalformedMessageException(type, field, at, "string length " + length
                + " runs past the end of the message at " + limit);
        }
        if (length > 0 && m.get(ValueLayout.JAVA_BYTE, at + 4 + length - 1) != 0) {
            throw new MalformedMessageException(type, field, at, "string of length " + length
                + " without its terminating 0");
        }
        return at + 4 + length;
    }

    /** Bytes of the string at {@code at} without its terminator (the string must be valid: see {@link #stringEnd}). */
    public static int stringBytes(MemorySegment m, long at) {
        int length = m.get(INT, at);
        return length == 0 ? 0 : length - 1;
    }

    /**
     * Reads the {@code uint32} count of a sequence at {@code at} (already aligned) and checks that {@code count}
     * elements of at least {@code minElementSize} bytes each fit in the rest of the message, which ends at
     * {@code limit}.
     */
    public static int count(MemorySegment m, long limit, long at, long minElementSize, String type, String field) {
        check(limit, at, 4, type, field);
        long count = Integer.toUnsignedLong(m.get(INT, at));
        if (count > Integer.MAX_VALUE || count * minElementSize > limit - at - 4) {
            throw new MalformedMessageException(type, field, at, "sequence of " + count
                + " elements runs past the end of the message at " + limit);
        }
        return (int) count;
    }

    /** Where the elements of a primitive sequence start whose count is at {@code at}: aligned if there are any. */
    public static long elements(long at, int count, int elementSize) {
        return count == 0 ? at + 4 : align(at + 4, elementSize);
    }

    /**
     * The end of a primitive sequence at {@code at}: count, alignment, {@code count × elementSize} bytes, checked.
     */
    public static long sequenceEnd(MemorySegment m, long limit, long at, int elementSize, String type, String field) {
        int count = count(m, limit, at, elementSize, type, field);
        long start = elements(at, count, elementSize);
        long end = start + (long) count * elementSize;
        if (end > limit) {
            throw new MalformedMessageException(type, field, at, "sequence of " + count
                + " elements runs past the end of the message at " + limit);
        }
        return end;
    }

    /**
     * Where element {@code index} of the primitive sequence whose count is at {@code at} (aligned) is: reads and
     * checks the count, checks the index.
     */
    public static long element(MemorySegment m, long limit, long at, int elementSize, long index, String type,
                               String field) {
        int count = count(m, limit, at, elementSize, type, field);
        checkIndex(index, count, type, field);
        return elements(at, count, elementSize) + index * elementSize;
    }

    /** Checks that element {@code index} of {@code count} exists. */
    public static void checkIndex(long index, long count, String type, String field) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(type + "." + field + ": index " + index + " out of [0, " + count
                + ")");
        }
    }

    // ------------------------------------------------------------------------- writing a message front to back

    /** Zeroes the padding from {@code at} to its alignment and returns the aligned position. */
    public static long pad(MemorySegment m, long at, int alignment) {
        long aligned = align(at, alignment);
        for (long p = at; p < aligned; p++) {
            m.set(ValueLayout.JAVA_BYTE, p, (byte) 0);
        }
        return aligned;
    }

    /** Writes a {@code uint8}, {@code int8}, {@code byte}, {@code char} or {@code bool} at {@code at}; returns the end. */
    public static long write8(MemorySegment m, long at, int value) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) value);
        return at + 1;
    }

    /** Writes a 32-bit integer, aligned, padding zeroed; returns the end. */
    public static long write32(MemorySegment m, long at, int value) {
        long p = pad(m, at, 4);
        m.set(INT, p, value);
        return p + 4;
    }

    /** Writes a string, aligned, padding zeroed; returns the end. */
    public static long writeString(MemorySegment m, long at, CharSequence value) {
        long p = pad(m, at, 4);
        int bytes = utf8Length(value);
        m.set(INT, p, bytes + 1);
        putUtf8(m, p + 4, value);
        m.set(ValueLayout.JAVA_BYTE, p + 4 + bytes, (byte) 0);
        return p + 4 + bytes + 1;
    }

    /** Bytes the string {@code value} takes written at {@code at}, padding included. */
    public static long stringSize(long at, CharSequence value) {
        return align(at, 4) + 4 + utf8Length(value) + 1 - at;
    }

    /**
     * Writes the count of a primitive sequence and reserves its {@code count × elementSize} bytes without touching
     * them (aligned if {@code count > 0}); returns the end.
     */
    public static long writeSequence(MemorySegment m, long at, int count, int elementSize) {
        long p = write32(m, at, count);
        if (count == 0) {
            return p;
        }
        return pad(m, p, elementSize) + (long) count * elementSize;
    }

    /** Bytes {@code value} takes in UTF-8, without allocating. */
    public static int utf8Length(CharSequence value) {
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length += 1;
            } else {
                length += 3;
            }
        }
        if (length > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("string above 2 GiB of UTF-8: chars=" + value.length());
        }
        return (int) length;
    }

    /** Writes {@code value} as UTF-8 at {@code at} without allocating; lone surrogates become {@code ?}. */
    public static void putUtf8(MemorySegment m, long at, CharSequence value) {
        long p = at;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) c);
            } else if (c < 0x800) {
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0xc0 | c >> 6));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1))) {
                int code = Character.toCodePoint(c, value.charAt(++i));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0xf0 | code >> 18));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | code >> 12 & 0x3f));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | code >> 6 & 0x3f));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | code & 0x3f));
            } else if (Character.isSurrogate(c)) {
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) '?');
            } else {
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0xe0 | c >> 12));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | c >> 6 & 0x3f));
                m.set(ValueLayout.JAVA_BYTE, p++, (byte) (0x80 | c & 0x3f));
            }
        }
    }
}
