package io.sluice.cli.bench;

/**
 * Writes one JSON document into a string, without dependencies. Objects and arrays nest; the writer places the
 * commas. Doubles that are not finite and null strings are written as {@code null}.
 *
 * {@snippet :
 * String json = new JsonWriter().beginObject().field("p50_ns", 812).field("mode", "latency").endObject().toString();
 * }
 */
final class JsonWriter {
    private final StringBuilder text = new StringBuilder();
    /** Whether the innermost open object or array already holds an element. */
    private boolean[] hasElement = new boolean[8];
    private int depth;
    private boolean afterName;

    JsonWriter beginObject() {
        beforeValue();
        text.append('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        text.append('}');
        return this;
    }

    JsonWriter beginArray() {
        beforeValue();
        text.append('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        text.append(']');
        return this;
    }

    /** Starts a member of the current object; the next value written is its value. */
    JsonWriter name(String name) {
        beforeValue();
        appendString(name);
        text.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(long value) {
        beforeValue();
        text.append(value);
        return this;
    }

    JsonWriter value(double value) {
        beforeValue();
        if (Double.isFinite(value)) {
            text.append(value);
        } else {
            text.append("null");
        }
        return this;
    }

    JsonWriter value(boolean value) {
        beforeValue();
        text.append(value);
        return this;
    }

    JsonWriter value(String value) {
        beforeValue();
        if (value == null) {
            text.append("null");
        } else {
            appendString(value);
        }
        return this;
    }

    JsonWriter nullValue() {
        beforeValue();
        text.append("null");
        return this;
    }

    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter nullField(String name) {
        return name(name).nullValue();
    }

    private void push() {
        if (depth == hasElement.length) {
            hasElement = java.util.Arrays.copyOf(hasElement, depth * 2);
        }
        hasElement[depth++] = false;
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasElement[depth - 1]) {
                text.append(',');
            }
            hasElement[depth - 1] = true;
        }
    }

    private void appendString(String value) {
        text.append('"');
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            switch (character) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
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

    @Override
    public String toString() {
        return text.toString();
    }
}
