package io.sluice.cli.json;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonWriterTest {
    @Test
    void shouldWriteNestedValuesInInsertionOrder() {
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", 12.5);
        latency.put("max", null);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("frames", 150L);
        figures.put("ok", true);
        figures.put("latency_us", latency);
        figures.put("topics", List.of("/camera/rgb", "/camera/depth"));
        figures.put("empty", Map.of());
        figures.put("none", List.of());

        assertEquals("{\"frames\":150,\"ok\":true,\"latency_us\":{\"p50\":12.5,\"max\":null},"
                + "\"topics\":[\"/camera/rgb\",\"/camera/depth\"],\"empty\":{},\"none\":[]}",
            JsonWriter.compact(figures));
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001f\\r\\b\\f\"", JsonWriter.compact("a\"b\\c\nd\te\u0001f\r\b\f"));
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull() {
        assertEquals("[null,null,null,1.5,-3]",
            JsonWriter.compact(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5f, -3)));
    }

    @Test
    void shouldIndentPrettyOutputAndStayParseable() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", 1L);
        object.put("b", List.of(2L, 3L));
        String pretty = JsonWriter.pretty(object);

        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ]\n}", pretty);
        assertEquals(object, JsonReader.parse(pretty));
    }

    @Test
    void shouldRejectValuesJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.compact(new Object()));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.compact(Map.of(1, "one")));
    }
}
