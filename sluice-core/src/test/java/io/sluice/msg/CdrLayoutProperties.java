package io.sluice.msg;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Properties of the CDR layout over random message definitions (nested messages, strings, bounded strings, fixed
 * arrays and sequences of primitives, strings and messages, schema defaults) and random values, written by the
 * independent {@link CdrTreeWriter}: the generic reader gives the values back at the offsets written,
 * {@link CdrLayout#end} finds the written end, {@link CdrLayout#writeDefault} writes the default values, and changing a
 * string or a sequence's length in place (what generated setters do) gives exactly the bytes of writing the changed
 * values from scratch, growing or shrinking, wherever the field is.
 */
class CdrLayoutProperties {
    private static final String PACKAGE = "prop_msgs";
    private static final List<Primitive> PRIMITIVES = Arrays.stream(Primitive.values())
        .filter(primitive -> primitive != Primitive.WSTRING).toList();

    /** A message definition and values for it. */
    record Sample(MsgSchema schema, CdrTree values) {
        @Override
        public String toString() {
            return schema.text() + "--- values:\n" + values;
        }
    }

    /** One field as generated, before it is rendered as {@code .msg} text. */
    record FieldChoice(int kind, int primitive, int reference, int array, int length, int stringBound,
                       boolean withDefault) {
    }

    @Provide
    Arbitrary<Sample> samples() {
        Arbitrary<FieldChoice> field = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, PRIMITIVES.size() - 1), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 6), Arbitraries.of(false, false, true))
            .as(FieldChoice::new);
        Arbitrary<List<List<FieldChoice>>> types = field.list().ofMaxSize(6).list().ofMinSize(1).ofMaxSize(4);
        return types.map(CdrLayoutProperties::schema).flatMap(schema -> message(schema.root())
            .map(values -> new Sample(schema, values)));
    }

    /** Renders the types as ros2msg text: type {@code i} refers only to types after it, so nothing recurses. */
    static MsgSchema schema(List<List<FieldChoice>> types) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            if (i > 0) {
                text.append(MsgSchema.SEPARATOR).append("\nMSG: ").append(PACKAGE).append("/T").append(i).append('\n');
            }
            text.append("# type ").append(i).append('\n');
            List<FieldChoice> fields = types.get(i);
            for (int f = 0; f < fields.size(); f++) {
                text.append(field(fields.get(f), i, types.size())).append(" f").append(f);
                FieldChoice choice = fields.get(f);
                if (choice.withDefault() && choice.array() < 2 && choice.kind() < 7) {
                    text.append(' ').append(defaultText(PRIMITIVES.get(choice.primitive()), choice.stringBound()));
                }
                text.append('\n');
            }
        }
        return MsgSchema.parse(PACKAGE + "/msg/T0", text.toString());
    }

    private static String field(FieldChoice choice, int type, int typeCount) {
        String element;
        boolean message = choice.kind() >= 7 && type + 1 < typeCount;
        if (message) {
            int target = type + 1 + choice.reference() % (typeCount - type - 1);
            element = switch (choice.reference() % 3) {
                case 0 -> "T" + target;
                case 1 -> PACKAGE + "/T" + target;
                default -> PACKAGE + "/msg/T" + target;
            };
        } else {
            Primitive primitive = PRIMITIVES.get(choice.primitive());
            element = primitive.msgName();
            if (primitive == Primitive.STRING && choice.stringBound() > 0) {
                element += "<=" + choice.stringBound();
            }
        }
        return switch (choice.array()) {
            case 0, 1 -> element;
            case 2 -> element + "[" + choice.length() + "]";
            case 3 -> element + "[<=" + choice.length() + "]";
            default -> element + "[]";
        };
    }

    private static String defaultText(Primitive primitive, int stringBound) {
        return switch (primitive) {
            case BOOL -> "true";
            case INT8, INT16, INT32, INT64 -> "-7";
            case FLOAT32 -> "1.5";
            case FLOAT64 -> "-0.25";
            case STRING -> stringBound == 0 || stringBound >= 2 ? "\"d#\"" : "'d'";
            default -> "42";
        };
    }

    /** Values for a message of type {@code definition}. */
    static Arbitrary<CdrTree> message(MsgDefinition definition) {
        if (definition.fields().isEmpty()) {
            return Arbitraries.just(CdrValues.tree(definition));
        }
        List<Arbitrary<Object>> fields = new ArrayList<>();
        for (MsgField field : definition.fields()) {
            fields.add(field(field));
        }
        return Combinators.combine(fields).as(values -> CdrValues.tree(definition, values));
    }

    private static Arbitrary<Object> field(MsgField field) {
        Arbitrary<Object> element = element(field);
        return switch (field.array()) {
            case NONE -> element;
            case FIXED -> element.list().ofSize(field.arrayLength()).map(list -> list);
            case SEQUENCE -> element.list().ofMaxSize(field.arrayLength() > 0 ? field.arrayLength() : 4)
                .map(list -> list);
        };
    }

    private static Arbitrary<Object> element(MsgField field) {
        if (field.message() != null) {
            return message(field.message()).map(tree -> tree);
        }
        return switch (field.primitive()) {
            case BOOL -> Arbitraries.of(true, false);
            case INT8 -> Arbitraries.longs().between(Byte.MIN_VALUE, Byte.MAX_VALUE).map(v -> v);
            case BYTE, CHAR, UINT8 -> Arbitraries.longs().between(0, 255).map(v -> v);
            case INT16 -> Arbitraries.longs().between(Short.MIN_VALUE, Short.MAX_VALUE).map(v -> v);
            case UINT16 -> Arbitraries.longs().between(0, 65535).map(v -> v);
            case INT32 -> Arbitraries.longs().between(Integer.MIN_VALUE, Integer.MAX_VALUE).map(v -> v);
            case UINT32 -> Arbitraries.longs().between(0, 0xffff_ffffL).map(v -> v);
            case INT64 -> Arbitraries.longs().map(v -> v);
            case UINT64 -> Arbitraries.longs().map(v -> v >= 0 ? v : new BigInteger(Long.toUnsignedString(v)));
            case FLOAT32 -> Arbitraries.floats().withSpecialValue(Float.NaN).withSpecialValue(-0.0f)
                .map(v -> (double) v);
            case FLOAT64 -> Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0).map(v -> v);
            case STRING -> strings(field.stringBound()).map(v -> v);
            case WSTRING -> throw new IllegalArgumentException("wstring");
        };
    }

    /** Strings of at most {@code bound} UTF-8 bytes (0: at most 12 characters), some of them beyond ASCII. */
    static Arbitrary<String> strings(int bound) {
        return Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '#', '\u00e9', '\u4e2d', '\n')
            .ofMaxLength(bound > 0 ? bound : 12)
            .map(text -> {
                String fitting = text;
                while (bound > 0 && Cdr.utf8Length(fitting) > bound) {
                    fitting = fitting.substring(0, fitting.length() - 1);
                }
                return fitting;
            });
    }

    // ---------------------------------------------------------------------------------------------------- properties

    @Property(tries = 300)
    void readerGivesBackEveryValueAtItsOffset(@ForAll("samples") Sample sample) {
        CdrTreeWriter.Written written = CdrTreeWriter.write(sample.schema().root(), sample.values());
        MemorySegment message = MemorySegment.ofArray(written.bytes());
        assertEquals(written.tree(), CdrReader.read(sample.schema(), message, Integer.MAX_VALUE));
        CdrReaderFuzzTest.checkReadAgreesWithLayout(sample.schema(), message);
    }

    @Property(tries = 300)
    void layoutEndIsTheWrittenLength(@ForAll("samples") Sample sample) {
        byte[] bytes = CdrTreeWriter.bytes(sample.schema().root(), sample.values());
        assertEquals(bytes.length,
            CdrLayout.end(sample.schema().root(), MemorySegment.ofArray(bytes), bytes.length, Cdr.ORIGIN));
    }

    @Property(tries = 200)
    void writeDefaultWritesTheDefaultValues(@ForAll("samples") Sample sample) {
        SchemaAndMessageFuzzTest.checkDefaultMessage(sample.schema());
    }

    @Property(tries = 400)
    void changingAStringOrSequenceInPlaceEqualsWritingFromScratch(@ForAll("samples") Sample sample,
                                                                 @ForAll @IntRange(min = 0, max = 1000) int spotChoice,
                                                                 @ForAll @IntRange(min = 0, max = 6) int count,
                                                                 @ForAll("replacements") String text) {
        MsgDefinition root = sample.schema().root();
        CdrTreeWriter.Written before = CdrTreeWriter.write(root, sample.values());
        List<CdrTreeWriter.Spot> spots = before.spots();
        if (spots.isEmpty()) {
            return;
        }
        CdrTreeWriter.Spot spot = spots.get(spotChoice % spots.size());
        Object replacement = replacement(spot, count, text);
        byte[] expected = CdrTreeWriter.bytes(root, replace(sample.values(), spot.path(), 0, replacement));
        Statistics.label("where").collect(spotChoice % spots.size() == 0 ? "first"
            : spotChoice % spots.size() == spots.size() - 1 ? "last" : "middle");
        Statistics.label("change").collect(Long.signum(expected.length - before.bytes().length) < 0 ? "shrinks"
            : expected.length == before.bytes().length ? "same size" : "grows");

        MemorySegment loan = MemorySegment.ofArray(new byte[Math.max(expected.length, before.bytes().length) + 16]);
        MemorySegment.copy(before.bytes(), 0, loan, ValueLayout.JAVA_BYTE, 0, before.bytes().length);
        change(root, loan, spot, replacement);

        byte[] actual = loan.toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(expected, Arrays.copyOf(actual, expected.length), () -> "in place at " + spot.at()
            + " (" + spot.field().typeName() + " " + spot.field().name() + " -> " + replacement + ")");
        int after = Math.max(expected.length, before.bytes().length); // [new end, old end) keeps stale bytes
        assertArrayEquals(new byte[actual.length - after], Arrays.copyOfRange(actual, after, actual.length),
            "nothing written after the message");
    }

    @Property(tries = 200)
    void growingBeyondTheLoanThrowsAndChangesNothing(@ForAll("samples") Sample sample,
                                                    @ForAll @IntRange(min = 0, max = 1000) int spotChoice) {
        MsgDefinition root = sample.schema().root();
        CdrTreeWriter.Written before = CdrTreeWriter.write(root, sample.values());
        List<CdrTreeWriter.Spot> spots = before.spots().stream()
            .filter(spot -> spot.isString() && spot.field().stringBound() == 0
                || !spot.isString() && spot.field().arrayLength() == 0)
            .toList();
        if (spots.isEmpty()) {
            return;
        }
        CdrTreeWriter.Spot spot = spots.get(spotChoice % spots.size());
        // 8 more bytes at least: padding absorbs up to 7
        Object replacement = spot.isString() ? spot.value() + "12345678"
            : replacement(spot, ((List<?>) spot.value()).size() + 8, "");
        MemorySegment loan = MemorySegment.ofArray(before.bytes().clone());
        assertThrows(IllegalStateException.class, () -> change(root, loan, spot, replacement));
        assertArrayEquals(before.bytes(), loan.toArray(ValueLayout.JAVA_BYTE), "a refused change changes nothing");
    }

    @Provide
    Arbitrary<String> replacements() {
        return strings(0);
    }

    /** The new value for {@code spot}: {@code text} cut to its bound, or its sequence cut or grown to a count. */
    static Object replacement(CdrTreeWriter.Spot spot, int count, String text) {
        MsgField field = spot.field();
        if (spot.isString()) {
            String fitting = text;
            while (field.stringBound() > 0 && Cdr.utf8Length(fitting) > field.stringBound()) {
                fitting = fitting.substring(0, fitting.length() - 1);
            }
            return fitting;
        }
        List<?> old = (List<?>) spot.value();
        int size = field.arrayLength() > 0 ? Math.min(count, field.arrayLength()) : count;
        List<Object> values = new ArrayList<>(old.subList(0, Math.min(size, old.size())));
        while (values.size() < size) {
            values.add(CdrValues.element(field, false));
        }
        return values;
    }

    /** Changes {@code spot} in the message in {@code loan} as a generated setter does. */
    static void change(MsgDefinition root, MemorySegment loan, CdrTreeWriter.Spot spot, Object replacement) {
        TestFlyweight message = new TestFlyweight(root, loan);
        TestFlyweight owner = spot.owner() == root ? message : message.nested(spot.owner(), spot.ownerOffset());
        if (replacement instanceof String text) {
            owner.putString(spot.at(), text, spot.field().name());
        } else {
            owner.resizeSequence(spot.at(), ((List<?>) replacement).size(), spot.field().name());
        }
    }

    /** {@code tree} with the value at {@code path} (from {@code from} on) replaced. */
    static Object replace(Object node, List<Integer> path, int from, Object value) {
        if (from == path.size()) {
            return value;
        }
        CdrTree tree = (CdrTree) node;
        int index = path.get(from);
        int element = path.get(from + 1);
        CdrTree.Field field = tree.fields().get(index);
        Object replaced;
        if (element < 0) {
            replaced = replace(field.value(), path, from + 2, value);
        } else {
            List<Object> elements = new ArrayList<>((List<?>) field.value());
            elements.set(element, replace(elements.get(element), path, from + 2, value));
            replaced = elements;
        }
        List<CdrTree.Field> fields = new ArrayList<>(tree.fields());
        fields.set(index, new CdrTree.Field(field.name(), field.type(), field.offset(), replaced));
        return new CdrTree(tree.type(), fields);
    }

    static CdrTree replace(CdrTree tree, List<Integer> path, int from, Object value) {
        return (CdrTree) replace((Object) tree, path, from, value);
    }
}
