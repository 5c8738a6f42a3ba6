package io.sluice.cli.json;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text the CLI's JSON writes (byte for byte what the demo's --json and the bench reports printed before). */
class JsonTest {
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
            Json.compact(figures));
    }

    @Test
    void shouldWriteDoublesAsJavaPrintsThem() {
        assertEquals("[1.0E-5,1.0E10,0.1,-0.0,14.97,3]", Json.compact(List.of(1e-5, 1e10, 0.1, -0.0, 14.97, 3)));
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("a\"b\\c\nd\te\u0001f\r\b\f",
            Json.parse(Json.compact("a\"b\\c\nd\te\u0001f\r\b\f")));
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\"", Json.compact("a\"b\\c\nd\te\r\b\f"));
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull() {
        assertEquals("[null,null,null,1.5,-3]",
            Json.compact(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5f, -3)));
    }

    @Test
    void shouldIndentPrettyOutputAndStayParseable() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", 1L);
        object.put("b", List.of(2L, 3L));
        object.put("c", Map.of());
        object.put("d", List.of());
        String pretty = Json.pretty(object);

        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": {},\n  \"d\": []\n}", pretty);
        assertEquals(object, Json.parse(pretty));
    }

    @Test
    void shouldRejectValuesJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.compact(new Object()));
    }

    @Test
    void shouldParseEveryKindOfValue() {
        Map<String, Object> object = Json.parseObject(
            " {\"long\": -42, \"real\": 1.5e3, \"zero\": 0, \"fraction\": 0.25, \"yes\": true, \"no\": false,"
                + " \"nothing\": null, \"list\": [1, \"two\", [], {}], \"nested\": {\"a\": {\"b\": []}}} ");

        assertEquals(-42L, object.get("long"));
        assertEquals(1500.0, object.get("real"));
        assertEquals(0L, object.get("zero"));
        assertEquals(0.25, object.get("fraction"));
        assertEquals(true, object.get("yes"));
        assertEquals(false, object.get("no"));
        assertTrue(object.containsKey("nothing"));
        assertNull(object.get("nothing"));
        assertEquals(Arrays.asList(1L, "two", List.of(), Map.of()), object.get("list"));
        assertEquals(Map.of("a", Map.of("b", List.of())), object.get("nested"));
        assertInstanceOf(Long.class, Json.parse(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void shouldKeepKeysInDocumentOrder() {
        Map<String, Object> object = Json.parseObject("{\"c\":1,\"a\":2,\"b\":3}");

        assertEquals(List.of("c", "a", "b"), List.copyOf(object.keySet()));
    }

    @Test
    void shouldRoundTripWhatItWrites() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", "tab\there \"quoted\" \u0007 \u00e9 \uD83D\uDE00");
        object.put("count", 7L);
        object.put("rate", 14.97);
        object.put("list", Arrays.asList(null, true, -0.5));
        object.put("nested", Map.of("empty", List.of()));

        assertEquals(object, Json.parse(Json.compact(object)));
        assertEquals(object, Json.parse(Json.pretty(object)));
    }

    @Test
    void shouldRejectMalformedTextNamingWhere() {
        for (String bad : List.of("", "{", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1,]", "[1 2]", "\"open", "01",
            "1.", "-", "1e", "tru", "nul", "{\"a\":1} x", "\"\\x\"", "\"\\u12G4\"", "\"line\nbreak\"", "{\"a\":1,}")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
                () -> "accepted: " + bad);
            assertTrue(error.getMessage().startsWith("invalid JSON"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parse(null));
    }

    @Test
    void shouldRejectNonObjectsWhereAnObjectIsWanted() {
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("null"));
    }

    @Test
    void shouldRejectNestingDeeperThanTheLimit() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);

        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    }
}
