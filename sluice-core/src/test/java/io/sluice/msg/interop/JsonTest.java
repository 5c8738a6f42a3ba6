package io.sluice.msg.interop;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The oracle's JSON conventions, which {@code cdr-oracle.mjs} relies on. */
class JsonTest {
    @Test
    void shouldWriteIntegersBeyondDoublePrecisionAsDecimalStrings() {
        assertEquals("[9007199254740991,\"9007199254740992\",-9007199254740991,\"-9223372036854775808\","
                + "\"18446744073709551615\",7]",
            Json.write(List.of((1L << 53) - 1, 1L << 53, -((1L << 53) - 1), Long.MIN_VALUE,
                BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), BigInteger.valueOf(7))));
    }

    @Test
    void shouldWriteNonFiniteFloatsAsStringsAndFloatsWidened() {
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",0.10000000149011612,1.0E-5]",
            Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.1f, 1e-5)));
    }

    @Test
    void shouldWriteByteArraysUnsignedAndOtherArraysByElement() {
        assertEquals("{\"bytes\":[0,255,128],\"longs\":[1,\"9223372036854775807\"],\"ints\":[-1,2]}",
            Json.write(arrays()));
    }

    private static Map<String, Object> arrays() {
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("bytes", new byte[] {0, -1, -128});
        arrays.put("longs", new long[] {1, Long.MAX_VALUE});
        arrays.put("ints", new int[] {-1, 2});
        return arrays;
    }

    @Test
    void shouldWritePureAscii() {
        assertEquals("\"\\u00E9\\uD83D\\uDE00\\n\\\"\"", Json.write("\u00e9\uD83D\uDE00\n\""));
    }

    @Test
    void shouldRoundTripNestedValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "caf\u00e9 \uD83D\uDE00 \u0001");
        value.put("n", -42L);
        value.put("x", 2.5);
        value.put("list", Arrays.asList(true, null, List.of()));
        value.put("nested", Map.of("sec", 1L));

        assertEquals(value, Json.parse(Json.write(value)));
        assertInstanceOf(BigInteger.class, Json.parse("18446744073709551615"));
        assertInstanceOf(Long.class, Json.parse("1"));
    }

    @Test
    void shouldRejectMalformedText() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,]"));
    }
}
