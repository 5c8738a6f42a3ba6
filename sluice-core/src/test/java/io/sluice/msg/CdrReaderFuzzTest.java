package io.sluice.msg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the generic reader with bytes no writer made: whatever they hold, {@link CdrReader#read} returns a tree or
 * throws {@link MalformedMessageException}, and {@link CdrLayout#end} walks them to the same verdict.
 *
 * <p>The first byte of an input picks a schema of {@link SampleSchemas#ALL}; the rest is the message, encapsulation
 * header first. {@code mvn test} replays {@code CdrReaderFuzzTestInputs/<method>/} under the test resources; to fuzz
 * (one method per run, new inputs land in {@code .cifuzz-corpus/}):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test \
 *     -Dtest='CdrReaderFuzzTest#readReturnsTreeOrThrowsMalformedMessage'
 * </pre>
 */
class CdrReaderFuzzTest {
    @FuzzTest(maxDuration = "3m")
    // bounds each replayed input; when fuzzing, the whole run (above maxDuration) and libFuzzer's -timeout per input
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void readReturnsTreeOrThrowsMalformedMessage(byte[] input) {
        if (input.length == 0) {
            return;
        }
        MsgSchema schema = SampleSchemas.ALL.get(Byte.toUnsignedInt(input[0]) % SampleSchemas.ALL.size());
        checkReadAgreesWithLayout(schema, MemorySegment.ofArray(Arrays.copyOfRange(input, 1, input.length)));
    }

    /**
     * Reads {@code message} with the reader (summarised and in full) and walks it with {@link CdrLayout}: all three
     * succeed, or all three fail at the same offset; on success each field ends where the next starts.
     */
    static void checkReadAgreesWithLayout(MsgSchema schema, MemorySegment message) {
        MsgDefinition root = schema.root();
        Outcome summarised = Outcome.of(() -> CdrReader.read(schema, message));
        Outcome full = Outcome.of(() -> CdrReader.read(schema, message, Integer.MAX_VALUE));
        Outcome layout = Outcome.of(() -> CdrLayout.end(root, message, message.byteSize(),
            Cdr.body(message, message.byteSize(), root.name())));
        assertEquals(full.failure == null, summarised.failure == null, "summarised and full read agree");
        assertEquals(full.failure == null, layout.failure == null,
            () -> "reader and layout agree: reader " + full + ", layout " + layout);
        if (full.failure != null) {
            assertEquals(full.failure.offset(), layout.failure.offset(),
                () -> "reader and layout fail at the same offset: reader " + full + ", layout " + layout);
            assertEquals(full.failure.offset(), summarised.failure.offset());
            return;
        }
        long end = (Long) layout.value;
        assertTrue(end <= message.byteSize(), "end inside the message");
        CdrTree tree = (CdrTree) full.value;
        assertEquals(root.name(), tree.type());
        checkFieldsFollowEachOther(root, tree, message, end);
        assertNotNull(summarised.value.toString());
        assertNotNull(tree.toString());
    }

    private static void checkFieldsFollowEachOther(MsgDefinition definition, CdrTree tree, MemorySegment message,
                                                   long end) {
        List<CdrTree.Field> fields = tree.fields();
        assertEquals(definition.fields().size(), fields.size());
        for (int i = 0; i < fields.size(); i++) {
            MsgField field = definition.fields().get(i);
            long fieldEnd = CdrLayout.fieldEnd(definition, field, message, message.byteSize(),
                fields.get(i).offset());
            long next = i + 1 < fields.size() ? fields.get(i + 1).offset() : end;
            assertEquals(next, fieldEnd, () -> definition.name() + "." + field.name() + " ends where the next starts");
            if (field.message() != null && field.array() == MsgField.Array.NONE) {
                checkFieldsFollowEachOther(field.message(), (CdrTree) fields.get(i).value(), message, fieldEnd);
            }
        }
    }

    /** A value or a {@link MalformedMessageException}; anything else fails the test. */
    private record Outcome(Object value, MalformedMessageException failure) {
        static Outcome of(Supplier<?> action) {
            try {
                return new Outcome(action.get(), null);
            } catch (MalformedMessageException e) {
                assertTrue(e.getMessage().contains(" at offset " + e.offset()), e.getMessage());
                return new Outcome(null, e);
            } catch (RuntimeException | StackOverflowError e) {
                return fail("not a MalformedMessageException: " + e, e);
            }
        }

        @Override
        public String toString() {
            return failure != null ? failure.getMessage() : String.valueOf(value);
        }
    }
}
