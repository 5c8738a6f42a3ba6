package io.sluice.msggen;

import io.sluice.msg.Primitive;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ROS 2 names and values as Java names and constant expressions. */
class NamingTest {
    @Test
    void shouldCamelCaseFieldNamesWhenTheyAreSnakeCase() {
        assertEquals("frameId", JavaNames.member("frame_id"));
        assertEquals("isBigendian", JavaNames.member("is_bigendian"));
        assertEquals("k", JavaNames.member("K"));
        assertEquals("frameID", JavaNames.member("frameID"));
        assertEquals("point3d", JavaNames.member("point_3d"));
        assertEquals("aB", JavaNames.member("a__b_"));
        assertEquals("dataCount", JavaNames.countMember("data"));
    }

    @Test
    void shouldSuffixMembersWhenJavaOrTheBaseClassUsesTheName() {
        assertEquals("class_", JavaNames.member("class"));
        assertEquals("null_", JavaNames.member("null"));
        assertEquals("toString_", JavaNames.member("to_string"));
        assertEquals("notifyAll_", JavaNames.member("notify_all"));
        assertEquals("cdrOffset_", JavaNames.member("cdr_offset"));
        assertEquals("cdrom_", JavaNames.member("cdrom"));
        assertEquals("classCount", JavaNames.countMember("class"));
        assertEquals("cdrCount_", JavaNames.countMember("cdr"));
        assertEquals("record", JavaNames.member("record"));
        assertEquals("NAME_", JavaNames.constant("NAME"));
        assertEquals("DEFINITION_", JavaNames.constant("DEFINITION"));
        assertEquals("INT8", JavaNames.constant("INT8"));
        assertEquals("new_", JavaNames.packageSegment("new"));
    }

    @Test
    void shouldUpperSnakeFieldNamesWhenNamingLengthConstants() {
        assertEquals("ORIENTATION_COVARIANCE", JavaNames.upperSnake("orientation_covariance"));
        assertEquals("K", JavaNames.upperSnake("k"));
        assertEquals("FRAME_ID", JavaNames.upperSnake("frameID"));
    }

    @Test
    void shouldRefusePrefixesWhenTheyAreNotJavaPackageNames() {
        assertTrue(JavaNames.isQualifiedName("com.acme.msg"));
        assertTrue(JavaNames.isQualifiedName("msg"));
        assertFalse(JavaNames.isQualifiedName("com..acme"));
        assertFalse(JavaNames.isQualifiedName("com.acme."));
        assertFalse(JavaNames.isQualifiedName("com.int"));
        assertFalse(JavaNames.isQualifiedName("com.9lives"));
        assertFalse(JavaNames.isQualifiedName(null));
    }

    @Test
    void shouldWriteExpressionsOfTheJavaTypeWhenConstantsFit() {
        assertEquals("(byte) 255", ClassWriter.javaValue(Primitive.UINT8, "255"));
        assertEquals("(byte) -128", ClassWriter.javaValue(Primitive.INT8, "-128"));
        assertEquals("(short) 65535", ClassWriter.javaValue(Primitive.UINT16, "0xffff"));
        assertEquals("2147483647", ClassWriter.javaValue(Primitive.INT32, "+2147483647"));
        assertEquals("0xffffffff", ClassWriter.javaValue(Primitive.UINT32, "4294967295"));
        assertEquals("-9223372036854775808L", ClassWriter.javaValue(Primitive.INT64, "-9223372036854775808"));
        assertEquals("5L", ClassWriter.javaValue(Primitive.UINT64, "5"));
        assertEquals("1.5f", ClassWriter.javaValue(Primitive.FLOAT32, "1.5"));
        assertEquals("-1.0E-5", ClassWriter.javaValue(Primitive.FLOAT64, "-1e-5"));
        assertEquals("0.0 / 0.0", ClassWriter.javaValue(Primitive.FLOAT64, "NaN"));
        assertEquals("1.0f / 0.0f", ClassWriter.javaValue(Primitive.FLOAT32, "inf"));
        assertEquals("true", ClassWriter.javaValue(Primitive.BOOL, "True"));
        assertEquals("false", ClassWriter.javaValue(Primitive.BOOL, "0"));
    }

    @Test
    void shouldRefuseConstantsWhenTheyDoNotFitTheirType() {
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.UINT8, "256"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.UINT8, "-1"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.INT8, "128"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.INT32, "1.5"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.INT32, "--1"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.FLOAT64, "0x1p3"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.FLOAT32, "1.0f"));
        assertThrows(IllegalArgumentException.class, () -> ClassWriter.javaValue(Primitive.BOOL, "yes"));
    }

    @Test
    void shouldQualifyTypesWhenTheirSimpleNamesAreTaken() {
        TypeNames names = new TypeNames("p.msgs.User", Set.of("String", "Cdr"), Set.of("NAME", "TYPE"));
        assertEquals("java.lang.String", names.use("java.lang.String"));
        assertEquals("io.sluice.msg.Cdr", names.use("io.sluice.msg.Cdr"));
        assertEquals("Cdr", names.use("p.msgs.Cdr"));
        assertEquals("User", names.use("p.msgs.User"));
        assertEquals("other.User", names.use("other.User"));
        assertEquals("Override", names.use("java.lang.Override"));
        assertEquals("MemorySegment", names.use("java.lang.foreign.MemorySegment"));
        assertEquals("q.MemorySegment", names.use("q.MemorySegment"));
        assertEquals("q.TYPE", names.use("q.TYPE"));
        assertEquals("import java.lang.foreign.MemorySegment;\n", names.importBlock());
    }

    @Test
    void shouldEscapeTextWhenItGoesIntoLiteralsOrJavadoc() {
        assertEquals("\"a\\\"b\\\\c\\n\\u00e9\"", JavaText.literal("a\"b\\c\né"));
        assertEquals("{@code uint8[] data}", JavaText.code("uint8[] data"));
        assertEquals("<code>string s \"*&#47; &#64;x\"</code>", JavaText.code("string s \"*/ @x\""));
        assertEquals(" * <pre>\n * a &lt; b\n *\n * &#x1f600;\n * </pre>\n", JavaText.pre("a < b\n\n\uD83D\uDE00\n"));
    }
}
