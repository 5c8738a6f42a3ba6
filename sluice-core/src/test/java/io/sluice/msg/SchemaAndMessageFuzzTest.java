package io.sluice.msg;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes schema text and message bytes together, as a tool meets them on a topic it knows only by what it carries:
 * whatever schema parses has a default message that {@link CdrLayout} writes in bounded time and memory, that
 * {@link CdrTreeWriter} writes byte for byte the same and that reads back; and any bytes read under it return a tree or
 * throw {@link MalformedMessageException}.
 *
 * <p>An input is the schema text (UTF-8, root {@code fuzz_msgs/msg/Root}), a {@code 0} byte, and the message.
 * {@code mvn test} replays {@code SchemaAndMessageFuzzTestInputs/<method>/}; to fuzz:
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test \
 *     -Dtest='SchemaAndMessageFuzzTest#anySchemaReadsAnyBytesSafely'
 * </pre>
 */
class SchemaAndMessageFuzzTest {
    /** Largest default message written and read back; larger ones are only measured. */
    private static final long WRITTEN_DEFAULT_LIMIT = 1 << 16;

    @FuzzTest(maxDuration = "3m")
    // bounds each replayed input; when fuzzing, the whole run (above maxDuration) and libFuzzer's -timeout per input
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DictionaryEntries({"\\x0a========================================"
        + "========================================\\x0aMSG: fuzz_msgs/",
        "Header", "bool", "uint8", "int16", "int32", "uint64", "float32", "float64", "string", "string<=", "[<=",
        "[]", "[3]", "\\x00\\x00\\x01\\x00\\x00"})
    void anySchemaReadsAnyBytesSafely(byte[] input) {
        int zero = indexOfZero(input);
        String text = new String(input, 0, zero, StandardCharsets.UTF_8);
        byte[] message = zero < input.length ? Arrays.copyOfRange(input, zero + 1, input.length) : new byte[0];
        MsgSchema schema = MsgSchemaFuzzTest.parseOrNull(text);
        if (schema == null) {
            return;
        }
        MsgSchemaFuzzTest.checkWellFormed(schema);
        checkDefaultMessage(schema);
        CdrReaderFuzzTest.checkReadAgreesWithLayout(schema, MemorySegment.ofArray(message));
    }

    /**
     * The default message of {@code schema}: bounded, written the same by {@link CdrLayout#writeDefault} and
     * {@link CdrTreeWriter}, and read back by the reader and the layout.
     */
    static void checkDefaultMessage(MsgSchema schema) {
        MsgDefinition root = schema.root();
        long size = CdrLayout.defaultEnd(root, Cdr.ORIGIN);
        assertTrue(size > Cdr.ORIGIN && size <= Cdr.ORIGIN + MsgSchema.MAX_DEFAULT_SIZE, "default size " + size);
        if (size > WRITTEN_DEFAULT_LIMIT) {
            return;
        }
        MemorySegment written = MemorySegment.ofArray(new byte[(int) size]);
        Cdr.writeHeader(written);
        assertEquals(size, CdrLayout.writeDefault(root, written, Cdr.ORIGIN));
        assertEquals(size, CdrLayout.end(root, written, size, Cdr.ORIGIN), "the default message ends where written");
        CdrTreeWriter.Written expected = CdrTreeWriter.write(root, CdrValues.defaults(root));
        assertArrayEquals(expected.bytes(), written.toArray(ValueLayout.JAVA_BYTE),
            "writeDefault writes what a writer of the default values writes");
        assertEquals(expected.tree(), CdrReader.read(schema, written, Integer.MAX_VALUE), "the default reads back");
        CdrReaderFuzzTest.checkReadAgreesWithLayout(schema, written);
    }

    private static int indexOfZero(byte[] input) {
        for (int i = 0; i < input.length; i++) {
            if (input[i] == 0) {
                return i;
            }
        }
        return input.length;
    }
}
