package io.sluice.msg.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.msg.interop.CdrOracle.OracleException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Smoke test of {@link CdrOracle}: the node oracle runs, and its bytes and values are what ROS 2 CDR says. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CdrOracleTest {
    private static final String SEPARATOR = "=".repeat(80);

    private static final String STRING_MSG = "string data\n";

    /** A message with a nested std_msgs/Header, then a uint8[] and a float64 after it. */
    private static final String STAMPED = """
        std_msgs/Header header
        uint8[] data
        float64 value
        %1$s
        MSG: std_msgs/Header
        builtin_interfaces/Time stamp
        string frame_id
        %1$s
        MSG: builtin_interfaces/Time
        int32 sec
        uint32 nanosec
        """.formatted(SEPARATOR);

    private static final String EXTREMES = """
        int64 min
        int64 max
        uint64 umax
        uint64 usmall
        float64 nan
        float64 pinf
        float64 ninf
        float64 negzero
        float32 f32
        float32[] f32s
        string text
        string empty_text
        int32[] empty_ints
        float64[] empty_doubles
        string[] empty_strings
        builtin_interfaces/Duration[] empty_durations
        """;

    private static final CdrOracle.Shared SHARED = new CdrOracle.Shared();
    private static CdrOracle oracle;

    @BeforeEach
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // may run npm ci (itself limited to 5 minutes)
    void startOracle() {
        oracle = SHARED.get();
    }

    @AfterAll
    static void stopOracle() {
        SHARED.close();
        oracle = null;
    }

    @Test
    void stringMessageHasExactBytes() {
        byte[] bytes = oracle.encode(STRING_MSG, msg("data", "hi"));
        // encapsulation CDR_LE, options 0 | length 3 (2 chars + NUL) | "hi" NUL. The writer adds no trailing
        // padding to a multiple of 4 (and says none in the options bytes), so this is 11 bytes, not 12.
        assertEquals("00 01 00 00 03 00 00 00 68 69 00", hex(bytes));
        assertEquals(msg("data", "hi"), oracle.decode(STRING_MSG, bytes));
    }

    @Test
    void parseListsDefinitionNames() {
        // the root has no name in ros2msg text; the parser reports the dependencies as named in their MSG: lines
        assertEquals(Arrays.asList(null, "std_msgs/Header", "builtin_interfaces/Time"), oracle.parse(STAMPED));
    }

    @Test
    void nestedHeaderRoundTripsWithHandComputedLayout() {
        Map<String, Object> value = msg(
            "header", msg("stamp", msg("sec", 1_700_000_000L, "nanosec", 123_456_789L), "frame_id", "base_link"),
            "data", List.of(1L, 2L, 3L, 4L, 5L),
            "value", 0.1);

        byte[] bytes = oracle.encode(STAMPED, value);

        // Offsets in the body count from the byte after the 4-byte encapsulation header.
        Le expected = new Le()
            .raw(0x00, 0x01, 0x00, 0x00)     //       encapsulation CDR_LE, options 0
            .i32(1_700_000_000)              // 0:    header.stamp.sec
            .u32(123_456_789)                // 4:    header.stamp.nanosec
            .u32(10)                         // 8:    header.frame_id length, "base_link" + NUL
            .ascii("base_link").raw(0)       // 12:   ..21
            .raw(0, 0)                       // 22:   pad to 4
            .u32(5)                          // 24:   data length
            .raw(1, 2, 3, 4, 5)              // 28:   ..32
            .raw(0, 0, 0, 0, 0, 0, 0)        // 33:   pad to 8 (relative to the body, i.e. absolute offset 44,
            .f64(0.1);                       // 40:   which is not a multiple of 8) value
        assertEquals(hex(expected.toArray()), hex(bytes));
        assertEquals(52, bytes.length);

        Object decoded = oracle.decode(STAMPED, bytes);
        assertSameValue(value, decoded);
    }

    @Test
    void extremesRoundTrip() {
        String text = "h\u00e9llo \u03c0 \ud83d\ude00 \"q\" \\ tab\t nl\n ctl\u0001 end";
        Map<String, Object> value = msg(
            "min", Long.MIN_VALUE,
            "max", Long.MAX_VALUE,
            "umax", new BigInteger("18446744073709551615"),
            "usmall", 7L,
            "nan", Double.NaN,
            "pinf", Double.POSITIVE_INFINITY,
            "ninf", Double.NEGATIVE_INFINITY,
            "negzero", -0.0,
            "f32", (double) 0.1f,
            "f32s", List.of((double) Float.MIN_VALUE, (double) Float.MAX_VALUE, (double) -1.17549435E-38f,
                Double.NaN),
            "text", text,
            "empty_text", "",
            "empty_ints", List.of(),
            "empty_doubles", List.of(),
            "empty_strings", List.of(),
            "empty_durations", List.of());

        byte[] bytes = oracle.encode(EXTREMES, value);
        Object decoded = oracle.decode(EXTREMES, bytes);
        assertSameValue(value, decoded);

        Map<?, ?> map = (Map<?, ?>) decoded;
        assertInstanceOf(BigInteger.class, map.get("umax"));
        assertInstanceOf(Long.class, map.get("usmall"));
        assertEquals(0.1f, ((Double) map.get("f32")).floatValue());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) map.get("negzero")));

        ByteBuffer body = ByteBuffer.wrap(bytes, 4, bytes.length - 4).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Long.MIN_VALUE, body.getLong(0));
        assertEquals(Long.MAX_VALUE, body.getLong(8));
        assertEquals(-1L, body.getLong(16));
        // the string is written as UTF-8 with a byte-count length prefix (the oracle works around @foxglove/cdr
        // 3.5.0, which wrote the UTF-16 length and truncated the bytes)
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] prefixed = new Le().u32(utf8.length + 1).raw(utf8).raw(0).toArray();
        assertTrue(indexOf(bytes, prefixed) > 0, () -> "no UTF-8 " + hex(prefixed) + " in " + hex(bytes));
        // the last four fields are empty sequences: four zero lengths, nothing after them
        assertEquals("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
            hex(Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length)));
    }

    @Test
    void badSchemaGivesTheParserMessage() {
        OracleException e = assertThrows(OracleException.class, () -> oracle.parse("int32[ x\n"));
        assertEquals("Could not parse line: 'int32[ x'", e.getMessage());
        OracleException unknown = assertThrows(OracleException.class, () -> oracle.parse("foo/Bar x\n"));
        assertTrue(unknown.getMessage().contains("foo/Bar"), unknown::getMessage);
        assertThrows(OracleException.class, () -> oracle.encode("int32[ x\n", msg("x", List.of())));
        // the oracle is still up
        assertEquals(msg("data", "ok"), oracle.decode(STRING_MSG, oracle.encode(STRING_MSG, msg("data", "ok"))));
    }

    @Test
    void truncatedBytesGiveAnErrorNotAHang() {
        Map<String, Object> value = msg(
            "header", msg("stamp", msg("sec", 1L, "nanosec", 2L), "frame_id", "map"),
            "data", List.of(9L, 8L, 7L),
            "value", 2.5);
        byte[] bytes = oracle.encode(STAMPED, value);
        for (int cut : new int[] {1, 8, 12, bytes.length - 4}) {
            byte[] truncated = Arrays.copyOf(bytes, bytes.length - cut);
            OracleException e = assertThrows(OracleException.class, () -> oracle.decode(STAMPED, truncated),
                () -> "decoding " + hex(truncated));
            assertTrue(!e.getMessage().isBlank());
        }
        // a sequence length far beyond the data
        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 16, Integer.MAX_VALUE);
        assertThrows(OracleException.class, () -> oracle.decode(STAMPED, huge));
        assertSameValue(value, oracle.decode(STAMPED, bytes));
    }

    @Test
    void badValuesAreRefusedNotDefaulted() {
        // the library itself would write a missing or mistyped field as 0 / "" without a word
        assertThrows(OracleException.class, () -> oracle.encode(STAMPED, msg("data", List.of(), "value", 1.0)));
        assertThrows(OracleException.class, () -> oracle.encode(STRING_MSG, msg("data", 5L)));
        assertThrows(OracleException.class, () -> oracle.encode(STRING_MSG, msg("data", "x", "extra", 1L)));
        assertThrows(OracleException.class, () -> oracle.encode("uint8 b\n", msg("b", 256L)));
        assertThrows(OracleException.class, () -> oracle.encode("int32[<=2] v\n", msg("v", List.of(1L, 2L, 3L))));
        assertThrows(OracleException.class, () -> oracle.encode(STRING_MSG, msg("data", "\ud800")));
    }

    @Test
    void hungOracleFailsTheCallInsteadOfHanging() throws Exception {
        try (CdrOracle stopped = CdrOracle.start(Duration.ofSeconds(2))) {
            assertEquals(Arrays.asList((String) null), stopped.parse(STRING_MSG));
            Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(stopped.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            long started = System.nanoTime();
            AssertionError e = assertThrows(AssertionError.class, () -> stopped.parse("int32 x\n"));
            assertTrue(e.getMessage().contains("no answer within 2 s"), e::getMessage);
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15));
            assertThrows(IllegalStateException.class, () -> stopped.parse("int32 x\n"));
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static Map<String, Object> msg(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Equal values (Double.equals: NaN equals NaN, -0.0 differs from 0.0), and maps' keys in the same order. */
    private static void assertSameValue(Object expected, Object actual) {
        assertEquals(expected, actual);
        assertEquals(keyOrders(expected), keyOrders(actual));
    }

    private static List<Object> keyOrders(Object value) {
        List<Object> orders = new ArrayList<>();
        collectKeyOrders(value, orders);
        return orders;
    }

    private static void collectKeyOrders(Object value, List<Object> orders) {
        if (value instanceof Map<?, ?> map) {
            orders.add(List.copyOf(map.keySet()));
            map.values().forEach(v -> collectKeyOrders(v, orders));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectKeyOrders(v, orders));
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Little-endian bytes written by hand, for expected CDR layouts (no automatic alignment). */
    private static final class Le {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Le raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Le raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Le ascii(String s) {
            return raw(s.getBytes(StandardCharsets.US_ASCII));
        }

        Le i32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        Le u32(long v) {
            return i32((int) v);
        }

        Le f64(double v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
