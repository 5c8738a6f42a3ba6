package io.sluice.msg;

import io.sluice.MessageShape;
import io.sluice.MessageType;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * A ROS 2 message type carried as CDR: its name ({@code sensor_msgs/msg/Image}), its schema text in the
 * {@code ros2msg} format (the {@code .msg} text and those of its dependencies), a hash of its structure, and the flyweight that
 * views a message. Generated message classes hold one as {@code TYPE}; {@link #dynamic} makes one from a name and
 * schema text alone, for tools that decode any topic.
 *
 * @param <T> the flyweight
 */
public final class CdrType<T> implements MessageType<T> {
    private final MsgSchema schema;
    private final String text;
    private final String hash;
    private final Function<MemorySegment, T> factory;
    private final long defaultSize;
    private volatile byte[] defaults;

    private CdrType(MsgSchema schema, String text, Function<MemorySegment, T> factory) {
        this.schema = schema;
        this.text = text;
        this.hash = hash(schema);
        this.factory = factory;
        this.defaultSize = CdrLayout.defaultEnd(schema.root(), Cdr.ORIGIN);
    }

    /** The default message's bytes, made on first use: tools that only read never need them. */
    private byte[] defaults() {
        byte[] bytes = defaults;
        if (bytes == null) {
            bytes = new byte[(int) defaultSize];
            MemorySegment template = MemorySegment.ofArray(bytes);
            Cdr.writeHeader(template);
            CdrLayout.writeDefault(schema.root(), template, Cdr.ORIGIN);
            defaults = bytes; // racing threads make equal arrays: either is right
        }
        return bytes;
    }

    /**
     * The hash of what fixes the bytes of a message: the names, types, array lengths and string bounds of the fields
     * of the type and of every type it uses, in order. Comments, blank lines, constants and defaults change nothing
     * on the wire and are left out, so a topic created from a schema with other comments (a ROS 2 bag's, say) is
     * compatible. {@code SHA256_} and the hex digest.
     */
    static String hash(MsgSchema schema) {
        StringBuilder text = new StringBuilder();
        appendStructure(schema.root(), text);
        schema.dependencies().stream()
            .sorted(java.util.Comparator.comparing(MsgDefinition::name))
            .forEach(definition -> appendStructure(definition, text));
        return MessageType.defaultHash(schema.root().name(), text.toString());
    }

    private static void appendStructure(MsgDefinition definition, StringBuilder text) {
        text.append("MSG: ").append(definition.name()).append('\n');
        for (MsgField field : definition.fields()) {
            String element = field.message() != null ? field.message().name() : field.elementTypeName();
            text.append(element);
            switch (field.array()) {
                case FIXED -> text.append('[').append(field.arrayLength()).append(']');
                case SEQUENCE -> text.append(field.arrayLength() > 0 ? "[<=" + field.arrayLength() + "]" : "[]");
                case NONE -> { }
            }
            text.append(' ').append(field.name()).append('\n');
        }
    }

    /** The type of a generated flyweight: {@code name}, schema {@code text} ({@code ros2msg}), {@code factory}. */
    public static <T extends CdrMessage> CdrType<T> of(String name, String text, Function<MemorySegment, T> factory) {
        return new CdrType<>(MsgSchema.parse(name, text), text, factory);
    }

    /**
     * A type known only by name and schema text, as a topic carries them: its messages are viewed as their bytes
     * ({@link MemorySegment}), to be read with {@link CdrReader}.
     *
     * @throws SchemaException when the text does not parse
     */
    public static CdrType<MemorySegment> dynamic(String name, String text) {
        return new CdrType<>(MsgSchema.parse(name, text), text, segment -> segment);
    }

    @Override
    public String name() {
        return schema.root().name();
    }

    @Override
    public String schema() {
        return text;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public T wrap(MemorySegment message) {
        return factory.apply(message);
    }

    /** Points a whole-message flyweight at {@code message}: it keeps its nested views and string caches. */
    @Override
    public T rewrap(T view, MemorySegment message) {
        return rewrap(view, message, message.byteSize());
    }

    /**
     * Points a whole-message flyweight at the message in the first {@code length} bytes of {@code region}, allocating
     * nothing: it keeps its segment, nested views and string caches, and checks every field against
     * {@code length}. Any other view (a {@link #dynamic} type's, whose view is the bytes) is made anew over a slice.
     */
    @Override
    public T rewrap(T view, MemorySegment region, long length) {
        if (view instanceof CdrMessage flyweight && flyweight.cdrRebind(region, length)) {
            return view;
        }
        return wrap(length == region.byteSize() ? region : region.asSlice(0, length));
    }

    /** The CDR length of the message at the start of {@code message}: what a publisher sends of a larger loan. */
    @Override
    public long encodedSize(MemorySegment message) {
        long limit = message.byteSize();
        return CdrLayout.end(schema.root(), message, limit, Cdr.body(message, limit, name()));
    }

    /** The parsed schema. */
    public MsgSchema msgSchema() {
        return schema;
    }

    /** Bytes of the default message: empty strings and sequences, zeros, schema defaults. */
    public long defaultSize() {
        return defaultSize;
    }

    /** Writes the default message at the start of {@code message} and returns its length. */
    public long writeDefault(MemorySegment message) {
        byte[] bytes = defaults();
        if (message.byteSize() < bytes.length) {
            throw new IllegalArgumentException(name() + ": default message needs " + bytes.length
                + " bytes: size=" + message.byteSize());
        }
        MemorySegment.copy(bytes, 0, message, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        return bytes.length;
    }

    /**
     * A shape that loans {@code capacity} bytes holding the default message: set its fields in place, strings and
     * sequences of any length up to the capacity; the publisher sends only the bytes the message takes.
     *
     * @throws IllegalArgumentException when {@code capacity} is below {@link #defaultSize()}
     */
    public MessageShape<T> withCapacity(long capacity) {
        if (capacity < defaultSize) {
            throw new IllegalArgumentException(name() + ": capacity below the default message size: capacity="
                + capacity + ", defaultSize=" + defaultSize);
        }
        return new MessageShape<>() {
            @Override
            public long byteSize() {
                return capacity;
            }

            @Override
            public void initialize(MemorySegment message) {
                writeDefault(message);
            }
        };
    }

    @Override
    public String toString() {
        return name() + " (" + hash + ")";
    }
}
