package io.sluice.msg;

/**
 * The built-in field types of ROS 2 {@code .msg} files, with their CDR size and alignment. {@code string} and
 * {@code wstring} are variable-length: a {@code uint32} length, then the characters.
 */
public enum Primitive {
    BOOL("bool", 1),
    BYTE("byte", 1),
    CHAR("char", 1),
    INT8("int8", 1),
    UINT8("uint8", 1),
    INT16("int16", 2),
    UINT16("uint16", 2),
    INT32("int32", 4),
    UINT32("uint32", 4),
    INT64("int64", 8),
    UINT64("uint64", 8),
    FLOAT32("float32", 4),
    FLOAT64("float64", 8),
    STRING("string", 4),
    WSTRING("wstring", 4);

    private final String msgName;
    private final int size;

    Primitive(String msgName, int size) {
        this.msgName = msgName;
        this.size = size;
    }

    /** The name in {@code .msg} files. */
    public String msgName() {
        return msgName;
    }

    /** Bytes of one value in CDR, and its alignment; for strings, those of the length prefix. */
    public int size() {
        return size;
    }

    /** Whether the value has a fixed size: every type but {@code string} and {@code wstring}. */
    public boolean fixedSize() {
        return this != STRING && this != WSTRING;
    }

    /** The primitive named {@code name} in a {@code .msg} file, or {@code null}. */
    public static Primitive named(String name) {
        return switch (name) {
            case "bool" -> BOOL;
            case "byte", "octet" -> BYTE;
            case "char" -> CHAR;
            case "int8" -> INT8;
            case "uint8" -> UINT8;
            case "int16" -> INT16;
            case "uint16" -> UINT16;
            case "int32" -> INT32;
            case "uint32" -> UINT32;
            case "int64" -> INT64;
            case "uint64" -> UINT64;
            case "float32" -> FLOAT32;
            case "float64" -> FLOAT64;
            case "string" -> STRING;
            case "wstring" -> WSTRING;
            default -> null;
        };
    }
}
