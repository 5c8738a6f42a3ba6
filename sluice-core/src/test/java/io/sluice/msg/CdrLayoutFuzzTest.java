package io.sluice.msg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes changing a string or a sequence in place (what generated setters do through {@link CdrLayout#relayout}) in
 * valid messages no writer made: padding of any value, bools other than 0 and 1, bytes after the end. Every other
 * value reads back unchanged at the offsets a writer of the changed message would use, and nothing after the message
 * is touched.
 *
 * <p>An input is a schema index into {@link SampleSchemas#ALL}, a byte choosing the string or sequence, a byte choosing
 * its new length, then the message. {@code mvn test} replays {@code CdrLayoutFuzzTestInputs/<method>/}; to fuzz:
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test \
 *     -Dtest='CdrLayoutFuzzTest#changingInPlaceKeepsEveryOtherValue'
 * </pre>
 */
class CdrLayoutFuzzTest {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxy";

    @FuzzTest(maxDuration = "3m")
    // bounds each replayed input; when fuzzing, the whole run (above maxDuration) and libFuzzer's -timeout per input
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void changingInPlaceKeepsEveryOtherValue(byte[] input) {
        if (input.length < 3) {
            return;
        }
        MsgSchema schema = SampleSchemas.ALL.get(Byte.toUnsignedInt(input[0]) % SampleSchemas.ALL.size());
        MsgDefinition root = schema.root();
        byte[] bytes = Arrays.copyOfRange(input, 3, input.length);
        CdrTree before;
        long end;
        try {
            before = CdrReader.read(schema, MemorySegment.ofArray(bytes), Integer.MAX_VALUE);
            end = CdrLayout.end(root, MemorySegment.ofArray(bytes), bytes.length, Cdr.ORIGIN);
        } catch (MalformedMessageException malformed) {
            return;
        }
        CdrTreeWriter.Written canonical = CdrTreeWriter.write(root, before);
        if (canonical.spots().isEmpty() || !sameLengthsAndCounts(canonical, bytes)) {
            // a string of length 0 or of bad UTF-8 takes other bytes when written again: the writer's offsets
            // would not be those of these bytes
            return;
        }
        List<CdrTreeWriter.Spot> spots = canonical.spots();
        CdrTreeWriter.Spot spot = spots.get(Byte.toUnsignedInt(input[1]) % spots.size());
        int size = Byte.toUnsignedInt(input[2]);
        Object replacement = CdrLayoutProperties.replacement(spot, size % 8, LETTERS.substring(0, size % 26));
        byte[] expected = CdrTreeWriter.bytes(root, CdrLayoutProperties.replace(before, spot.path(), 0, replacement));

        byte[] room = Arrays.copyOf(bytes, bytes.length + Math.max(0, expected.length - (int) end) + 8);
        MemorySegment loan = MemorySegment.ofArray(room);
        CdrLayoutProperties.change(root, loan, spot, replacement);

        assertEquals(CdrReader.read(schema, MemorySegment.ofArray(expected), Integer.MAX_VALUE),
            CdrReader.read(schema, loan, Integer.MAX_VALUE), "every value where a writer puts it");
        long newEnd = CdrLayout.end(root, loan, loan.byteSize(), Cdr.ORIGIN);
        assertEquals(expected.length, newEnd, "the message ends where a writer ends it");
        // what the message no longer takes, [new end, old end), is left as it was: it is not sent
        int after = (int) Math.min(Math.max(end, newEnd), bytes.length);
        assertArrayEquals(Arrays.copyOfRange(bytes, after, bytes.length), Arrays.copyOfRange(room, after, bytes.length),
            "nothing after the message is touched");
    }

    /** Whether every string length and sequence count the writer wrote is also at its offset in {@code bytes}. */
    private static boolean sameLengthsAndCounts(CdrTreeWriter.Written canonical, byte[] bytes) {
        MemorySegment written = MemorySegment.ofArray(canonical.bytes());
        MemorySegment given = MemorySegment.ofArray(bytes);
        for (CdrTreeWriter.Spot spot : canonical.spots()) {
            if (spot.at() + 4 > bytes.length || written.get(Cdr.INT, spot.at()) != given.get(Cdr.INT, spot.at())) {
                return false;
            }
        }
        return canonical.bytes().length <= bytes.length;
    }
}
