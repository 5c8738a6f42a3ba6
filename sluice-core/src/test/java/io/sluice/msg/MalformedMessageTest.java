package io.sluice.msg;

import io.sluice.msg.sensor_msgs.JointState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad bytes raise {@link MalformedMessageException} from the reader and the layout alike, naming the type, the field
 * (as a path from the root for the reader) and the offset of the bad value; nothing reads outside the message.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MalformedMessageTest {
    private static final MsgSchema STAMPED = SampleSchemas.STAMPED;
    private static final MsgSchema ITEMS = SampleSchemas.ITEMS;
    private static final MsgSchema PRIMITIVES = SampleSchemas.PRIMITIVES;
    private static final MsgSchema DOUBLES = MsgSchema.parse("fuzz_msgs/msg/Doubles", "uint8 flag\nfloat64[] values\n");

    // ------------------------------------------------------------------------------------------------ truncation

    @Test
    void shouldNameTheFieldAndOffsetWhereATruncatedSampleEnds() {
        CdrTreeWriter.Written written = stamped();
        long valueAt = Cdr.align(field(written.tree(), "value").offset(), 8);
        byte[] truncated = Arrays.copyOf(written.bytes(), written.bytes().length - 3);

        MalformedMessageException read = readFails(STAMPED, truncated);
        assertEquals("value", read.field());
        assertEquals(valueAt, read.offset());
        assertTrue(read.getMessage().startsWith("fuzz_msgs/msg/Stamped.value at offset " + valueAt + ": "),
            read.getMessage());
        MalformedMessageException walked = endFails(STAMPED, truncated);
        assertEquals("value", walked.field());
        assertEquals(valueAt, walked.offset());
    }

    @Test
    void shouldRejectEveryTruncationOfEverySampleWithMalformedMessageException() {
        for (MsgSchema schema : SampleSchemas.ALL) {
            byte[] bytes = CdrTreeWriter.bytes(schema.root(), CdrValues.defaults(schema.root()));
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                MalformedMessageException read = readFails(schema, prefix);
                MalformedMessageException walked = assertThrows(MalformedMessageException.class,
                    () -> CdrLayout.end(schema.root(), MemorySegment.ofArray(prefix), prefix.length,
                        Cdr.body(MemorySegment.ofArray(prefix), prefix.length, schema.root().name())));
                assertEquals(read.offset(), walked.offset(), schema.root().name() + " cut at " + length);
                assertTrue(read.offset() <= Cdr.align(length, 8), read.getMessage());
            }
        }
    }

    @Test
    void shouldNameTheNestedPathOfAFieldInsideASequence() {
        MsgDefinition item = ITEMS.definition("fuzz_msgs/Item");
        CdrTree values = CdrValues.tree(ITEMS.root(), List.of(
            CdrValues.tree(item, "first", 1.0, List.of(), List.of()),
            CdrValues.tree(item, "second", 2.0, List.of(1L), List.of(0.5))), "tail");
        byte[] bytes = CdrTreeWriter.bytes(ITEMS.root(), values);
        int secondName = indexOf(bytes, "second") - 4;
        bytes[secondName] = 100;

        MalformedMessageException read = readFails(ITEMS, bytes);
        assertEquals("items[1].name", read.field());
        assertEquals(secondName, read.offset());
        assertTrue(read.getMessage().contains("fuzz_msgs/msg/Items.items[1].name at offset " + secondName),
            read.getMessage());
        assertEquals("name", endFails(ITEMS, bytes).field());
    }

    // ------------------------------------------------------------------------------------------------ sequences

    @Test
    void shouldRejectASequenceLengthBeyondTheEnd() {
        byte[] bytes = CdrTreeWriter.bytes(STAMPED.root(), CdrValues.defaults(STAMPED.root()));
        int dataAt = dataCountOffset();
        putInt(bytes, dataAt, 1000);

        MalformedMessageException read = readFails(STAMPED, bytes);
        assertEquals("data", read.field());
        assertEquals(dataAt, read.offset());
        assertTrue(read.getMessage().contains("sequence of 1000 elements runs past the end of the message"),
            read.getMessage());
        assertEquals(dataAt, endFails(STAMPED, bytes).offset());
    }

    @Test
    void shouldRejectACountWhoseTotalSizeOverflowsAnInt() {
        // 0x20000001 × 8 bytes = 2^32 + 8: 8 in 32-bit arithmetic, exactly the 8 bytes that follow
        byte[] bytes = {0, 1, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0x20, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        MalformedMessageException read = readFails(DOUBLES, bytes);
        assertEquals("values", read.field());
        assertEquals(8, read.offset());
        assertEquals(8, endFails(DOUBLES, bytes).offset());
        MemorySegment message = MemorySegment.ofArray(bytes);
        assertThrows(MalformedMessageException.class,
            () -> Cdr.sequenceEnd(message, bytes.length, 8, 8, "t", "values"));
    }

    @Test
    void shouldRejectACountAboveIntegerMaxValue() {
        byte[] bytes = {0, 1, 0, 0, 7, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
        MalformedMessageException read = readFails(DOUBLES, bytes);
        assertEquals("values", read.field());
        assertTrue(read.getMessage().contains("sequence of 4294967295 elements"), read.getMessage());
        assertEquals(8, endFails(DOUBLES, bytes).offset());
    }

    @Test
    void shouldRejectASequenceAboveItsBound() {
        MsgSchema bounded = SampleSchemas.BOUNDED;
        byte[] bytes = CdrTreeWriter.bytes(bounded.root(), CdrValues.tree(bounded.root(), "", List.of(1L, 2L, 3L),
            List.of(), List.of()));
        int xsAt = 12;
        putInt(bytes, xsAt, 4);
        MalformedMessageException read = readFails(bounded, Arrays.copyOf(bytes, bytes.length + 4));
        assertEquals("xs", read.field());
        assertEquals(xsAt, read.offset());
        assertTrue(read.getMessage().contains("above its bound 3"), read.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ strings

    @Test
    void shouldRejectAStringWithoutItsTerminator() {
        byte[] bytes = primitives("abc");
        int sAt = bytes.length - 8;
        bytes[bytes.length - 1] = 'x';

        MalformedMessageException read = readFails(PRIMITIVES, bytes);
        assertEquals("s", read.field());
        assertEquals(sAt, read.offset());
        assertTrue(read.getMessage().contains("string of length 4 without its terminating 0"), read.getMessage());
        assertEquals(sAt, endFails(PRIMITIVES, bytes).offset());
    }

    @Test
    void shouldRejectAStringLengthBeyondTheEnd() {
        byte[] bytes = primitives("abc");
        int sAt = bytes.length - 8;
        putInt(bytes, sAt, 5);

        MalformedMessageException read = readFails(PRIMITIVES, bytes);
        assertEquals("s", read.field());
        assertEquals(sAt, read.offset());
        assertTrue(read.getMessage().contains("string length 5 runs past the end of the message at " + bytes.length),
            read.getMessage());
        assertEquals(sAt, endFails(PRIMITIVES, bytes).offset());
        putInt(bytes, sAt, -1);
        assertTrue(readFails(PRIMITIVES, bytes).getMessage().contains("string length 4294967295"));
    }

    @Test
    void shouldRejectAStringAboveItsBound() {
        MsgSchema bounded = SampleSchemas.BOUNDED;
        byte[] bytes = CdrTreeWriter.bytes(bounded.root(), CdrValues.tree(bounded.root(), "abcdef", List.of(),
            List.of(), List.of()));
        MalformedMessageException read = readFails(bounded, bytes);
        assertEquals("s", read.field());
        assertEquals(4, read.offset());
        assertTrue(read.getMessage().contains("string of 6 bytes above its bound 5"), read.getMessage());
        assertEquals(4, endFails(bounded, bytes).offset());
    }

    @Test
    void shouldReadAZeroStringLengthAsTheEmptyString() {
        byte[] bytes = primitives("");
        int sAt = bytes.length - 5;
        putInt(bytes, sAt, 0);
        byte[] shorter = Arrays.copyOf(bytes, bytes.length - 1);
        assertEquals("", CdrReader.read(PRIMITIVES, MemorySegment.ofArray(shorter)).get("s"));
        assertEquals(shorter.length, CdrLayout.end(PRIMITIVES.root(), MemorySegment.ofArray(shorter), shorter.length,
            Cdr.ORIGIN));
    }

    // ------------------------------------------------------------------------------------------------ header

    @Test
    void shouldRejectAnUnknownEncapsulationKind() {
        byte[] bytes = primitives("abc");
        bytes[1] = 0x42;
        MalformedMessageException read = readFails(PRIMITIVES, bytes);
        assertEquals("(encapsulation)", read.field());
        assertEquals(0, read.offset());
        assertTrue(read.getMessage().contains("encapsulation kind 0x0042 (unknown); expected 0x0001 (CDR_LE)"),
            read.getMessage());
    }

    @Test
    void shouldNameBigEndianCdrAsUnsupported() {
        byte[] bytes = primitives("abc");
        bytes[1] = 0x00;
        MalformedMessageException read = readFails(PRIMITIVES, bytes);
        assertEquals("(encapsulation)", read.field());
        assertEquals(0, read.offset());
        assertTrue(read.getMessage().contains("encapsulation kind 0x0000 (CDR_BE: big endian is not supported)"),
            read.getMessage());
    }

    @Test
    void shouldNameParameterListsAndXcdr2AsUnsupported() {
        byte[] bytes = primitives("abc");
        bytes[1] = 0x03;
        assertTrue(readFails(PRIMITIVES, bytes).getMessage().contains("PL_CDR: parameter lists are not supported"));
        bytes[1] = 0x07;
        assertTrue(readFails(PRIMITIVES, bytes).getMessage().contains("XCDR2: not supported, only XCDR1"));
    }

    @Test
    void shouldRejectAMessageShorterThanItsHeader() {
        for (int length = 0; length < 4; length++) {
            MalformedMessageException read = readFails(PRIMITIVES, Arrays.copyOf(new byte[] {0, 1, 0}, length));
            assertEquals("(encapsulation)", read.field());
            assertEquals(0, read.offset());
            assertTrue(read.getMessage().contains("message shorter than its 4-byte encapsulation header: size="
                + length), read.getMessage());
        }
    }

    @Test
    void shouldRejectAnEmptyMessageWithoutItsByte() {
        MalformedMessageException read = readFails(SampleSchemas.EMPTY, new byte[] {0, 1, 0, 0});
        assertEquals("(empty)", read.field());
        assertEquals(4, read.offset());
        assertEquals(4, endFails(SampleSchemas.EMPTY, new byte[] {0, 1, 0, 0}).offset());
    }

    // ------------------------------------------------------------------- a view over a slot, re-pointed by length

    /**
     * A flyweight over a whole slot re-pointed at a shorter message (defect 10): the slot still holds the rest of a
     * longer, valid message after the new length, and no read may take those stale bytes for part of the message.
     * At every length short of the whole message, reading every field fails as it fails on a copy of exactly that
     * many bytes: same field, same offset, same text.
     */
    @Test
    void shouldNotReadTheStaleBytesAfterTheLengthOfAFlyweightRePointedWithinItsSlot() {
        MemorySegment slot = MemorySegment.ofArray(new byte[1024]);
        JointState.TYPE.writeDefault(slot);
        JointState written = new JointState(slot);
        written.header().frameId("base_link").stamp().sec(7);
        written.nameCount(2).name(0, "shoulder_pan").name(1, "elbow");
        written.positionCount(2).position(0, 0.5).position(1, -0.5);
        written.effortCount(1).effort(0, 3.0);
        int length = (int) written.cdrEnd();

        JointState view = JointState.TYPE.wrap(slot.asSlice(0, length));
        assertEquals(List.of("base_link", "shoulder_pan", "elbow", "0.5", "-0.5", "3.0"), readAll(view));
        for (int cut = 0; cut < length; cut++) {
            assertTrue(view == JointState.TYPE.rewrap(view, slot, cut), "re-pointed in place");
            assertEquals(cut, view.cdrSegment().byteSize());
            byte[] copy = slot.asSlice(0, cut).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            JointState exact = new JointState(MemorySegment.ofArray(copy));
            MalformedMessageException expected = assertThrows(MalformedMessageException.class, () -> readAll(exact),
                "a copy of " + cut + " bytes");
            MalformedMessageException stale = assertThrows(MalformedMessageException.class, () -> readAll(view),
                "the slot cut at " + cut);
            assertEquals(expected.getMessage(), stale.getMessage(), "cut at " + cut);
            assertThrows(MalformedMessageException.class, view::cdrEnd, "cut at " + cut);
        }
        assertTrue(view == JointState.TYPE.rewrap(view, slot, length));
        assertEquals(List.of("base_link", "shoulder_pan", "elbow", "0.5", "-0.5", "3.0"), readAll(view));
        assertEquals(length, view.cdrEnd());
        assertThrows(IndexOutOfBoundsException.class, () -> JointState.TYPE.rewrap(view, slot, 1025));
    }

    /** Every field of a joint state, strings and numbers as text. */
    private static List<String> readAll(JointState joints) {
        List<String> values = new ArrayList<>();
        values.add(joints.header().frameId());
        assertEquals(7, joints.header().stamp().sec());
        for (int i = 0; i < joints.nameCount(); i++) {
            values.add(joints.name(i));
        }
        for (int i = 0; i < joints.positionCount(); i++) {
            values.add(Double.toString(joints.position(i)));
        }
        assertEquals(0, joints.velocityCount());
        assertEquals(joints.effortCount(), joints.effort().byteSize() / 8);
        for (int i = 0; i < joints.effortCount(); i++) {
            values.add(Double.toString(joints.effort(i)));
        }
        return values;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static CdrTreeWriter.Written stamped() {
        MsgDefinition header = STAMPED.definition("std_msgs/Header");
        MsgDefinition time = STAMPED.definition("builtin_interfaces/Time");
        return CdrTreeWriter.write(STAMPED.root(), CdrValues.tree(STAMPED.root(),
            CdrValues.tree(header, CdrValues.tree(time, 1L, 2L), "cam"), List.of(1L, 2L, 3L), 2.5));
    }

    /** Offset of the count of {@code data} in the default Stamped: header 4, time 8, frame_id 5, padding 3. */
    private static int dataCountOffset() {
        return 4 + 8 + 5 + 3;
    }

    private static byte[] primitives(String s) {
        CdrTree defaults = CdrValues.defaults(PRIMITIVES.root());
        List<Object> values = defaults.fields().stream().map(CdrTree.Field::value).collect(
            Collectors.toCollection(ArrayList::new));
        values.set(values.size() - 1, s);
        return CdrTreeWriter.bytes(PRIMITIVES.root(), CdrValues.tree(PRIMITIVES.root(), values));
    }

    private static CdrTree.Field field(CdrTree tree, String name) {
        return tree.fields().stream().filter(field -> field.name().equals(name)).findFirst().orElseThrow();
    }

    private static MalformedMessageException readFails(MsgSchema schema, byte[] bytes) {
        MalformedMessageException summarised = assertThrows(MalformedMessageException.class,
            () -> CdrReader.read(schema, MemorySegment.ofArray(bytes)));
        MalformedMessageException full = assertThrows(MalformedMessageException.class,
            () -> CdrReader.read(schema, MemorySegment.ofArray(bytes), Integer.MAX_VALUE));
        assertEquals(full.getMessage(), summarised.getMessage());
        assertTrue(full.getMessage().contains(" at offset " + full.offset() + ": "), full.getMessage());
        return full;
    }

    private static MalformedMessageException endFails(MsgSchema schema, byte[] bytes) {
        MemorySegment message = MemorySegment.ofArray(bytes);
        return assertThrows(MalformedMessageException.class, () -> CdrLayout.end(schema.root(), message,
            bytes.length, Cdr.body(message, bytes.length, schema.root().name())));
    }

    private static int indexOf(byte[] bytes, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(text + " not found");
    }

    private static void putInt(byte[] bytes, int at, int value) {
        MemorySegment.ofArray(bytes).set(Cdr.INT, at, value);
    }
}
