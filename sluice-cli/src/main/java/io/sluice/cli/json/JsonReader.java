package io.sluice.cli.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON text (RFC 8259) into plain Java values: objects become {@link LinkedHashMap}s in document order,
 * arrays {@link ArrayList}s, strings {@link String}s, numbers {@link Long} when they are integers that fit and
 * {@link Double} otherwise, {@code true}/{@code false} {@link Boolean}s and {@code null} null.
 *
 * {@snippet :
 * Map<String, Object> report = JsonReader.parseObject("{\"frames\":150,\"rate_hz\":15.0}");
 * long frames = (Long) report.get("frames");
 * }
 * Errors are {@link IllegalArgumentException}s naming the offset and what was expected there.
 */
public final class JsonReader {
    /** Nesting deeper than this is rejected rather than risking the stack. */
    public static final int MAX_DEPTH = 256;

    private final String text;
    private int position;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The value {@code text} holds; nothing but whitespace may follow it. */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("JSON text is null");
        }
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.position != text.length()) {
            throw reader.error("end of text");
        }
        return value;
    }

    /** The object {@code text} holds. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("JSON text is not an object: type="
                + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return (Map<String, Object>) value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested too deeply: depth=" + depth + ", maxDepth=" + MAX_DEPTH);
        }
        if (position >= text.length()) {
            throw error("a value");
        }
        char character = text.charAt(position);
        return switch (character) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (character == '-' || (character >= '0' && character <= '9')) {
                    yield number();
                }
                throw error("a value");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> object = new LinkedHashMap<>();
        position++; // '{'
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("a string key");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            object.put(key, value(depth + 1));
            skipWhitespace();
            char next = peek();
            position++;
            if (next == '}') {
                return object;
            }
            if (next != ',') {
                position--;
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> array = new ArrayList<>();
        position++; // '['
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return array;
        }
        while (true) {
            skipWhitespace();
            array.add(value(depth + 1));
            skipWhitespace();
            char next = peek();
            position++;
            if (next == ']') {
                return array;
            }
            if (next != ',') {
                position--;
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        position++; // opening quote
        StringBuilder string = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("a closing '\"'");
            }
            char character = text.charAt(position++);
            if (character == '"') {
                return string.toString();
            }
            if (character < 0x20) {
                position--;
                throw error("an escaped control character");
            }
            if (character != '\\') {
                string.append(character);
                continue;
            }
            if (position >= text.length()) {
                throw error("an escape character");
            }
            char escape = text.charAt(position++);
            switch (escape) {
                case '"' -> string.append('"');
                case '\\' -> string.append('\\');
                case '/' -> string.append('/');
                case 'b' -> string.append('\b');
                case 'f' -> string.append('\f');
                case 'n' -> string.append('\n');
                case 'r' -> string.append('\r');
                case 't' -> string.append('\t');
                case 'u' -> string.append(unicodeEscape());
                default -> {
                    position--;
                    throw error("one of \" \\ / b f n r t u after '\\'");
                }
            }
        }
    }

    private char unicodeEscape() {
        if (position + 4 > text.length()) {
            throw error("four hex digits");
        }
        int code = 0;
        for (int digit = 0; digit < 4; digit++) {
            int value = Character.digit(text.charAt(position), 16);
            if (value < 0) {
                throw error("a hex digit");
            }
            code = code * 16 + value;
            position++;
        }
        return (char) code;
    }

    private Object number() {
        int start = position;
        boolean integral = true;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            throw error("a digit");
        }
        if (peek() == '.') {
            integral = false;
            position++;
            if (!isDigit(peek())) {
                throw error("a digit after '.'");
            }
            skipDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            position++;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            if (!isDigit(peek())) {
                throw error("a digit in the exponent");
            }
            skipDigits();
        }
        String number = text.substring(start, position);
        if (integral) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException tooLarge) {
                return Double.parseDouble(number);
            }
        }
        return Double.parseDouble(number);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw error("'" + word + "'");
        }
        position += word.length();
        return value;
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            position++;
        }
    }

    private static boolean isDigit(char character) {
        return character >= '0' && character <= '9';
    }

    /** The character at the position, or NUL past the end (never valid where a peek decides). */
    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void expect(char wanted) {
        if (peek() != wanted) {
            throw error("'" + wanted + "'");
        }
        position++;
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char character = text.charAt(position);
            if (character != ' ' && character != '\t' && character != '\n' && character != '\r') {
                return;
            }
            position++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = position < text.length() ? "'" + text.charAt(position) + "'" : "end of text";
        return new IllegalArgumentException("invalid JSON: expected " + expected + ", found " + found + ": offset="
            + position);
    }
}
