package io.sluice.msg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code .msg} parser: the ROS 2 features a schema may use, the {@code ros2msg} concatenated format, and for each
 * kind of bad schema a {@link SchemaException} naming the type and the line.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MsgSchemaTest {
    private static final String ROOT = "test_msgs/msg/Root";
    private static final String SEPARATOR = MsgSchema.SEPARATOR;

    // ------------------------------------------------------------------------------------------------ features

    @Test
    void shouldParseConstantsWhichTakeNoBytes() {
        MsgSchema schema = parse("""
            uint8 DEBUG=10
            int32 MIN = -7   # a comment after a number
            string HASH="a # b"
            string EQUALS='x=y'
            float64 PI=3.14159
            int32 value
            """);
        assertEquals(List.of(new MsgConstant("DEBUG", Primitive.UINT8, "10"),
            new MsgConstant("MIN", Primitive.INT32, "-7"), new MsgConstant("HASH", Primitive.STRING, "a # b"),
            new MsgConstant("EQUALS", Primitive.STRING, "x=y"), new MsgConstant("PI", Primitive.FLOAT64, "3.14159")),
            schema.root().constants());
        assertEquals(1, schema.root().fields().size());
        assertEquals(8, CdrLayout.defaultEnd(schema.root(), Cdr.ORIGIN));
    }

    @Test
    void shouldKeepDefaultsAndWriteThemIntoTheDefaultMessage() {
        MsgSchema schema = parse("""
            int32 count 5
            string greeting "hello # not a comment"   # a comment
            bool on true
            float64 gain -1.5
            uint64 big 18446744073709551615
            string<=3 code 'abc'
            int8[] none
            """);
        MsgDefinition root = schema.root();
        assertEquals("5", root.field("count").defaultValue());
        assertEquals("\"hello # not a comment\"", root.field("greeting").defaultValue());
        assertNull(root.field("none").defaultValue());

        byte[] bytes = new byte[(int) CdrLayout.defaultEnd(root, Cdr.ORIGIN)];
        MemorySegment message = MemorySegment.ofArray(bytes);
        Cdr.writeHeader(message);
        CdrLayout.writeDefault(root, message, Cdr.ORIGIN);
        CdrTree tree = CdrReader.read(schema, message);
        assertEquals(5L, tree.get("count"));
        assertEquals("hello # not a comment", tree.get("greeting"));
        assertEquals(true, tree.get("on"));
        assertEquals(-1.5, tree.get("gain"));
        assertEquals(new BigInteger("18446744073709551615"), tree.get("big"));
        assertEquals("abc", tree.get("code"));
        assertEquals(List.of(), tree.get("none"));
    }

    @Test
    void shouldParseBoundedStringsBoundedSequencesAndFixedArrays() {
        MsgDefinition root = parse("""
            string<=10 name
            int32[<=5] values
            string<=3[<=2] codes
            float64[9] covariance
            string[2] pair
            """).root();
        MsgField name = root.field("name");
        assertEquals(10, name.stringBound());
        assertEquals(MsgField.Array.NONE, name.array());
        MsgField values = root.field("values");
        assertEquals(MsgField.Array.SEQUENCE, values.array());
        assertEquals(5, values.arrayLength());
        MsgField codes = root.field("codes");
        assertEquals(3, codes.stringBound());
        assertEquals(2, codes.arrayLength());
        assertEquals(MsgField.Array.FIXED, root.field("covariance").array());
        assertEquals(9, root.field("covariance").arrayLength());
        assertEquals(List.of("string<=10", "int32[<=5]", "string<=3[<=2]", "float64[9]", "string[2]"),
            root.fields().stream().map(MsgField::typeName).toList());
    }

    @Test
    void shouldSkipCommentsBlankLinesAndIndentation() {
        MsgDefinition root = parse("""
            # a leading comment

            \tint32 a   # trailing comment
              # indented comment
            float64 b#no space before the comment
            string c "#1"#a comment after a quoted default
            """).root();
        assertEquals("\"#1\"", root.field("c").defaultValue());
        assertEquals(List.of("a", "b", "c"), root.fields().stream().map(MsgField::name).toList());
    }

    @Test
    void shouldResolvePackageNameAndPackageMsgNameToOneDefinition() {
        MsgSchema schema = parse("""
            other_msgs/Point a
            other_msgs/msg/Point b
            other_msgs/Point[] c
            %1$s
            MSG: other_msgs/Point
            float64 x
            """.formatted(SEPARATOR));
        MsgDefinition point = schema.definition("other_msgs/msg/Point");
        assertSame(point, schema.root().field("a").message());
        assertSame(point, schema.root().field("b").message());
        assertSame(point, schema.root().field("c").message());
        assertSame(point, schema.definition("other_msgs/Point"));
        assertEquals(List.of(point), schema.dependencies());
    }

    @Test
    void shouldResolveUnqualifiedNamesInTheirOwnPackage() {
        MsgSchema schema = parse("""
            Local here
            other_msgs/Outer there
            %1$s
            MSG: test_msgs/Local
            int8 x
            %1$s
            MSG: other_msgs/Outer
            Local inner
            %1$s
            MSG: other_msgs/Local
            string y
            """.formatted(SEPARATOR));
        assertEquals("test_msgs/msg/Local", schema.root().field("here").message().name());
        MsgDefinition outer = schema.root().field("there").message();
        assertEquals("other_msgs/msg/Local", outer.field("inner").message().name());
    }

    @Test
    void shouldMapHeaderTimeAndDurationToTheirStandardTypes() {
        MsgSchema schema = parse("""
            Header header
            time stamp
            duration timeout
            %1$s
            MSG: std_msgs/Header
            builtin_interfaces/Time stamp
            string frame_id
            %1$s
            MSG: builtin_interfaces/Time
            int32 sec
            uint32 nanosec
            %1$s
            MSG: builtin_interfaces/Duration
            int32 sec
            uint32 nanosec
            """.formatted(SEPARATOR));
        assertEquals("std_msgs/msg/Header", schema.root().field("header").message().name());
        assertEquals("builtin_interfaces/msg/Time", schema.root().field("stamp").message().name());
        assertEquals("builtin_interfaces/msg/Duration", schema.root().field("timeout").message().name());
    }

    @Test
    void shouldReadCrlfTextAsLfText() {
        String lf = "# comment\nint32 a\nB b\n" + SEPARATOR + "\n\nMSG: test_msgs/B\nstring s\n";
        MsgSchema fromLf = parse(lf);
        MsgSchema fromCrlf = parse(lf.replace("\n", "\r\n"));
        assertEquals(MsgSchemaFuzzTest.signature(fromLf), MsgSchemaFuzzTest.signature(fromCrlf));
        assertEquals(fromLf.text(), fromCrlf.text());
        SchemaException error = assertThrows(SchemaException.class,
            () -> parse("int32 a\r\nint32 a\r\n"));
        assertTrue(error.getMessage().startsWith(ROOT + ": line 2: "), error.getMessage());
    }

    @Test
    void shouldGiveBackTheSameSchemaFromItsText() {
        for (MsgSchema sample : SampleSchemas.ALL) {
            String text = sample.text();
            MsgSchema again = MsgSchema.parse(sample.root().name(), text);
            assertEquals(MsgSchemaFuzzTest.signature(sample), MsgSchemaFuzzTest.signature(again));
            assertEquals(text, again.text(), "a schema's text is a fixed point of parse and text");
        }
        String text = "int32 a\n" + SEPARATOR + "\nMSG: test_msgs/Unused\nint8 b\n";
        assertEquals("int32 a\n", parse(text).text(), "definitions nothing refers to are left out");
    }

    @Test
    void shouldComposeASchemaFromSingleMsgTexts() {
        Map<String, String> files = Map.of(
            "test_msgs/msg/Root", "std_msgs/Header header\nPart[] parts\n",
            "test_msgs/msg/Part", "string name\r\nbuiltin_interfaces/Time at",
            "std_msgs/msg/Header", "builtin_interfaces/Time stamp\nstring frame_id\n",
            "builtin_interfaces/msg/Time", "int32 sec\nuint32 nanosec\n");
        MsgSchema composed = MsgSchema.compose(ROOT, files::get);
        assertEquals(List.of("std_msgs/msg/Header", "builtin_interfaces/msg/Time", "test_msgs/msg/Part"),
            composed.dependencies().stream().map(MsgDefinition::name).toList());
        MsgSchema parsed = MsgSchema.parse(ROOT, composed.text());
        assertEquals(MsgSchemaFuzzTest.signature(composed), MsgSchemaFuzzTest.signature(parsed));
        assertEquals("string name\nbuiltin_interfaces/Time at\n", composed.definition("test_msgs/Part").text());

        SchemaException missing = assertThrows(SchemaException.class,
            () -> MsgSchema.compose(ROOT, name -> name.equals(ROOT) ? "Missing m\n" : null));
        assertTrue(missing.getMessage().contains("line 1: unknown type test_msgs/msg/Missing"), missing.getMessage());
        assertThrows(SchemaException.class, () -> MsgSchema.compose("Root", files::get));
    }

    @Test
    void shouldParseTheLongestTextAcceptedWithoutStalling() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < MsgSchema.MAX_TEXT - 20; i++) {
            text.append("bool f").append(i).append('\n');
        }
        MsgSchema schema = parse(text.toString());
        assertTrue(schema.root().fields().size() > 80_000);
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void shouldNameTheLineOfAnUnknownType() {
        assertSchemaError("int32 a\nMissing b\n", ROOT + ": line 2: unknown type test_msgs/msg/Missing");
        assertSchemaError("int32 a\nother_msgs/Missing b\n", ROOT + ": line 2: unknown type other_msgs/msg/Missing");
    }

    @Test
    void shouldRefuseRecursiveTypes() {
        assertSchemaError("int32 a\nRoot self\n", ROOT + ": line 2: recursive type: " + ROOT + " contains itself");
        assertSchemaError("A a\n" + SEPARATOR + "\nMSG: test_msgs/A\nint8 x\nRoot back\n",
            "test_msgs/msg/A: line 5: recursive type: " + ROOT + " contains itself");
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimit() {
        StringBuilder text = new StringBuilder("T0 next\n");
        for (int i = 0; i <= MsgSchema.MAX_DEPTH + 1; i++) {
            text.append(SEPARATOR).append("\nMSG: test_msgs/T").append(i).append("\nT").append(i + 1).append(" next\n");
        }
        SchemaException error = assertThrows(SchemaException.class, () -> parse(text.toString()));
        assertTrue(error.getMessage().matches("test_msgs/msg/T\\d+: line \\d+: messages nested deeper than 32"),
            error.getMessage());
    }

    @Test
    void shouldRefuseBadArrayAndStringBounds() {
        assertSchemaError("int32[abc] x\n", ROOT + ": line 1: bad array or string bound in \"int32[abc]\"");
        assertSchemaError("int8 a\nint32[<=] x\n", ROOT + ": line 2: bad array or string bound in \"int32[<=]\"");
        assertSchemaError("int32[-1] x\n", ROOT + ": line 1: bad array or string bound");
        assertSchemaError("int32[99999999999] x\n", ROOT + ": line 1: bad array or string bound");
        assertSchemaError("int32[0] x\n", ROOT + ": line 1: bound out of range [1, 16777216]");
        assertSchemaError("int32[16777217] x\n", ROOT + ": line 1: bound out of range [1, 16777216]");
        assertSchemaError("string<=0 s\n", ROOT + ": line 1: bound out of range");
        assertSchemaError("int32[3 x\n", ROOT + ": line 1: unclosed array bracket in type \"int32[3\"");
        assertSchemaError("int32<=3 x\n", ROOT + ": line 1: only strings take a bound: \"int32<=3\"");
    }

    @Test
    void shouldRefuseBadFieldNames() {
        assertSchemaError("int32 9lives\n", ROOT + ": line 1: bad field name \"9lives\"");
        assertSchemaError("int32 a\nint32 has-dash\n", ROOT + ": line 2: bad field name \"has-dash\"");
        assertSchemaError("int32\n", ROOT + ": line 1: expected 'type name': \"int32\"");
    }

    @Test
    void shouldRefuseAFieldDefinedTwice() {
        assertSchemaError("int32 a\nfloat64 b\nfloat64 a\n", ROOT + ": line 3: field a defined twice");
    }

    @Test
    void shouldRefuseASeparatorWithoutMsgLine() {
        assertSchemaError("int32 a\n" + SEPARATOR + "\nint32 b\n",
            ROOT + ": line 3: expected 'MSG: package/Name' after a separator");
        SchemaException atTheEnd = assertThrows(SchemaException.class, () -> parse("int32 a\n" + SEPARATOR + "\n\n"));
        assertTrue(atTheEnd.getMessage().matches(ROOT + ": line \\d+: expected 'MSG: package/Name' after a separator"),
            atTheEnd.getMessage());
        assertSchemaError("int32 a\n" + SEPARATOR + "\nMSG: NoPackage\n",
            ROOT + ": line 3: bad type name after MSG: \"NoPackage\"");
    }

    @Test
    void shouldRefuseATypeDefinedTwice() {
        assertSchemaError("A a\n" + SEPARATOR + "\nMSG: test_msgs/A\nint8 x\n" + SEPARATOR + "\nMSG: test_msgs/msg/A\n",
            "test_msgs/msg/A: line 6: defined twice in the schema text");
    }

    @Test
    void shouldRefuseWhatItCannotRepresent() {
        assertSchemaError("wstring w\n", ROOT + ": line 1: wstring is not supported");
        assertSchemaError("B b 5\n" + SEPARATOR + "\nMSG: test_msgs/B\nint8 x\n",
            ROOT + ": line 1: a field of message type cannot have a default: b");
        assertSchemaError("B X=1\n", ROOT + ": line 1: a constant must have a primitive type: \"B\"");
        assertSchemaError("int32 a\nin$t b\n", ROOT + ": line 2: bad type \"in$t\"");
        assertThrows(SchemaException.class, () -> MsgSchema.parse("NoPackage", "int32 a\n"));
        assertThrows(SchemaException.class, () -> MsgSchema.parse(ROOT, null));
        assertThrows(SchemaException.class, () -> parse("#".repeat(MsgSchema.MAX_TEXT + 1)));
    }

    @Test
    void shouldRefuseDefaultsTheDefaultMessageCouldNotHold() {
        assertSchemaError("int8 x 300\n", ROOT + ": line 1: bad default value for int8: \"300\" (out of range");
        assertSchemaError("uint8 x -1\n", ROOT + ": line 1: bad default value for uint8");
        assertSchemaError("uint32 x 4294967296\n", ROOT + ": line 1: bad default value for uint32");
        assertSchemaError("int32 x abc\n", ROOT + ": line 1: bad default value for int32: \"abc\" (not a decimal");
        assertSchemaError("float64 x fast\n", ROOT + ": line 1: bad default value for float64");
        assertSchemaError("bool x maybe\n", ROOT + ": line 1: bad default value for bool: \"maybe\" (not a bool");
        assertSchemaError("string<=2 s \"abc\"\n", ROOT + ": line 1: bad default value for string");
        assertSchemaError("int8 x 0x7f\n", ROOT + ": line 1: bad default value for int8"); // ROS reads decimal
        assertSchemaError("float32 x 1e40\n", ROOT + ": line 1: bad default value for float32");
        assertSchemaError("float32 x -3.41e38\n", ROOT + ": line 1: bad default value for float32");
        // the largest float32 as it is printed (3.4028235e38 is a little above it as a double, and rounds to it)
        assertEquals(Float.MAX_VALUE, (float) (double) CdrValues.element(parse("float32 x 3.4028235e38\n").root()
            .field("x"), true));
        assertSchemaError("int32[3] a [1, 2]\n", ROOT + ": line 1: bad default value for int32: \"[1, 2]\" (2 values");
        assertSchemaError("int32[<=1] a [1, 2]\n", ROOT + ": line 1: bad default value for int32");
        assertSchemaError("int32 X=abc\n", ROOT + ": line 1: bad value of constant X");
        assertEquals("+127", parse("int8 x +127\nuint64 y 18446744073709551615\nfloat32 n nan\nfloat64 i -inf\n")
            .root().field("x").defaultValue());
    }

    @Test
    void shouldWriteTheArrayDefaultsTheSchemaGives() {
        MsgSchema schema = parse("int32[3] a [1, -2, 3]\nstring[] s [\"x,y\", 'z']\nfloat64[<=4] f [0.5, inf]\n"
            + "bool b true\nstring t \"hi # not a comment\"\n");
        java.lang.foreign.MemorySegment message = java.lang.foreign.MemorySegment.ofArray(
            new byte[(int) CdrLayout.defaultEnd(schema.root(), Cdr.ORIGIN)]);
        Cdr.writeHeader(message);
        CdrLayout.writeDefault(schema.root(), message, Cdr.ORIGIN);
        CdrTree tree = CdrReader.read(schema, message, Integer.MAX_VALUE);
        assertEquals(java.util.List.of(1L, -2L, 3L), tree.get("a"));
        assertEquals(java.util.List.of("x,y", "z"), tree.get("s"));
        assertEquals(java.util.List.of(0.5, Double.POSITIVE_INFINITY), tree.get("f"));
        assertEquals(true, tree.get("b"));
        assertEquals("hi # not a comment", tree.get("t"));
    }

    @Test
    void shouldRefuseADefaultMessageBeyondTheLimit() {
        // each level doubles the one below: 2^20 × 16 MiB, from a few hundred bytes of text
        StringBuilder text = new StringBuilder("L0 a\nL0 b\n");
        for (int i = 0; i < 20; i++) {
            text.append(SEPARATOR).append("\nMSG: test_msgs/L").append(i).append("\nL").append(i + 1)
                .append(" a\nL").append(i + 1).append(" b\n");
        }
        text.append(SEPARATOR).append("\nMSG: test_msgs/L20\nuint8[16777216] bulk\n");
        SchemaException error = assertThrows(SchemaException.class, () -> parse(text.toString()));
        assertTrue(error.getMessage().contains(": the default message of test_msgs/msg/L"), error.getMessage());
        assertTrue(error.getMessage().contains("would take more than 268435456 bytes"), error.getMessage());
        assertThrows(SchemaException.class, () -> CdrType.dynamic(ROOT, text.toString()));
        assertSchemaError("float64[16777216] a\nfloat64[16777216] b\nint8 c\n",
            ROOT + ": line 2: the default message of " + ROOT + " would take more than");
    }

    @Test
    void shouldAcceptADefaultMessageAtTheLimitAndRefuseOneByteMore() {
        // the estimate: 7 bytes of padding per field plus its elements (a string's: 3 + 4 + 1 at least), and a
        // sequence's 4-byte count; 134217735 + 134217711 + 10 bytes = MAX_DEFAULT_SIZE
        assertEquals(MsgSchema.MAX_DEFAULT_SIZE, 134217735L + 134217711 + 10);
        String big = "float64[16777216] a\n";
        parse(big + "float64[16777213] b\nuint8[3] c\n");
        assertSchemaError(big + "float64[16777213] b\nuint8[4] c\n", ROOT + ": line 3: the default message of "
            + ROOT + " would take more than");
        parse(big + "string[16777213] b\nuint8[3] c\n");
        assertSchemaError(big + "string[16777213] b\nuint8[4] c\n", ROOT + ": line 3: the default message");
        parse(big + "float64[16777211] b\nuint8[8] c\nuint8[] d\n");
        assertSchemaError(big + "float64[16777211] b\nuint8[9] c\nuint8[] d\n", ROOT + ": line 4: the default");
    }

    @Test
    void shouldAcceptBoundsAndBoundedDefaultsAtTheirLimits() {
        MsgSchema schema = parse("int32[<=3] a [1, 2, 3]\nstring<=16777216 s\n");
        assertEquals(3, schema.root().field("a").arrayLength());
        assertEquals(16777216, schema.root().field("s").stringBound());
        assertSchemaError("int32[<=3] a [1, 2, 3, 4]\n", ROOT + ": line 1: bad default value for int32");
        assertSchemaError("string<=100000000 s\n", ROOT + ": line 1: bound out of range");
        assertSchemaError("string<=1000000000 s\n", ROOT + ": line 1: bad array or string bound");
    }

    private static MsgSchema parse(String text) {
        return MsgSchema.parse(ROOT, text);
    }

    private static void assertSchemaError(String text, String expectedStart) {
        SchemaException error = assertThrows(SchemaException.class, () -> parse(text));
        assertTrue(error.getMessage().startsWith(expectedStart), () -> "expected a message starting with <"
            + expectedStart + "> but was <" + error.getMessage() + ">");
    }
}
