package io.sluice.msg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CdrLayout} at its edges, with the writer of the tests ({@link CdrTreeWriter}) as the oracle: a change that
 * moves the rest of a message in many runs of different distances (more than the layout's first table holds), a loan
 * the changed message fills exactly, the end {@code relayout} returns, shrinking, and the walks at their limits.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CdrLayoutTest {
    private static final int FIELDS = 24;
    /** A string, then groups whose members move by different distances when the string's length changes by 1. */
    private static final MsgSchema WIDE = MsgSchema.parse("test_msgs/msg/Wide", wideSchema());

    private static String wideSchema() {
        StringBuilder text = new StringBuilder("string s\n");
        for (int i = 0; i < FIELDS; i++) {
            text.append("uint8 a").append(i).append("\nfloat64 d").append(i).append("\nstring t").append(i)
                .append('\n');
        }
        return text.toString();
    }

    private static CdrTree wide(String s) {
        List<Object> values = new ArrayList<>();
        values.add(s);
        for (int i = 0; i < FIELDS; i++) {
            values.add((long) (i + 1));
            values.add(i + 0.25);
            values.add("t".repeat(i % 5 + 1));
        }
        return CdrValues.tree(WIDE.root(), values);
    }

    @Test
    void growingAndShrinkingAStringMovesEveryLaterValueWhereAWriterPutsIt() {
        for (String from : List.of("", "a", "ab", "abcdefg")) {
            for (String to : List.of("", "a", "ab", "abc", "abcdefghijklm", "x".repeat(40))) {
                assertChange(from, to, 64);
            }
        }
    }

    @Test
    void aLoanTheChangedMessageFillsExactlyIsEnoughAndOneByteLessIsNot() {
        byte[] expected = CdrTreeWriter.bytes(WIDE.root(), wide("abcdefghijklm"));
        assertChange("ab", "abcdefghijklm", 0);
        byte[] before = CdrTreeWriter.bytes(WIDE.root(), wide("ab"));
        byte[] tooSmall = Arrays.copyOf(before, expected.length - 1);
        MemorySegment loan = MemorySegment.ofArray(tooSmall);
        long stringEnd = Cdr.stringEnd(loan, tooSmall.length, Cdr.ORIGIN, "s", "s");
        IllegalStateException full = assertThrows(IllegalStateException.class,
            () -> new CdrLayout().relayout(WIDE.root(), loan, tooSmall.length, stringEnd, stringEnd + 11));
        assertTrue(full.getMessage().contains("would need " + expected.length + " bytes, its loan has "
            + tooSmall.length), full.getMessage());
        assertArrayEquals(Arrays.copyOf(before, tooSmall.length), tooSmall, "nothing moved when it does not fit");
    }

    @Test
    void relayoutReturnsTheNewEndOfTheMessage() {
        byte[] before = CdrTreeWriter.bytes(WIDE.root(), wide("ab"));
        byte[] room = Arrays.copyOf(before, before.length + 64);
        MemorySegment loan = MemorySegment.ofArray(room);
        long stringEnd = Cdr.stringEnd(loan, room.length, Cdr.ORIGIN, "s", "s");
        CdrLayout layout = new CdrLayout();
        long grown = layout.relayout(WIDE.root(), loan, room.length, stringEnd, stringEnd + 5);
        assertEquals(CdrTreeWriter.bytes(WIDE.root(), wide("abcdefg")).length, grown);
        loan.set(Cdr.INT, Cdr.ORIGIN, 8); // the string changed after the move, as a setter does it
        Cdr.putUtf8(loan, Cdr.ORIGIN + 4, "abcdefg\0");
        // the same layout again (its table reused), back to the first length: the first message's end
        assertEquals(before.length, layout.relayout(WIDE.root(), loan, room.length, stringEnd + 5, stringEnd));
    }

    /** Changes {@code s} from {@code from} to {@code to} in a loan {@code spare} bytes larger than needed. */
    private static void assertChange(String from, String to, int spare) {
        byte[] before = CdrTreeWriter.bytes(WIDE.root(), wide(from));
        byte[] expected = CdrTreeWriter.bytes(WIDE.root(), wide(to));
        byte[] room = new byte[Math.max(before.length, expected.length) + spare];
        Arrays.fill(room, (byte) 0x5a);
        System.arraycopy(before, 0, room, 0, before.length);
        new TestFlyweight(WIDE.root(), MemorySegment.ofArray(room)).putString(Cdr.ORIGIN, to, "s");
        assertArrayEquals(expected, Arrays.copyOf(room, expected.length), from + " -> " + to);
        assertEquals(expected.length, CdrLayout.end(WIDE.root(), MemorySegment.ofArray(room), room.length,
            Cdr.ORIGIN));
        for (int i = Math.max(before.length, expected.length); i < room.length; i++) {
            assertEquals((byte) 0x5a, room[i], "byte " + i + " after both messages is left alone");
        }
    }

    // ------------------------------------------------------------------------------------------------- walks

    @Test
    void aFixedSizeArrayThatEndsExactlyAtTheLimitIsAccepted() {
        MsgSchema schema = MsgSchema.parse("test_msgs/msg/Arr", "uint8 a\nfloat32[3] v\n");
        byte[] bytes = CdrTreeWriter.bytes(schema.root(), CdrValues.tree(schema.root(), 1L,
            List.of(1.0, 2.0, 3.0)));
        assertEquals(bytes.length, CdrLayout.end(schema.root(), MemorySegment.ofArray(bytes), bytes.length,
            Cdr.ORIGIN));
        MalformedMessageException cut = assertThrows(MalformedMessageException.class, () -> CdrLayout.end(
            schema.root(), MemorySegment.ofArray(bytes), bytes.length - 1, Cdr.ORIGIN));
        assertEquals("v", cut.field());
    }

    @Test
    void anAbsurdCountOfNestedMessagesIsRefusedAtTheCountBeforeAnyElementIsWalked() {
        MsgSchema schema = MsgSchema.parse("test_msgs/msg/Outer", """
            test_msgs/Inner[] items
            ================================================================================
            MSG: test_msgs/Inner
            uint8 x
            """);
        byte[] bytes = CdrTreeWriter.bytes(schema.root(), CdrValues.tree(schema.root(),
            (Object) List.of(CdrValues.tree(schema.definition("test_msgs/Inner"), 7L))));
        MemorySegment m = MemorySegment.ofArray(bytes);
        m.set(Cdr.INT, Cdr.ORIGIN, 2); // two elements of at least 1 byte; one is there
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> CdrLayout.end(schema.root(), m, bytes.length, Cdr.ORIGIN));
        assertEquals(Cdr.ORIGIN, e.offset());
        assertTrue(e.getMessage().contains("sequence of 2 elements runs past the end"), e.getMessage());
        assertEquals(1, CdrLayout.minSize(schema.root().field("items")));
    }

    @Test
    void theDefaultOfAnEmptyMessageIsItsOneByteWrittenOverOldBytes() {
        byte[] bytes = {9, 9, 9, 9, 9, 9};
        long end = CdrLayout.writeDefault(SampleSchemas.EMPTY.root(), MemorySegment.ofArray(bytes), Cdr.ORIGIN);
        assertEquals(Cdr.ORIGIN + 1, end);
        assertArrayEquals(new byte[] {9, 9, 9, 9, 0, 9}, bytes);
        assertEquals(Cdr.ORIGIN + 1, CdrLayout.defaultEnd(SampleSchemas.EMPTY.root(), Cdr.ORIGIN));
    }
}
