package io.sluice.cli.json;

import java.util.List;
import java.util.Map;

/**
 * Writes plain Java values as JSON text: {@link Map} (string keys, written in iteration order, so use a
 * {@link java.util.LinkedHashMap} for a stable order), {@link List}, {@link String}, {@link Number}, {@link Boolean}
 * and {@code null}. Non-finite doubles, which JSON cannot express, are written as {@code null}.
 *
 * {@snippet :
 * Map<String, Object> figures = new LinkedHashMap<>();
 * figures.put("frames", 150L);
 * figures.put("rate_hz", 15.0);
 * String line = JsonWriter.compact(figures);   // {"frames":150,"rate_hz":15.0}
 * }
 */
public final class JsonWriter {
    private static final String INDENT = "  ";

    private final StringBuilder text = new StringBuilder(256);
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    /** {@code value} as JSON on one line, without spaces. */
    public static String compact(Object value) {
        JsonWriter writer = new JsonWriter(false);
        writer.value(value, 0);
        return writer.text.toString();
    }

    /** {@code value} as JSON indented by two spaces per level, for people to read. */
    public static String pretty(Object value) {
        JsonWriter writer = new JsonWriter(true);
        writer.value(value, 0);
        return writer.text.toString();
    }

    private void value(Object value, int depth) {
        switch (value) {
            case null -> text.append("null");
            case String string -> string(string);
            case Boolean bool -> text.append(bool.booleanValue());
            case Double real -> real(real);
            case Float real -> real(real.doubleValue());
            case Number number -> text.append(number.longValue());
            case Map<?, ?> map -> object(map, depth);
            case List<?> list -> array(list, depth);
            default -> throw new IllegalArgumentException("cannot write as JSON: type=" + value.getClass().getName());
        }
    }

    private void real(double real) {
        if (Double.isFinite(real)) {
            text.append(real);
        } else {
            text.append("null");
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            text.append("{}");
            return;
        }
        text.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings: key=" + entry.getKey());
            }
            if (!first) {
                text.append(',');
            }
            first = false;
            newline(depth + 1);
            string(key);
            text.append(pretty ? ": " : ":");
            value(entry.getValue(), depth + 1);
        }
        newline(depth);
        text.append('}');
    }

    private void array(List<?> list, int depth) {
        if (list.isEmpty()) {
            text.append("[]");
            return;
        }
        text.append('[');
        for (int index = 0; index < list.size(); index++) {
            if (index > 0) {
                text.append(',');
            }
            newline(depth + 1);
            value(list.get(index), depth + 1);
        }
        newline(depth);
        text.append(']');
    }

    private void newline(int depth) {
        if (pretty) {
            text.append('\n');
            text.append(INDENT.repeat(depth));
        }
    }

    private void string(String string) {
        text.append('"');
        for (int index = 0; index < string.length(); index++) {
            char character = string.charAt(index);
            switch (character) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\b' -> text.append("\\b");
                case '\f' -> text.append("\\f");
                default -> {
                    if (character < 0x20) {
                        text.append(String.format("\\u%04x", (int) character));
                    } else {
                        text.append(character);
                    }
                }
            }
        }
        text.append('"');
    }
}
