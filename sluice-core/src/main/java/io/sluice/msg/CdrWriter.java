package io.sluice.msg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes a message of any type from its schema and a tree of values, without a Java class: the writing side of
 * {@link CdrReader}, for tools that publish a type they know only by its schema text ({@code sluice topic pub}).
 *
 * {@snippet :
 * MsgSchema schema = CdrType.dynamic(name, schemaText).msgSchema();
 * byte[] message = CdrWriter.write(schema, Map.of("header", Map.of("frame_id", "cam"), "height", 480));
 * }
 *
 * <p>Values are {@link Map}s for messages (field name to value), {@link List}s for arrays, and for primitives a
 * {@link Boolean}, {@link Number} or {@link String}, each converted as a {@code .msg} default literal is
 * ({@code MsgLiteral}): integers must be whole and in the field's range, {@code float32} values are rounded to float,
 * strings must fit their bound. A field left out gets its schema default, else zero, {@code false}, an empty string
 * or sequence, or a fixed array of such. A name that is not a field of its message, an array of the wrong length, or
 * a value of the wrong kind raises {@link IllegalArgumentException} naming the field's path
 * ({@code header.stamp.sec}, {@code fields[2].name}). The output is the message as {@code rmw} would send it: the
 * CDR_LE encapsulation header, then XCDR1 little endian.
 */
public final class CdrWriter {
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private CdrWriter() {
    }

    /**
     * The bytes of the message of {@code schema}'s root type with {@code values}.
     *
     * @throws IllegalArgumentException naming the field whose value is wrong
     */
    public static byte[] write(MsgSchema schema, Map<String, ?> values) {
        CdrWriter writer = new CdrWriter();
        writer.buffer.put(new byte[] {0, 1, 0, 0});
        writer.message(schema.root(), values == null ? Map.of() : values, "");
        return Arrays.copyOf(writer.buffer.array(), writer.buffer.position());
    }

    private void message(MsgDefinition definition, Map<String, ?> values, String path) {
        Set<String> known = new HashSet<>();
        for (MsgField field : definition.fields()) {
            known.add(field.name());
        }
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(at(path, name) + ": no such field in " + definition.name()
                    + " (fields: " + String.join(", ", definition.fields().stream().map(MsgField::name).toList())
                    + ")");
            }
        }
        if (definition.fields().isEmpty()) {
            ensure(1);
            buffer.put((byte) 0); // an empty message is one byte on the wire, as rmw writes it
        }
        for (MsgField field : definition.fields()) {
            field(field, values.get(field.name()), at(path, field.name()));
        }
    }

    private void field(MsgField field, Object value, String path) {
        if (field.array() == MsgField.Array.NONE) {
            if (value == null && field.defaultValue() != null && field.isPrimitive()) {
                value = MsgLiteral.scalar(field.primitive(), field.stringBound(), field.defaultValue());
            }
            value(field, value, path);
            return;
        }
        List<?> elements;
        if (value == null) {
            elements = field.defaultValue() != null && field.isPrimitive()
                ? MsgLiteral.array(field.primitive(), field.stringBound(), field.defaultValue()) : List.of();
            if (field.array() == MsgField.Array.FIXED && elements.isEmpty()) {
                elements = java.util.Collections.nCopies(field.arrayLength(), null);
            }
        } else if (value instanceof List<?> list) {
            elements = list;
        } else {
            throw new IllegalArgumentException(path + ": " + field.typeName() + " needs a list: " + describe(value));
        }
        if (field.array() == MsgField.Array.FIXED) {
            if (elements.size() != field.arrayLength()) {
                throw new IllegalArgumentException(path + ": " + field.typeName() + " needs exactly "
                    + field.arrayLength() + " elements: got " + elements.size());
            }
        } else {
            if (field.arrayLength() > 0 && elements.size() > field.arrayLength()) {
                throw new IllegalArgumentException(path + ": " + field.typeName() + " holds at most "
                    + field.arrayLength() + " elements: got " + elements.size());
            }
            align(4);
            buffer.putInt(elements.size());
        }
        for (int i = 0; i < elements.size(); i++) {
            value(field, elements.get(i), path + "[" + i + "]");
        }
    }

    @SuppressWarnings("unchecked")
    private void value(MsgField field, Object value, String path) {
        if (field.message() != null) {
            if (value != null && !(value instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(path + ": " + field.elementTypeName() + " needs a mapping of its"
                    + " fields: " + describe(value));
            }
            message(field.message(), value == null ? Map.of() : (Map<String, ?>) value, path);
            return;
        }
        Primitive primitive = field.primitive();
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new IllegalArgumentException(path + ": " + field.elementTypeName() + " needs a single value: "
                + describe(value));
        }
        Object scalar;
        try {
            if (value == null) {
                scalar = zero(primitive);
            } else if (primitive == Primitive.STRING && value instanceof String text) {
                scalar = checkedString(text, field.stringBound());
            } else if ((primitive == Primitive.FLOAT32 || primitive == Primitive.FLOAT64) && value instanceof Number n
                && !(value instanceof java.math.BigInteger)) {
                scalar = floating(primitive, n.doubleValue());
            } else {
                scalar = MsgLiteral.scalar(primitive, field.stringBound(), String.valueOf(value));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + field.elementTypeName() + ": " + e.getMessage(), e);
        }
        switch (primitive) {
            case BOOL -> put1((Boolean) scalar ? 1 : 0);
            case BYTE, CHAR, UINT8, INT8 -> put1(((Number) scalar).intValue());
            case INT16, UINT16 -> {
                align(2);
                buffer.putShort(((Number) scalar).shortValue());
            }
            case INT32, UINT32 -> {
                align(4);
                buffer.putInt(((Number) scalar).intValue());
            }
            case INT64, UINT64 -> {
                align(8);
                buffer.putLong(((Number) scalar).longValue());
            }
            case FLOAT32 -> {
                align(4);
                buffer.putFloat(((Number) scalar).floatValue());
            }
            case FLOAT64 -> {
                align(8);
                buffer.putDouble(((Number) scalar).doubleValue());
            }
            case STRING -> {
                byte[] bytes = ((String) scalar).getBytes(StandardCharsets.UTF_8);
                align(4);
                buffer.putInt(bytes.length + 1);
                ensure(bytes.length + 1);
                buffer.put(bytes).put((byte) 0);
            }
            case WSTRING -> throw new IllegalArgumentException(path + ": wstring is not supported");
        }
    }

    /** A string value as given (YAML has already unquoted it), checked against its bound. */
    private static String checkedString(String text, int bound) {
        if (bound > 0 && text.getBytes(StandardCharsets.UTF_8).length > bound) {
            throw new IllegalArgumentException("longer than its bound " + bound + ": " + text);
        }
        return text;
    }

    /**
     * A number for a float field: NaN and infinities kept, a finite value that float32 cannot hold refused (one that
     * rounds to {@code Float.MAX_VALUE}, as {@code 3.4028235e38} does, is held).
     */
    private static double floating(Primitive primitive, double value) {
        if (primitive == Primitive.FLOAT32 && Double.isFinite(value) && Float.isInfinite((float) value)) {
            throw new IllegalArgumentException("out of float32 range: " + value);
        }
        return value;
    }

    private static Object zero(Primitive primitive) {
        return switch (primitive) {
            case BOOL -> Boolean.FALSE;
            case FLOAT32, FLOAT64 -> 0.0;
            case STRING, WSTRING -> "";
            default -> 0L;
        };
    }

    private void put1(int value) {
        ensure(1);
        buffer.put((byte) value);
    }

    /** Pads to {@code alignment} counted from the end of the encapsulation header, and makes room for 8 bytes. */
    private void align(int alignment) {
        int at = (int) Cdr.align(buffer.position(), alignment);
        ensure(at - buffer.position() + 8);
        while (buffer.position() < at) {
            buffer.put((byte) 0);
        }
    }

    private void ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + bytes);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("message above 2 GB");
            }
            ByteBuffer grown = ByteBuffer.allocate((int) wanted).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
    }

    private static String at(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
