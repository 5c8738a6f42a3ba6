package io.sluice.msg;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the {@code .msg} parser with arbitrary text, as a topic or an MCAP file may carry it: {@link MsgSchema#parse}
 * returns a schema or throws {@link SchemaException}, nothing else, and never hangs or overflows the stack. What
 * parses is well formed and reads back the same from its own text.
 *
 * <p>{@code mvn test} replays {@code MsgSchemaFuzzTestInputs/<method>/}; to fuzz:
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test \
 *     -Dtest='MsgSchemaFuzzTest#parseReturnsSchemaOrThrowsSchemaException'
 * </pre>
 */
class MsgSchemaFuzzTest {
    static final String ROOT = "fuzz_msgs/msg/Root";

    @FuzzTest(maxDuration = "3m")
    // bounds each replayed input; when fuzzing, the whole run (above maxDuration) and libFuzzer's -timeout per input
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DictionaryEntries({"\\x0a========================================"
        + "========================================\\x0aMSG: ", "fuzz_msgs/", "fuzz_msgs/msg/", "std_msgs/Header",
        "builtin_interfaces/Time", "Header", "time", "duration", "bool", "byte", "char", "int8", "uint8", "int16",
        "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "string", "wstring", "string<=", "[<=",
        "[]", "[3]", "16777216", "=", "#", "\\\"", "'", "\\x0d\\x0a"})
    void parseReturnsSchemaOrThrowsSchemaException(byte[] input) {
        MsgSchema schema = parseOrNull(new String(input, StandardCharsets.UTF_8));
        if (schema != null) {
            checkWellFormed(schema);
        }
    }

    /** The schema of {@code text}, or {@code null} when it throws {@link SchemaException}; anything else fails. */
    static MsgSchema parseOrNull(String text) {
        try {
            return MsgSchema.parse(ROOT, text);
        } catch (SchemaException expected) {
            assertNotNull(expected.getMessage());
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            return fail("not a SchemaException: " + e, e);
        }
    }

    /**
     * Checks what a parsed schema promises: names and bounds in range, each field once, every nested type among the
     * dependencies, and the same schema again from its own text (what a topic or a recording carries) and from
     * {@link MsgSchema#compose} over its definitions. Linear in the schema: definitions are compared by
     * {@link #signature}, as nested records compare in time exponential in the depth of a diamond of types.
     */
    static void checkWellFormed(MsgSchema schema) {
        assertEquals(ROOT, schema.root().name());
        Set<String> names = new HashSet<>();
        names.add(schema.root().name());
        for (MsgDefinition dependency : schema.dependencies()) {
            assertTrue(names.add(dependency.name()), dependency.name() + " once");
        }
        checkDefinition(schema, schema.root());
        for (MsgDefinition dependency : schema.dependencies()) {
            checkDefinition(schema, dependency);
        }
        MsgSchema again = MsgSchema.parse(ROOT, schema.text());
        assertEquals(signature(schema), signature(again), "the schema reads back from its text");
        assertEquals(schema.text(), again.text(), "its text is a fixed point");
        MsgSchema composed = MsgSchema.compose(ROOT, name -> {
            MsgDefinition definition = schema.definition(name);
            return definition == null ? null : definition.text();
        });
        assertEquals(signature(schema.root()), signature(composed.root()), "compose gives the same root");
        assertEquals(schema.dependencies().size(), composed.dependencies().size(), "and the same dependencies");
        for (MsgDefinition dependency : composed.dependencies()) {
            assertEquals(signature(schema.definition(dependency.name())), signature(dependency));
        }
    }

    /** Every definition of {@code schema} by {@link #signature(MsgDefinition)}, root first. */
    static String signature(MsgSchema schema) {
        StringBuilder text = new StringBuilder(signature(schema.root()));
        for (MsgDefinition dependency : schema.dependencies()) {
            text.append(signature(dependency));
        }
        return text.toString();
    }

    /** A definition's name, text, constants and fields, nested types by name only. */
    static String signature(MsgDefinition definition) {
        StringBuilder text = new StringBuilder(definition.name()).append('\n').append(definition.text())
            .append(definition.constants()).append('\n');
        for (MsgField field : definition.fields()) {
            text.append(field.typeName()).append(' ').append(field.name()).append(' ').append(field.defaultValue())
                .append(' ').append(field.message() == null ? field.primitive() : field.message().name()).append('\n');
        }
        return text.toString();
    }

    private static void checkDefinition(MsgSchema schema, MsgDefinition definition) {
        Set<String> names = new HashSet<>();
        for (MsgField field : definition.fields()) {
            assertTrue(names.add(field.name()), "field " + field.name() + " once");
            assertTrue((field.primitive() == null) != (field.message() == null), field.name());
            assertTrue(field.primitive() != Primitive.WSTRING, "wstring refused");
            assertTrue(field.arrayLength() >= 0 && field.arrayLength() <= MsgSchema.MAX_ARRAY_LENGTH);
            assertTrue(field.array() != MsgField.Array.FIXED || field.arrayLength() >= 1);
            assertTrue(field.stringBound() >= 0 && field.stringBound() <= MsgSchema.MAX_ARRAY_LENGTH);
            if (field.message() != null) {
                assertTrue(field.message() == schema.definition(field.message().name()),
                    () -> field.message().name() + " is a dependency");
            }
        }
    }
}
