package io.sluice.msggen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the generator accepts, what it refuses and how it says so, and how it writes its output. */
class MessageGeneratorTest {
    @TempDir
    Path dir;

    private Path msg(String type, String text) throws IOException {
        Path file = dir.resolve("msg").resolve(type + ".msg");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private MessageGenerator generator() {
        return MessageGenerator.builder().msgDirectory(dir.resolve("msg")).packagePrefix("com.acme").build();
    }

    private List<String> problems() {
        return assertThrows(MessageGenerationException.class, () -> generator().generate()).problems();
    }

    private static String only(List<String> problems) {
        assertEquals(1, problems.size(), () -> "problems: " + problems);
        return problems.getFirst();
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "<" + text + "> does not contain <" + part + ">");
        }
    }

    @Test
    void shouldGenerateOnlyUserTypesWhenTheyUseStandardOnes() throws IOException {
        msg("acme_msgs/msg/Detection", "std_msgs/Header header\ngeometry_msgs/Point[] corners\nuint8[] mask\n");
        List<GeneratedFile> files = generator().generate();
        assertEquals(1, files.size());
        GeneratedFile detection = files.getFirst();
        assertEquals("acme_msgs/msg/Detection", detection.type());
        assertEquals("com.acme.acme_msgs.Detection", detection.className());
        assertEquals("com/acme/acme_msgs/Detection.java", detection.path());
        assertContains(detection.content(), "package com.acme.acme_msgs;", "import io.sluice.msg.std_msgs.Header;",
            "import io.sluice.msg.geometry_msgs.Point;", "+ \"MSG: std_msgs/Header\\n\"",
            "+ \"MSG: builtin_interfaces/Time\\n\"", "+ \"MSG: geometry_msgs/Point\\n\"");
    }

    @Test
    void shouldUseTheBundledStandardTypeWhenAMsgDirectoryHoldsACopy() throws IOException {
        msg("std_msgs/msg/Header", "# another copy\nbuiltin_interfaces/Time stamp\nstring frame_id\n");
        msg("acme_msgs/msg/Stamped", "std_msgs/Header header\n");
        List<GeneratedFile> files = generator().generate();
        assertEquals(List.of("acme_msgs/msg/Stamped"), files.stream().map(GeneratedFile::type).toList());
        assertFalse(files.getFirst().content().contains("another copy"));
    }

    @Test
    void shouldMapPackagesUnderThePrefixWhenTheyAreNotStandard() throws IOException {
        msg("new/msg/Thing", "int32 x\n");
        assertEquals("com.acme.new_.Thing", generator().generate().getFirst().className());
        assertEquals("io.sluice.msg.sensor_msgs.Image", generator().className("sensor_msgs/msg/Image"));
        assertEquals("io.sluice.msg.acme_msgs.Thing",
            MessageGenerator.builder().build().className("acme_msgs/msg/Thing"));
    }

    @Test
    void shouldExtendTheGivenSuperclassWhenOneIsMapped() throws IOException {
        msg("acme_msgs/msg/Frame", "uint8[] data\n");
        GeneratedFile frame = MessageGenerator.builder().msgDirectory(dir.resolve("msg"))
            .superclass("acme_msgs/msg/Frame", "com.acme.support.FrameSupport").build().generate().getFirst();
        assertContains(frame.content(), "import com.acme.support.FrameSupport;",
            "public final class Frame extends FrameSupport {");
    }

    @Test
    void shouldFailNamingBothFieldsWhenTheyMapToOneAccessor() throws IOException {
        Path file = msg("acme_msgs/msg/Twin", "# twins\nint32 a_b\nint32 aB\n");
        assertContains(only(problems()), file + ":3: aB and a_b (" + file + ":2) both give method aB()");
    }

    @Test
    void shouldFailWhenACountAccessorCollidesWithAField() throws IOException {
        Path file = msg("acme_msgs/msg/Counted", "uint8[] data\nint32 data_count\n");
        assertContains(only(problems()),
            file + ":2: data_count and data (" + file + ":1) both give method dataCount()");
    }

    @Test
    void shouldFailWhenAConstantCollidesWithAGeneratedOne() throws IOException {
        Path file = msg("acme_msgs/msg/Lengths", "int32 K_LENGTH = 3\nint32 NAME_ = 1\nint32 NAME = 2\nfloat64[2] k\n");
        List<String> problems = problems();
        assertEquals(2, problems.size(), () -> "problems: " + problems);
        assertContains(problems.get(0), file + ":3: NAME and NAME_ (" + file + ":2) both give constant NAME_");
        assertContains(problems.get(1), file + ":4: k and K_LENGTH (" + file + ":1) both give constant K_LENGTH");
    }

    @Test
    void shouldFailNamingFileAndLineWhenAFieldIsAWstring() throws IOException {
        Path file = msg("acme_msgs/msg/Wide", "int32 before\nwstring text\n");
        assertContains(only(problems()), file + ":2: wstring is not supported");
    }

    @Test
    void shouldFailNamingTheLineWhenATypeIsUnknown() throws IOException {
        Path file = msg("acme_msgs/msg/Lost", "int32 x\n\nMissing[] things\n");
        assertContains(only(problems()), file + ":3: unknown type acme_msgs/msg/Missing: no acme_msgs/msg/Missing.msg");
    }

    @Test
    void shouldFailNamingTheDependencyWhenTheProblemIsInIt() throws IOException {
        msg("acme_msgs/msg/Outer", "Inner inner\n");
        Path inner = msg("acme_msgs/msg/Inner", "int32 ok\nint32 bad-name\n");
        List<String> problems = problems();
        assertEquals(2, problems.size(), () -> "each type reports it: " + problems);
        for (String problem : problems) {
            assertContains(problem, inner + ":2: ");
        }
    }

    @Test
    void shouldFailWhenAConstantOrDefaultDoesNotFitItsType() throws IOException {
        Path big = msg("acme_msgs/msg/Big", "uint8 BIG = 300\n");
        Path lower = msg("acme_msgs/msg/Lower", "int8 lower_case = 1\n");
        Path huge = msg("acme_msgs/msg/Huge", "int32 ok 1\nfloat32 f 1e40\n");
        Path word = msg("acme_msgs/msg/Word", "int32 ok 1\nint32 x abc\n");
        List<String> problems = problems();
        assertEquals(4, problems.size(), () -> "problems: " + problems);
        String all = String.join("\n", problems);
        assertContains(all, big + ":1: bad value of constant BIG: out of range [0, 255]: 300",
            lower + ":1: constant name lower_case is not UPPER_SNAKE_CASE",
            huge + ":2: bad default value for float32: \"1e40\"", word + ":2: ", "abc");
    }

    @Test
    void shouldFailWhenFilesAreOutsideTheRosLayoutOrBadlyNamed() throws IOException {
        Path stray = dir.resolve("msg/Stray.msg");
        Files.createDirectories(stray.getParent());
        Files.writeString(stray, "int32 x\n");
        Path lower = msg("acme_msgs/msg/lowercase", "int32 x\n");
        Path pkg = msg("Acme/msg/Thing", "int32 x\n");
        List<String> problems = problems();
        assertEquals(3, problems.size(), () -> "problems: " + problems);
        assertContains(String.join("\n", problems), stray + ": not in the layout <package>/msg/<Name>.msg",
            lower + ": message name lowercase is not a ROS 2 message name", pkg + ": package name Acme is not");
    }

    @Test
    void shouldFailWhenATypeIsDefinedInTwoDirectories() throws IOException {
        Path first = msg("acme_msgs/msg/Twice", "int32 x\n");
        Path second = dir.resolve("more/acme_msgs/msg/Twice.msg");
        Files.createDirectories(second.getParent());
        Files.writeString(second, "int64 x\n");
        List<String> problems = assertThrows(MessageGenerationException.class, () -> MessageGenerator.builder()
            .msgDirectory(dir.resolve("msg")).msgDirectory(dir.resolve("more")).build().generate()).problems();
        assertContains(only(problems), second + ": acme_msgs/msg/Twice is defined again; first in " + first);
    }

    @Test
    void shouldFailWhenTheMsgDirectoryIsMissing() {
        Path missing = dir.resolve("nowhere");
        MessageGenerationException e = assertThrows(MessageGenerationException.class,
            () -> MessageGenerator.builder().msgDirectory(missing).build().generate());
        assertEquals(missing + ": not a directory", e.getMessage());
    }

    @Test
    void shouldRefuseBadOptionsWhenBuilding() throws IOException {
        MessageGenerator.Builder builder = MessageGenerator.builder();
        assertContains(assertThrows(IllegalArgumentException.class, () -> builder.packagePrefix("com.1acme"))
            .getMessage(), "prefix=com.1acme");
        assertThrows(IllegalArgumentException.class, () -> builder.packagePrefix("com.class"));
        assertThrows(IllegalArgumentException.class, () -> builder.packagePrefix(""));
        assertContains(assertThrows(IllegalArgumentException.class, () -> builder.superclass("Frame", "a.B"))
            .getMessage(), "type=Frame");
        assertThrows(IllegalArgumentException.class, () -> builder.superclass("a_msgs/msg/Frame", "NoPackage"));
        msg("acme_msgs/msg/Frame", "int32 x\n");
        assertContains(assertThrows(MessageGenerationException.class, () -> MessageGenerator.builder()
                .msgDirectory(dir.resolve("msg")).superclass("acme_msgs/msg/Other", "a.B").build().generate())
            .getMessage(), "superclass a.B given for acme_msgs/msg/Other, which is not among the types generated");
    }

    @Test
    void shouldCompileWhenTextWouldBreakJavadocOrLiterals() throws Exception {
        msg("acme_msgs/msg/Tricky", "# ends a comment */ starts a tag {@code x} <b>&amp; \\u000a é\n"
            + "string QUOTE = \"say \\\"hi\\\" \\u0022 é\"\n"
            + "string note \"*/ {@link x}\"\n"
            + "float32 NAN = nan\nfloat64 NEG_INF = -inf\nuint64 MAX = 18446744073709551615\n");
        generator().writeTo(dir.resolve("src"));
        String source = Files.readString(dir.resolve("src/com/acme/acme_msgs/Tricky.java"));
        assertTrue(source.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "generated source is ASCII");
        assertContains(source, "*&#47; starts a tag {&#64;code x} &lt;b&gt;&amp;amp; &#92;u000a &#xe9;",
            "public static final long MAX = 0xffffffffffffffffL;");
        try (URLClassLoader loader = TestSources.compile(dir.resolve("classes"), dir.resolve("src"))) {
            Class<?> tricky = loader.loadClass("com.acme.acme_msgs.Tricky");
            assertEquals("say \\\"hi\\\" \\u0022 é", tricky.getField("QUOTE").get(null));
            assertTrue(Float.isNaN(tricky.getField("NAN").getFloat(null)));
            assertEquals(Double.NEGATIVE_INFINITY, tricky.getField("NEG_INF").getDouble(null));
            assertEquals(-1L, tricky.getField("MAX").getLong(null));
        }
    }

    @Test
    void shouldLeaveUnchangedFilesAloneWhenWritingAgain() throws IOException {
        msg("acme_msgs/msg/Same", "int32 x\n");
        Path out = dir.resolve("src");
        MessageGenerator.Summary first = generator().writeTo(out);
        assertEquals(1, first.written().size());
        Path file = first.written().getFirst();
        FileTime written = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(file, written);
        MessageGenerator.Summary second = generator().writeTo(out);
        assertEquals(List.of(), second.written());
        assertEquals(List.of(file), second.unchanged());
        assertEquals(written, Files.getLastModifiedTime(file));
    }

    @Test
    void shouldDeleteOnlyGeneratedSourcesNoLongerGeneratedWhenSyncing() throws IOException {
        msg("acme_msgs/msg/Kept", "int32 x\n");
        Path gone = msg("acme_msgs/msg/Gone", "int32 y\n");
        Path out = dir.resolve("src");
        generator().syncTo(out);
        Path handWritten = out.resolve("com/acme/acme_msgs/Helper.java");
        Files.writeString(handWritten, "package com.acme.acme_msgs;\nclass Helper {\n}\n");
        Files.delete(gone);
        MessageGenerator.Summary summary = generator().syncTo(out);
        assertEquals(List.of(out.resolve("com/acme/acme_msgs/Gone.java")), summary.deleted());
        assertTrue(Files.exists(handWritten));
        assertTrue(Files.exists(out.resolve("com/acme/acme_msgs/Kept.java")));
        assertEquals(List.of(), generator().writeTo(out).deleted());
    }
}
