package io.sluice.msg;

/**
 * One field of a {@code .msg} definition, resolved: either a {@link Primitive} or a nested message, optionally an
 * array.
 *
 * @param name         the field name as written ({@code frame_id})
 * @param primitive    the primitive type, or {@code null} for a nested message
 * @param message      the nested message, or {@code null} for a primitive
 * @param stringBound  for {@code string<=N}, N; otherwise 0 (unbounded)
 * @param array        whether and how the field repeats
 * @param arrayLength  the N of {@code T[N]} (fixed) or {@code T[<=N]} (bounded); 0 otherwise
 * @param defaultValue the default written after the field, as text, or {@code null}
 */
public record MsgField(String name, Primitive primitive, MsgDefinition message, int stringBound, Array array,
                       int arrayLength, String defaultValue) {
    /** How a field repeats. */
    public enum Array {
        /** A single value. */
        NONE,
        /** {@code T[N]}: exactly N values, no length prefix. */
        FIXED,
        /** {@code T[]} or {@code T[<=N]}: a {@code uint32} count, then the values. */
        SEQUENCE
    }

    /** Whether the field is a primitive (or a string), not a nested message. */
    public boolean isPrimitive() {
        return primitive != null;
    }

    /** Whether the field is an array or a sequence. */
    public boolean isArray() {
        return array != Array.NONE;
    }

    /** The element type as written in {@code .msg} files, without array suffix: {@code uint8}, {@code std_msgs/Header}. */
    public String elementTypeName() {
        if (primitive != null) {
            return stringBound > 0 ? primitive.msgName() + "<=" + stringBound : primitive.msgName();
        }
        return message.shortName();
    }

    /** The type as written in {@code .msg} files: {@code float64[9]}, {@code sensor_msgs/PointField[]}. */
    public String typeName() {
        return switch (array) {
            case NONE -> elementTypeName();
            case FIXED -> elementTypeName() + "[" + arrayLength + "]";
            case SEQUENCE -> elementTypeName() + (arrayLength > 0 ? "[<=" + arrayLength + "]" : "[]");
        };
    }
}
