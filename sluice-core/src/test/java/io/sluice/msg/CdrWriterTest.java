package io.sluice.msg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.msg.sensor_msgs.Image;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link CdrWriter}: against the independent test writer, the schema defaults, a generated flyweight, bad values. */
class CdrWriterTest {
    @Property(tries = 400)
    void shouldWriteTheBytesTheIndependentWriterWrites(
        @ForAll("samples") CdrLayoutProperties.Sample sample) {
        byte[] expected = CdrTreeWriter.bytes(sample.schema().root(), sample.values());
        assertArrayEquals(expected, CdrWriter.write(sample.schema(), values(sample.values())), sample::toString);
    }

    @Property(tries = 200)
    void shouldWriteTheDefaultMessageForAnEmptyMapping(@ForAll("samples") CdrLayoutProperties.Sample sample) {
        CdrType<MemorySegment> type = CdrType.dynamic(sample.schema().root().name(), sample.schema().text());
        byte[] defaults = new byte[(int) type.defaultSize()];
        type.writeDefault(MemorySegment.ofArray(defaults));
        assertArrayEquals(defaults, CdrWriter.write(sample.schema(), Map.of()), sample::toString);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<CdrLayoutProperties.Sample> samples() {
        return new CdrLayoutProperties().samples();
    }

    @Test
    void shouldWriteAnImageThatTheGeneratedFlyweightReads() {
        byte[] bytes = CdrWriter.write(Image.TYPE.msgSchema(), Map.of(
            "header", Map.of("stamp", Map.of("sec", 12, "nanosec", 345), "frame_id", "cam"),
            "height", 2, "width", 3, "encoding", "mono8", "step", 3, "data", List.of(1, 2, 3, 4, 5, 255)));
        Image image = Image.TYPE.wrap(MemorySegment.ofArray(bytes));
        assertEquals(12, image.header().stamp().sec());
        assertEquals(345, image.header().stamp().nanosec());
        assertEquals("cam", image.header().frameId());
        assertEquals(2, image.height());
        assertEquals("mono8", image.encoding());
        assertEquals(6, image.dataCount());
        assertEquals((byte) 255, image.data(5));
    }

    @Test
    void shouldNameTheFieldOfEveryBadValue() {
        MsgSchema image = Image.TYPE.msgSchema();
        assertEquals("header.stmp: no such field in std_msgs/msg/Header (fields: stamp, frame_id)",
            assertThrows(IllegalArgumentException.class,
                () -> CdrWriter.write(image, Map.of("header", Map.of("stmp", 1)))).getMessage());
        assertEquals("height: uint32: out of range [0, 4294967295]: -1", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(image, Map.of("height", -1))).getMessage());
        assertEquals("height: uint32: not a decimal integer: 1.5", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(image, Map.of("height", 1.5))).getMessage());
        assertEquals("data: uint8[] needs a list: 7", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(image, Map.of("data", 7))).getMessage());
        assertEquals("header: std_msgs/Header needs a mapping of its fields: 3", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(image, Map.of("header", 3))).getMessage());
        assertEquals("data[1]: uint8: out of range [0, 255]: 256", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(image, Map.of("data", List.of(0, 256)))).getMessage());
        MsgSchema fixed = MsgSchema.parse("t/msg/Fixed", "float64[3] v\nstring<=2 s\nint8[<=1] q\n");
        assertEquals("v: float64[3] needs exactly 3 elements: got 2", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(fixed, Map.of("v", List.of(1, 2)))).getMessage());
        assertEquals("s: string<=2: longer than its bound 2: abc", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(fixed, Map.of("s", "abc"))).getMessage());
        assertEquals("q: int8[<=1] holds at most 1 elements: got 2", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(fixed, Map.of("q", List.of(1, 2)))).getMessage());
    }

    @Test
    void shouldHoldEveryFloat32AndRefuseWhatRoundsToInfinity() {
        MsgSchema floats = MsgSchema.parse("t/msg/F", "float32 f\nfloat32 g\nfloat32 n\n");
        byte[] bytes = CdrWriter.write(floats, Map.of("f", 3.4028235e38, "g", -Float.MAX_VALUE,
            "n", Double.NEGATIVE_INFINITY));
        MemorySegment m = MemorySegment.ofArray(bytes);
        assertEquals(Float.MAX_VALUE, m.get(Cdr.FLOAT, Cdr.ORIGIN), "3.4028235e38 rounds to the largest float32");
        assertEquals(-Float.MAX_VALUE, m.get(Cdr.FLOAT, Cdr.ORIGIN + 4));
        assertEquals(Float.NEGATIVE_INFINITY, m.get(Cdr.FLOAT, Cdr.ORIGIN + 8));
        assertEquals("f: float32: out of float32 range: 3.5E38", assertThrows(IllegalArgumentException.class,
            () -> CdrWriter.write(floats, Map.of("f", 3.5e38))).getMessage());
    }

    @Test
    void shouldGrowItsBufferForALargeMessage() {
        MsgSchema big = MsgSchema.parse("t/msg/Big", "string s\nuint8[] data\nfloat64 tail\n");
        String text = "x".repeat(100_000);
        List<Integer> data = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            data.add(i & 0xff);
        }
        byte[] bytes = CdrWriter.write(big, Map.of("s", text, "data", data, "tail", 2.5));
        CdrTree tree = CdrReader.read(big, MemorySegment.ofArray(bytes), Integer.MAX_VALUE);
        assertEquals(text, tree.get("s"));
        assertEquals(2.5, tree.get("tail"));
        assertEquals(Cdr.align(Cdr.ORIGIN + 4 + 100_001 + 4 + 300_000, 8) + 8, bytes.length);
    }

    /** A value tree as the writer takes it (mappings, lists, scalars) from a {@link CdrTree}. */
    static Object values(Object value) {
        if (value instanceof CdrTree tree) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (CdrTree.Field field : tree.fields()) {
                fields.put(field.name(), values(field.value()));
            }
            return fields;
        }
        if (value instanceof List<?> list) {
            List<Object> elements = new ArrayList<>();
            for (Object element : list) {
                elements.add(values(element));
            }
            return elements;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> values(CdrTree tree) {
        return (Map<String, ?>) values((Object) tree);
    }
}
