package io.sluice.msg;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primitives generated flyweights are made of ({@link Cdr}): every accessor stops at the message's limit, not at
 * the end of the memory behind it (a loan is larger than its message); counts, strings and sequences that fit exactly
 * are accepted and one byte more is refused; the front-to-back writers zero the padding they skip and write the bytes
 * the UTF-8 encoder of the JDK writes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CdrTest {
    private static final String TYPE = "test_msgs/msg/T";
    private static final int DIRTY = 0xa5;

    /** An accessor of {@code size} bytes, called at an offset. */
    private record Access(String name, int size, LongConsumer at) {
    }

    /** Every get and put, against a message of {@code limit} bytes in the memory {@code m}. */
    private static List<Access> accessors(MemorySegment m, long limit) {
        return List.of(
            new Access("getBool", 1, at -> Cdr.getBool(m, limit, at, TYPE, "f")),
            new Access("getByte", 1, at -> Cdr.getByte(m, limit, at, TYPE, "f")),
            new Access("getShort", 2, at -> Cdr.getShort(m, limit, at, TYPE, "f")),
            new Access("getInt", 4, at -> Cdr.getInt(m, limit, at, TYPE, "f")),
            new Access("getLong", 8, at -> Cdr.getLong(m, limit, at, TYPE, "f")),
            new Access("getFloat", 4, at -> Cdr.getFloat(m, limit, at, TYPE, "f")),
            new Access("getDouble", 8, at -> Cdr.getDouble(m, limit, at, TYPE, "f")),
            new Access("putBool", 1, at -> Cdr.putBool(m, limit, at, true, TYPE, "f")),
            new Access("putByte", 1, at -> Cdr.putByte(m, limit, at, (byte) 1, TYPE, "f")),
            new Access("putShort", 2, at -> Cdr.putShort(m, limit, at, (short) 1, TYPE, "f")),
            new Access("putInt", 4, at -> Cdr.putInt(m, limit, at, 1, TYPE, "f")),
            new Access("putLong", 8, at -> Cdr.putLong(m, limit, at, 1L, TYPE, "f")),
            new Access("putFloat", 4, at -> Cdr.putFloat(m, limit, at, 1f, TYPE, "f")),
            new Access("putDouble", 8, at -> Cdr.putDouble(m, limit, at, 1d, TYPE, "f")));
    }

    @Test
    void everyAccessorStopsAtTheMessageLimitNotAtTheEndOfTheMemory() {
        MemorySegment m = MemorySegment.ofArray(new byte[64]);
        long limit = 24;
        for (Access access : accessors(m, limit)) {
            access.at().accept(limit - access.size()); // the last value that fits
            access.at().accept(Cdr.ORIGIN);
            for (long at : new long[] {limit - access.size() + 1, limit, 40, Cdr.ORIGIN - 1}) {
                MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> access.at().accept(at), access.name() + " at " + at);
                assertEquals("f", e.field(), access.name());
                assertEquals(at, e.offset(), access.name());
                assertTrue(e.getMessage().startsWith(TYPE + ".f at offset " + at + ": needs " + access.size()
                    + " bytes, message ends at " + limit), e.getMessage());
            }
        }
    }

    @Test
    void theGettersReadAndThePuttersWriteLittleEndianAtTheOffset() {
        MemorySegment m = MemorySegment.ofArray(new byte[32]);
        Cdr.putLong(m, 32, 4, 0x0102030405060708L, TYPE, "l");
        Cdr.putDouble(m, 32, 12, -2.5, TYPE, "d");
        Cdr.putInt(m, 32, 20, 0x01020304, TYPE, "i");
        Cdr.putShort(m, 32, 24, (short) 0x0506, TYPE, "s");
        Cdr.putBool(m, 32, 26, true, TYPE, "b");
        Cdr.putByte(m, 32, 27, (byte) -7, TYPE, "y");
        Cdr.putFloat(m, 32, 28, 1.5f, TYPE, "f");
        assertEquals("00000000" + "0807060504030201" + "00000000000004c0" + "04030201" + "0605" + "01" + "f9"
            + "0000c03f", HexFormat.of().formatHex(m.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(0x0102030405060708L, Cdr.getLong(m, 32, 4, TYPE, "l"));
        assertEquals(-2.5, Cdr.getDouble(m, 32, 12, TYPE, "d"));
        assertEquals(0x01020304, Cdr.getInt(m, 32, 20, TYPE, "i"));
        assertEquals((short) 0x0506, Cdr.getShort(m, 32, 24, TYPE, "s"));
        assertTrue(Cdr.getBool(m, 32, 26, TYPE, "b"));
        assertEquals((byte) -7, Cdr.getByte(m, 32, 27, TYPE, "y"));
        assertEquals(1.5f, Cdr.getFloat(m, 32, 28, TYPE, "f"));
        Cdr.putBool(m, 32, 26, false, TYPE, "b");
        assertEquals(0, m.get(ValueLayout.JAVA_BYTE, 26));
    }

    @Test
    void writeHeaderWritesTheWholeEncapsulationOverOldBytes() {
        byte[] bytes = new byte[8];
        Arrays.fill(bytes, (byte) DIRTY);
        Cdr.writeHeader(MemorySegment.ofArray(bytes));
        assertEquals("00010000a5a5a5a5", HexFormat.of().formatHex(bytes));
        assertEquals(Cdr.ORIGIN, Cdr.body(MemorySegment.ofArray(bytes), bytes.length, TYPE));
    }

    // --------------------------------------------------------------------------------- strings and sequences

    @Test
    void aStringThatEndsExactlyAtTheLimitIsAcceptedAndOneByteLongerIsNot() {
        MemorySegment m = MemorySegment.ofArray(new byte[64]);
        long at = 8;
        m.set(Cdr.INT, at, 4); // "abc\0"
        m.setString(at + 4, "abc", StandardCharsets.UTF_8);
        assertEquals(at + 8, Cdr.stringEnd(m, at + 8, at, TYPE, "s"));
        assertEquals(3, Cdr.stringBytes(m, at));
        MalformedMessageException past = assertThrows(MalformedMessageException.class,
            () -> Cdr.stringEnd(m, at + 7, at, TYPE, "s"));
        assertTrue(past.getMessage().contains("string length 4 runs past the end of the message at " + (at + 7)),
            past.getMessage());
        m.set(ValueLayout.JAVA_BYTE, at + 7, (byte) 'd');
        assertTrue(assertThrows(MalformedMessageException.class, () -> Cdr.stringEnd(m, 64, at, TYPE, "s"))
            .getMessage().contains("without its terminating 0"));
        m.set(Cdr.INT, at, 0); // length 0: the empty string, as Fast-CDR reads it
        assertEquals(at + 4, Cdr.stringEnd(m, at + 4, at, TYPE, "s"));
        assertEquals(0, Cdr.stringBytes(m, at));
        m.set(Cdr.INT, at, -1); // 4 GiB - 1 as an unsigned length
        assertThrows(MalformedMessageException.class, () -> Cdr.stringEnd(m, 64, at, TYPE, "s"));
    }

    @Test
    void aCountWhoseElementsFitExactlyIsAcceptedAndOneMoreIsNot() {
        MemorySegment m = MemorySegment.ofArray(new byte[64]);
        long at = 8;
        m.set(Cdr.INT, at, 3);
        // 3 elements of at least 4 bytes after the count: 12 bytes
        assertEquals(3, Cdr.count(m, at + 16, at, 4, TYPE, "q"));
        MalformedMessageException short1 = assertThrows(MalformedMessageException.class,
            () -> Cdr.count(m, at + 15, at, 4, TYPE, "q"));
        assertEquals("q", short1.field());
        assertEquals(at, short1.offset());
        assertTrue(short1.getMessage().contains("sequence of 3 elements runs past the end of the message at "
            + (at + 15)), short1.getMessage());
        assertEquals(3, Cdr.count(m, at + 7, at, 1, TYPE, "q"));
        assertThrows(MalformedMessageException.class, () -> Cdr.count(m, at + 6, at, 1, TYPE, "q"));
        m.set(Cdr.INT, at, -1); // above Integer.MAX_VALUE as unsigned
        assertThrows(MalformedMessageException.class, () -> Cdr.count(m, 64, at, 0, TYPE, "q"));
    }

    @Test
    void aPrimitiveSequenceIsAlignedOnceAndMustEndInsideTheMessage() {
        MemorySegment m = MemorySegment.ofArray(new byte[64]);
        long at = 12; // count at 12..16; float64 elements aligned to 8 from ORIGIN: the first at 20, the end at 36
        m.set(Cdr.INT, at, 2);
        assertEquals(20, Cdr.elements(at, 2, 8));
        assertEquals(36, Cdr.sequenceEnd(m, 36, at, 8, TYPE, "q"));
        // the count alone passes (2 × 8 bytes fit in the 19 after it), the aligned elements do not
        assertEquals(2, Cdr.count(m, 35, at, 8, TYPE, "q"));
        MalformedMessageException aligned = assertThrows(MalformedMessageException.class,
            () -> Cdr.sequenceEnd(m, 35, at, 8, TYPE, "q"));
        assertEquals(at, aligned.offset());
        assertEquals(28, Cdr.element(m, 36, at, 8, 1, TYPE, "q"));
        assertEquals(20, Cdr.element(m, 36, at, 8, 0, TYPE, "q"));
        IndexOutOfBoundsException index = assertThrows(IndexOutOfBoundsException.class,
            () -> Cdr.element(m, 36, at, 8, 2, TYPE, "q"));
        assertEquals(TYPE + ".q: index 2 out of [0, 2)", index.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Cdr.element(m, 36, at, 8, -1, TYPE, "q"));
        m.set(Cdr.INT, at, 0);
        assertEquals(at + 4, Cdr.elements(at, 0, 8), "an empty sequence aligns nothing");
        assertEquals(at + 4, Cdr.sequenceEnd(m, at + 4, at, 8, TYPE, "q"));
    }

    // ------------------------------------------------------------------------------------------- the writers

    @Test
    void theWritersZeroThePaddingTheySkipAndReturnTheirEnd() {
        byte[] bytes = new byte[40];
        Arrays.fill(bytes, (byte) DIRTY);
        MemorySegment m = MemorySegment.ofArray(bytes);
        long p = Cdr.write8(m, 4, 0x1ff); // 5
        assertEquals(5, p);
        p = Cdr.write32(m, p, 7); // padding 5..8, value 8..12
        assertEquals(12, p);
        p = Cdr.writeString(m, p + 1, "hi"); // 12 skipped, padding 13..16, length 16..20, "hi\0" 20..23
        assertEquals(23, p);
        assertEquals(Cdr.stringSize(13, "hi"), p - 13);
        p = Cdr.writeSequence(m, p, 2, 4); // padding 23..24, count 24..28, 8 bytes reserved untouched 28..36
        assertEquals(36, p);
        assertEquals(40, Cdr.writeSequence(m, p, 0, 8), "an empty sequence: its count only");
        assertEquals("a5a5a5a5" + "ff000000" + "07000000" + "a5000000" + "03000000" + "686900" + "00" + "02000000"
            + "a5a5a5a5a5a5a5a5" + "00000000", HexFormat.of().formatHex(bytes));
        assertEquals(8, Cdr.pad(m, 8, 4), "aligned already: nothing to pad");
        assertEquals(12, Cdr.pad(m, 9, 8));
    }

    @Test
    void utf8LengthAndPutUtf8AgreeWithTheJdkAtEveryEncodingBoundary() {
        String[] samples = {"", "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff", "a\ud83d\ude00b", "\ud83d",
            "\ude00x", "x\ud83d", "\ud83d\ud83d\ude00", "é€𝄞z"};
        for (String s : samples) {
            assertUtf8(s);
        }
    }

    @Property(tries = 300)
    void utf8LengthAndPutUtf8AgreeWithTheJdk(@ForAll String s) {
        assertUtf8(s);
    }

    /** The JDK's encoder replaces a lone surrogate with {@code ?}, as {@link Cdr#putUtf8} does. */
    private static void assertUtf8(String s) {
        byte[] expected = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, Cdr.utf8Length(s), s);
        byte[] bytes = new byte[expected.length + 2];
        Arrays.fill(bytes, (byte) DIRTY);
        Cdr.putUtf8(MemorySegment.ofArray(bytes), 1, s);
        assertArrayEquals(expected, Arrays.copyOfRange(bytes, 1, 1 + expected.length), s);
        assertEquals((byte) DIRTY, bytes[0]);
        assertEquals((byte) DIRTY, bytes[bytes.length - 1], "nothing written past the string: " + s);
    }
}
