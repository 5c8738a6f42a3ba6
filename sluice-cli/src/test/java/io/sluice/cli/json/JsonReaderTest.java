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

class JsonReaderTest {
    @Test
    void shouldParseEveryKindOfValue() {
        Map<String, Object> object = JsonReader.parseObject(
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
    }

    @Test
    void shouldKeepKeysInDocumentOrder() {
        Map<String, Object> object = JsonReader.parseObject("{\"c\":1,\"a\":2,\"b\":3}");

        assertEquals(List.of("c", "a", "b"), List.copyOf(object.keySet()));
    }

    @Test
    void shouldDecodeEscapes() {
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\u0001",
            JsonReader.parse("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00E9\\u0001\""));
    }

    @Test
    void shouldReadIntegersTooLargeForLongAsDoubles() {
        assertInstanceOf(Double.class, JsonReader.parse("123456789012345678901234567890"));
        assertEquals(Long.MAX_VALUE, JsonReader.parse(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void shouldRoundTripWhatTheWriterWrites() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", "tab\there \"quoted\" \u0007");
        object.put("count", 7L);
        object.put("rate", 14.97);
        object.put("list", Arrays.asList(null, true, -0.5));

        assertEquals(object, JsonReader.parse(JsonWriter.compact(object)));
        assertEquals(object, JsonReader.parse(JsonWriter.pretty(object)));
    }

    @Test
    void shouldRejectMalformedText() {
        for (String bad : List.of("", "{", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1,]", "[1 2]", "\"open", "01",
            "1.", "-", "1e", "tru", "nul", "{\"a\":1} x", "\"\\x\"", "\"\\u12G4\"", "\"line\nbreak\"", "{\"a\":1,}")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad),
                () -> "accepted: " + bad);
            assertTrue(error.getMessage().contains("offset=") || error.getMessage().contains("invalid JSON"),
                error.getMessage());
        }
    }

    @Test
    void shouldRejectNonObjectsWhereAnObjectIsWanted() {
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parseObject("null"));
    }

    @Test
    void shouldRejectNestingDeeperThanTheLimit() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 2) + "]".repeat(JsonReader.MAX_DEPTH + 2);

        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(deep));
    }
}
