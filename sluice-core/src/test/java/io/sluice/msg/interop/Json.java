package io.sluice.msg.interop;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The minimal JSON reader and writer that {@link CdrOracle} speaks to its node process with (test code only, no
 * dependencies).
 *
 * <p>Reading: objects become {@link LinkedHashMap}s (member order kept), arrays {@link ArrayList}s, strings
 * {@link String}s, {@code true}/{@code false} {@link Boolean}s, {@code null} {@code null}; a number without a
 * fraction or exponent becomes a {@link Long} (a {@link BigInteger} when it does not fit), any other number a
 * {@link Double}.
 *
 * <p>Writing produces pure ASCII text (every character outside 0x20..0x7e is escaped as {@code \}{@code uXXXX}, so a
 * surrogate pair becomes two escapes). {@link Map} (String keys, iteration order kept), {@link Collection}, arrays
 * (a {@code byte[]} as unsigned values 0..255, other arrays element by element), {@link CharSequence},
 * {@link Character}, {@link Boolean}, {@code null}, integers ({@link Byte}, {@link Short}, {@link Integer},
 * {@link Long}, {@link BigInteger}: a JSON number when within ±(2<sup>53</sup>-1), which every JSON reader holds
 * exactly, else a decimal string) and floats ({@link Float} widened exactly to double, {@link Double}: the shortest
 * round-trip form, NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}).
 */
public final class Json {
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final int MAX_DEPTH = 512;

    private Json() {
    }

    /** Parses one JSON text (surrounding whitespace allowed). */
    public static Object parse(String text) {
        Reader reader = new Reader(text);
        reader.skipWhitespace();
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("trailing characters");
        }
        return value;
    }

    /** Writes {@code value} as JSON text, see the class comment for the types taken. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case CharSequence s -> writeString(s, out);
            case Character c -> writeString(String.valueOf(c), out);
            case Byte b -> writeInteger(b, out);
            case Short s -> writeInteger(s, out);
            case Integer i -> writeInteger(i, out);
            case Long l -> writeInteger(l, out);
            case BigInteger big -> {
                if (big.bitLength() < 64) {
                    writeInteger(big.longValue(), out);
                } else {
                    writeString(big.toString(), out);
                }
            }
            case Float f -> writeDouble(f.doubleValue(), out);
            case Double d -> writeDouble(d, out);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!(entry.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings: " + entry.getKey());
                    }
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writeString(key, out);
                    out.append(':');
                    write(entry.getValue(), out, depth + 1);
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object element : list) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(element, out, depth + 1);
                }
                out.append(']');
            }
            case byte[] bytes -> {
                out.append('[');
                for (int i = 0; i < bytes.length; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(bytes[i] & 0xff);
                }
                out.append(']');
            }
            default -> {
                if (!value.getClass().isArray()) {
                    throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
                }
                out.append('[');
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(Array.get(value, i), out, depth + 1);
                }
                out.append(']');
            }
        }
    }

    private static void writeInteger(long value, StringBuilder out) {
        if (value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER) {
            out.append(value);
        } else {
            out.append('"').append(value).append('"');
        }
    }

    private static void writeDouble(double value, StringBuilder out) {
        if (Double.isNaN(value)) {
            out.append("\"NaN\"");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            out.append(Double.toString(value)); // "1.0", "-0.0", "1.0E-5": all valid JSON numbers
        }
    }

    private static void writeString(CharSequence s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append(c);
                    } else {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        out.append('"');
    }

    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++; // '{'
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = value(depth + 1);
                if (map.containsKey(key)) {
                    throw error("duplicate member \"" + key + "\"");
                }
                map.put(key, value);
                skipWhitespace();
                char c = next();
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            pos++; // '['
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos++), 16);
                            if (digit < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        out.append((char) code); // surrogate pairs arrive as two escapes and join up here
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw error("bad number");
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw error("bad number: digits expected after '.'");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("bad number: digits expected in the exponent");
                }
                digits();
            }
            String token = text.substring(start, pos);
            if (!integral) {
                return Double.parseDouble(token);
            }
            BigInteger big = new BigInteger(token);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("bad literal");
            }
            pos += word.length();
            return value;
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            return text.charAt(pos++);
        }

        private void expect(char c) {
            if (next() != c) {
                pos--;
                throw error("expected '" + c + "'");
            }
        }

        IllegalArgumentException error(String message) {
            String excerpt = text.length() <= 200 ? text : text.substring(0, 200) + "...";
            return new IllegalArgumentException("bad JSON at " + pos + ": " + message + " in " + excerpt);
        }
    }
}
