package io.sluice.msg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test-only CDR writer, independent of {@link CdrLayout}: writes the values of a {@link CdrTree} front to back by
 * the layout rules of {@link Cdr}'s class Javadoc (XCDR1 little endian, alignment counted from byte 4, primitive
 * elements aligned once before the first, empty sequences align nothing, nested messages add no alignment, an empty
 * message is one byte) and zeroes every padding byte, as Fast-CDR does.
 *
 * <p>It returns the bytes and the tree as {@link CdrReader} must read them back: the same values with each field's
 * offset filled in. Along the way it records every string and sequence it wrote as a {@link Spot}, so a test can
 * change one in place and compare with writing the changed tree from scratch.
 */
final class CdrTreeWriter {
    private byte[] bytes = new byte[64];
    private int position;
    private final List<Spot> spots = new ArrayList<>();

    /** The bytes of a message, its tree with offsets, and where its strings and sequences are. */
    record Written(byte[] bytes, CdrTree tree, List<Spot> spots) {
    }

    /**
     * A string or sequence in a written message.
     *
     * @param owner       the message that has the field
     * @param ownerOffset where that message starts
     * @param field       the field
     * @param at          the aligned offset of the string's length or the sequence's count
     * @param path        the steps from the root to the value: a field index, then an element index or -1
     * @param value       the string, or the sequence as a list
     */
    record Spot(MsgDefinition owner, long ownerOffset, MsgField field, long at, List<Integer> path, Object value) {
        boolean isString() {
            return value instanceof String;
        }
    }

    private CdrTreeWriter() {
    }

    /** Writes {@code values} as a whole message of type {@code definition}, encapsulation header first. */
    static Written write(MsgDefinition definition, CdrTree values) {
        CdrTreeWriter writer = new CdrTreeWriter();
        writer.put((byte) 0);
        writer.put((byte) Cdr.CDR_LE);
        writer.put((byte) 0);
        writer.put((byte) 0);
        CdrTree tree = writer.message(definition, values, List.of());
        return new Written(Arrays.copyOf(writer.bytes, writer.position), tree, List.copyOf(writer.spots));
    }

    /** The bytes of {@code values} as a whole message of type {@code definition}. */
    static byte[] bytes(MsgDefinition definition, CdrTree values) {
        return write(definition, values).bytes();
    }

    private CdrTree message(MsgDefinition definition, CdrTree values, List<Integer> path) {
        if (!values.type().equals(definition.name()) || values.fields().size() != definition.fields().size()) {
            throw new IllegalArgumentException("values of " + values.type() + " with " + values.fields().size()
                + " fields for " + definition.name());
        }
        long start = position;
        if (definition.fields().isEmpty()) {
            put((byte) 0);
            return new CdrTree(definition.name(), List.of());
        }
        List<CdrTree.Field> fields = new ArrayList<>();
        for (int i = 0; i < definition.fields().size(); i++) {
            MsgField field = definition.fields().get(i);
            long offset = position;
            Object value = field(definition, start, field, values.fields().get(i).value(), append(path, i));
            fields.add(new CdrTree.Field(field.name(), field.typeName(), offset, value));
        }
        return new CdrTree(definition.name(), fields);
    }

    private Object field(MsgDefinition owner, long ownerOffset, MsgField field, Object value, List<Integer> path) {
        if (field.array() == MsgField.Array.NONE) {
            return value(owner, ownerOffset, field, value, append(path, -1));
        }
        List<?> elements = (List<?>) value;
        if (field.array() == MsgField.Array.FIXED) {
            if (elements.size() != field.arrayLength()) {
                throw new IllegalArgumentException(field.name() + ": " + elements.size() + " values for "
                    + field.typeName());
            }
        } else {
            align(4);
            spots.add(new Spot(owner, ownerOffset, field, position, append(path, -1), elements));
            putInt(elements.size());
            if (elements.isEmpty()) {
                return List.of();
            }
        }
        if (field.isPrimitive() && field.primitive().fixedSize()) {
            align(field.primitive().size());
        }
        List<Object> placed = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            placed.add(value(owner, ownerOffset, field, elements.get(i), append(path, i)));
        }
        return placed;
    }

    private Object value(MsgDefinition owner, long ownerOffset, MsgField field, Object value, List<Integer> path) {
        if (field.message() != null) {
            return message(field.message(), (CdrTree) value, path);
        }
        Primitive primitive = field.primitive();
        align(primitive.size());
        switch (primitive) {
            case BOOL -> put((byte) ((Boolean) value ? 1 : 0));
            case BYTE, CHAR, INT8, UINT8 -> put((byte) (long) (Long) value);
            case INT16, UINT16 -> putShort((short) (long) (Long) value);
            case INT32, UINT32 -> putInt((int) (long) (Long) value);
            case INT64 -> putLong((Long) value);
            case UINT64 -> putLong(value instanceof BigInteger big ? big.longValue() : (Long) value);
            case FLOAT32 -> putInt(Float.floatToRawIntBits((float) (double) (Double) value));
            case FLOAT64 -> putLong(Double.doubleToRawLongBits((Double) value));
            case STRING -> {
                spots.add(new Spot(owner, ownerOffset, field, position, path, value));
                byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
                putInt(utf8.length + 1);
                for (byte b : utf8) {
                    put(b);
                }
                put((byte) 0);
            }
            case WSTRING -> throw new IllegalArgumentException("wstring");
        }
        return value;
    }

    private static List<Integer> append(List<Integer> path, int step) {
        List<Integer> longer = new ArrayList<>(path);
        longer.add(step);
        return List.copyOf(longer);
    }

    private void align(int alignment) {
        long aligned = Cdr.align(position, alignment);
        while (position < aligned) {
            put((byte) 0);
        }
    }

    private void put(byte value) {
        if (position == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[position++] = value;
    }

    private void putShort(short value) {
        put((byte) value);
        put((byte) (value >> 8));
    }

    private void putInt(int value) {
        for (int i = 0; i < 4; i++) {
            put((byte) (value >> 8 * i));
        }
    }

    private void putLong(long value) {
        for (int i = 0; i < 8; i++) {
            put((byte) (value >> 8 * i));
        }
    }
}
