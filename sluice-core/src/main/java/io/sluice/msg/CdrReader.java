package io.sluice.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes any CDR message from its schema alone, without a Java class: what a recorder, the CLI or a viewer uses
 * for a topic it knows only by the type name and schema text it carries.
 *
 * {@snippet :
 * CdrTree tree = CdrReader.read(CdrType.dynamic(name, schemaText).msgSchema(), sample.segment());
 * long width = (Long) tree.get("width");
 * }
 *
 * <p>Every length and offset is checked against the message: bad bytes raise {@link MalformedMessageException}
 * naming the field (as a path such as {@code fields[2].name}) and the offset; the reader never reads outside the
 * segment, and its work and memory are bounded by the message's size.
 */
public final class CdrReader {
    /** Elements of an array shown by default before it is summarised as a {@link CdrTree.Bulk}. */
    public static final int DEFAULT_BULK_LIMIT = 16;

    private final int bulkLimit;
    private final MemorySegment message;
    /** Where the message ends: its segment's size. */
    private final long limit;
    /** The type errors name: the one the field paths start from. */
    private final String rootType;

    private CdrReader(MemorySegment message, int bulkLimit, String rootType) {
        this.message = message;
        this.limit = message.byteSize();
        this.bulkLimit = bulkLimit;
        this.rootType = rootType;
    }

    /** Decodes a whole message (encapsulation header first), arrays longer than 16 summarised. */
    public static CdrTree read(MsgSchema schema, MemorySegment message) {
        return read(schema, message, DEFAULT_BULK_LIMIT);
    }

    /**
     * Decodes a whole message; arrays longer than {@code bulkLimit} become a {@link CdrTree.Bulk} with their first
     * {@code bulkLimit} elements, the rest checked but not decoded ({@link Integer#MAX_VALUE}: every array in full,
     * which for arrays of small messages takes far more memory than the message).
     */
    public static CdrTree read(MsgSchema schema, MemorySegment message, int bulkLimit) {
        if (bulkLimit < 0) {
            throw new IllegalArgumentException("bulkLimit < 0: bulkLimit=" + bulkLimit);
        }
        CdrReader reader = new CdrReader(message, bulkLimit, schema.root().name());
        long[] end = {Cdr.body(message, message.byteSize(), schema.root().name())};
        return reader.message(schema.root(), "", end);
    }

    /** The message of type {@code definition} at {@code at} as text; for {@link CdrMessage#toString()}. */
    static String describe(MsgDefinition definition, MemorySegment message, long at) {
        CdrReader reader = new CdrReader(message, 8, definition.name());
        return reader.message(definition, "", new long[] {at}).toString();
    }

    private CdrTree message(MsgDefinition definition, String path, long[] cursor) {
        List<CdrTree.Field> fields = new ArrayList<>(definition.fields().size());
        if (definition.fields().isEmpty()) {
            Cdr.check(limit, cursor[0], 1, rootType, path.isEmpty() ? "(empty)" : path);
            cursor[0]++;
        }
        for (MsgField field : definition.fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            long start = cursor[0];
            Object value = field(field, fieldPath, cursor);
            fields.add(new CdrTree.Field(field.name(), field.typeName(), start, value));
        }
        return new CdrTree(definition.name(), fields);
    }

    private Object field(MsgField field, String path, long[] cursor) {
        String type = rootType;
        if (field.array() == MsgField.Array.NONE) {
            return value(field, path, cursor);
        }
        int count;
        if (field.array() == MsgField.Array.FIXED) {
            count = field.arrayLength();
        } else {
            long at = Cdr.align(cursor[0], 4);
            count = Cdr.count(message, limit, at, CdrLayout.minSize(field), type, path);
            if (field.arrayLength() > 0 && count > field.arrayLength()) {
                throw new MalformedMessageException(type, path, at, "sequence of " + count
                    + " elements above its bound " + field.arrayLength());
            }
            cursor[0] = at + 4;
            if (count == 0) {
                return List.of();
            }
        }
        if (field.isPrimitive() && field.primitive().fixedSize()) {
            int size = field.primitive().size();
            long start = Cdr.align(cursor[0], size);
            Cdr.check(limit, start, (long) count * size, type, path);
            int shown = Math.min(count, bulkLimit);
            List<Object> values = new ArrayList<>(shown);
            for (int i = 0; i < shown; i++) {
                values.add(primitive(field.primitive(), start + (long) i * size));
            }
            cursor[0] = start + (long) count * size;
            return count > bulkLimit
                ? new CdrTree.Bulk(field.primitive().msgName(), count, start, values) : List.copyOf(values);
        }
        long start = cursor[0];
        int shown = Math.min(count, bulkLimit);
        List<Object> values = new ArrayList<>(Math.min(shown, 1024));
        for (int i = 0; i < count; i++) {
            if (i < shown) {
                values.add(value(field, path + "[" + i + "]", cursor));
            } else {
                cursor[0] = skip(field, path + "[" + i + "]", cursor[0]);
            }
        }
        return count > bulkLimit ? new CdrTree.Bulk(field.elementTypeName(), count, start, values) : values;
    }

    /** The end of one string or message of {@code field} at {@code at}: checked, not decoded. */
    private long skip(MsgField field, String path, long at) {
        if (field.message() != null) {
            return CdrLayout.end(field.message(), message, limit, at);
        }
        long start = Cdr.align(at, 4);
        long end = Cdr.stringEnd(message, limit, start, rootType, path);
        if (field.stringBound() > 0 && Cdr.stringBytes(message, start) > field.stringBound()) {
            throw new MalformedMessageException(rootType, path, start, "string of " + Cdr.stringBytes(message, start)
                + " bytes above its bound " + field.stringBound());
        }
        return end;
    }

    private Object value(MsgField field, String path, long[] cursor) {
        if (field.message() != null) {
            return message(field.message(), path, cursor);
        }
        Primitive primitive = field.primitive();
        if (primitive == Primitive.STRING) {
            long at = Cdr.align(cursor[0], 4);
            long end = Cdr.stringEnd(message, limit, at, rootType, path);
            int length = Cdr.stringBytes(message, at);
            if (field.stringBound() > 0 && length > field.stringBound()) {
                throw new MalformedMessageException(rootType, path, at, "string of " + length
                    + " bytes above its bound " + field.stringBound());
            }
            cursor[0] = end;
            return new String(message.asSlice(at + 4, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
        if (primitive == Primitive.WSTRING) {
            throw new MalformedMessageException(rootType, path, cursor[0], "wstring is not supported");
        }
        long at = Cdr.align(cursor[0], primitive.size());
        Cdr.check(limit, at, primitive.size(), rootType, path);
        cursor[0] = at + primitive.size();
        return primitive(primitive, at);
    }

    private Object primitive(Primitive primitive, long at) {
        return switch (primitive) {
            case BOOL -> message.get(ValueLayout.JAVA_BYTE, at) != 0;
            case BYTE, CHAR, UINT8 -> (long) Byte.toUnsignedInt(message.get(ValueLayout.JAVA_BYTE, at));
            case INT8 -> (long) message.get(ValueLayout.JAVA_BYTE, at);
            case INT16 -> (long) message.get(Cdr.SHORT, at);
            case UINT16 -> (long) Short.toUnsignedInt(message.get(Cdr.SHORT, at));
            case INT32 -> (long) message.get(Cdr.INT, at);
            case UINT32 -> Integer.toUnsignedLong(message.get(Cdr.INT, at));
            case INT64 -> message.get(Cdr.LONG, at);
            case UINT64 -> {
                long value = message.get(Cdr.LONG, at);
                yield value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
            }
            case FLOAT32 -> (double) message.get(Cdr.FLOAT, at);
            case FLOAT64 -> message.get(Cdr.DOUBLE, at);
            case STRING, WSTRING -> throw new IllegalArgumentException(primitive.name());
        };
    }
}
