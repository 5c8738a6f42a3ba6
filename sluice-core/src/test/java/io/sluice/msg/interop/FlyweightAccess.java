package io.sluice.msg.interop;

import io.sluice.msg.Cdr;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.MsgDefinition;
import io.sluice.msg.MsgField;
import io.sluice.msg.Primitive;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drives a generated flyweight by reflection, from and to values in {@link CdrOracle}'s convention: {@link #write}
 * sets every field through the setters, {@link #read} builds the value back from the getters. It knows the
 * generator's conventions only from their description, so it checks them too: a missing accessor fails with the
 * name and signature it expected.
 *
 * {@snippet :
 * Header header = new Header(segment);
 * FlyweightAccess.write(header, Map.of("stamp", Map.of("sec", 1L, "nanosec", 2L), "frame_id", "map"));
 * Map<String, Object> back = FlyweightAccess.read(header);
 * }
 *
 * <p>Conventions: field {@code frame_id} has the accessors {@code frameId()} and {@code frameId(String)}; a name that
 * is a Java keyword or literal, a method of {@code Object} or starts with {@code cdr} gets a trailing {@code _}.
 * Java types: {@code bool} boolean; {@code byte}, {@code char}, {@code int8}, {@code uint8} byte; {@code int16},
 * {@code uint16} short; {@code int32}, {@code uint32} int; {@code int64}, {@code uint64} long; {@code float32} float;
 * {@code float64} double; unsigned types as their raw bits. A nested message {@code m()} returns a view. Arrays
 * {@code T[N]}: {@code x(int i)}, {@code x(int i, v)}; sequences also {@code xCount()} and {@code xCount(int)}
 * (resize); arrays and sequences of fixed-size primitives also {@code MemorySegment x()}, their elements in place.
 */
final class FlyweightAccess {
    private static final Set<String> KEYWORDS = Set.of(
        "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
        "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
        "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
        "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
        "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "_");
    private static final Set<String> OBJECT_METHODS = Set.of(
        "toString", "hashCode", "equals", "getClass", "wait", "notify", "notifyAll", "clone", "finalize");
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();

    private FlyweightAccess() {
    }

    /** Writes {@code value} into {@code message} field by field, in declaration order. */
    static void write(CdrMessage message, Map<String, Object> value) {
        new Writer(null).message(message, message.cdrDefinition(), value, "");
    }

    /**
     * Writes {@code value} into {@code message} the hard way: fields in a random order at every level, each string
     * first set to another string of another length, each sequence first resized to another count and filled with
     * other values, then resized to its count (checking that the elements it grew by are defaults), and its
     * strings and messages written in a random order. Every such step moves the bytes after it.
     */
    static void writeScrambled(CdrMessage message, Map<String, Object> value, RandomMessages random) {
        new Writer(random).message(message, message.cdrDefinition(), value, "");
    }

    /** The value of {@code message}, read through its getters. */
    static Map<String, Object> read(CdrMessage message) {
        return readMessage(message, message.cdrDefinition(), "");
    }

    // --------------------------------------------------------------------------------------------------- writing

    private record Writer(RandomMessages random) {
        void message(CdrMessage message, MsgDefinition definition, Map<String, Object> value, String path) {
            checkDefinition(message, definition, path);
            if (!value.keySet().equals(fieldNames(definition))) {
                throw new IllegalArgumentException(where(path) + "value has fields " + value.keySet() + ", "
                    + definition.name() + " has " + fieldNames(definition));
            }
            List<MsgField> fields = new ArrayList<>(definition.fields());
            if (random != null) {
                shuffle(fields);
            }
            for (MsgField field : fields) {
                field(message, field, value.get(field.name()), join(path, field.name()));
            }
        }

        private void field(CdrMessage message, MsgField field, Object value, String path) {
            String name = member(field.name());
            Class<?> type = javaType(field);
            if (field.array() == MsgField.Array.NONE) {
                if (field.message() != null) {
                    CdrMessage view = (CdrMessage) call(message, path, name);
                    message(view, field.message(), asMap(value, path), path);
                    return;
                }
                if (random != null && field.primitive() == Primitive.STRING) {
                    call(message, path, name, new Class<?>[] {String.class}, random.otherString(field, (String) value));
                }
                call(message, path, name, new Class<?>[] {type}, toJava(field.primitive(), value, path));
                return;
            }
            List<?> elements = asList(value, path);
            if (field.array() == MsgField.Array.SEQUENCE) {
                String count = countMember(field.name());
                if (random != null) {
                    int other = random.otherCount(field, elements.size());
                    call(message, path, count, new Class<?>[] {int.class}, other);
                    fillWithOthers(message, field, other, path);
                    call(message, path, count, new Class<?>[] {int.class}, elements.size());
                    checkAppendedDefaults(message, field, other, elements.size(), path);
                } else {
                    call(message, path, count, new Class<?>[] {int.class}, elements.size());
                }
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < elements.size(); i++) {
                order.add(i);
            }
            boolean fixedSize = field.isPrimitive() && field.primitive().fixedSize();
            if (random != null && !fixedSize) {
                shuffle(order);
            }
            for (int i : order) {
                String elementPath = path + "[" + i + "]";
                Object element = elements.get(i);
                if (field.message() != null) {
                    CdrMessage view = (CdrMessage) call(message, elementPath, name, new Class<?>[] {int.class}, i);
                    message(view, field.message(), asMap(element, elementPath), elementPath);
                    continue;
                }
                if (random != null && field.primitive() == Primitive.STRING) {
                    call(message, elementPath, name, new Class<?>[] {int.class, String.class}, i,
                        random.otherString(field, (String) element));
                }
                call(message, elementPath, name, new Class<?>[] {int.class, type}, i,
                    toJava(field.primitive(), element, elementPath));
            }
        }

        /** Sets the {@code count} elements of sequence {@code field} to random values, to be resized away. */
        private void fillWithOthers(CdrMessage message, MsgField field, int count, String path) {
            String name = member(field.name());
            for (int i = 0; i < count; i++) {
                String elementPath = path + "[" + i + "]";
                if (field.message() != null) {
                    CdrMessage view = (CdrMessage) call(message, elementPath, name, new Class<?>[] {int.class}, i);
                    new Writer(null).message(view, field.message(), random.message(field.message()), elementPath);
                } else {
                    call(message, elementPath, name, new Class<?>[] {int.class, javaType(field)}, i,
                        toJava(field.primitive(), random.field(withoutArray(field)), elementPath));
                }
            }
        }

        /** Elements {@code from..to} of a primitive or string sequence just grown from {@code from} are defaults. */
        private static void checkAppendedDefaults(CdrMessage message, MsgField field, int from, int to, String path) {
            if (field.message() != null) {
                return; // a default message may hold schema defaults (Quaternion.w = 1): not checked here
            }
            Object zero = switch (field.primitive()) {
                case BOOL -> false;
                case FLOAT32, FLOAT64 -> 0.0;
                case STRING, WSTRING -> "";
                default -> 0L;
            };
            for (int i = from; i < to; i++) {
                String elementPath = path + "[" + i + "]";
                Object value = fromJava(field.primitive(),
                    call(message, elementPath, member(field.name()), new Class<?>[] {int.class}, i), elementPath);
                if (!zero.equals(value)) {
                    throw new AssertionError(elementPath + ": appended by growing the sequence from " + from + " to "
                        + to + " elements, it holds " + value + " instead of the default " + zero);
                }
            }
        }

        private <T> void shuffle(List<T> list) {
            for (int i = list.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                list.set(j, list.set(i, list.get(j)));
            }
        }
    }

    /** {@code field} as a single value: its element type. */
    private static MsgField withoutArray(MsgField field) {
        return new MsgField(field.name(), field.primitive(), field.message(), field.stringBound(),
            MsgField.Array.NONE, 0, null);
    }

    // --------------------------------------------------------------------------------------------------- reading

    private static Map<String, Object> readMessage(CdrMessage message, MsgDefinition definition, String path) {
        checkDefinition(message, definition, path);
        Map<String, Object> value = new LinkedHashMap<>();
        for (MsgField field : definition.fields()) {
            value.put(field.name(), readField(message, field, join(path, field.name())));
        }
        return value;
    }

    private static Object readField(CdrMessage message, MsgField field, String path) {
        String name = member(field.name());
        if (field.array() == MsgField.Array.NONE) {
            if (field.message() != null) {
                return readMessage((CdrMessage) call(message, path, name), field.message(), path);
            }
            return fromJava(field.primitive(), call(message, path, name), path);
        }
        int count = field.array() == MsgField.Array.FIXED ? field.arrayLength()
            : (Integer) call(message, path, countMember(field.name()));
        List<Object> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String elementPath = path + "[" + i + "]";
            Object element = call(message, elementPath, name, new Class<?>[] {int.class}, i);
            elements.add(field.message() != null ? readMessage((CdrMessage) element, field.message(), elementPath)
                : fromJava(field.primitive(), element, elementPath));
        }
        if (field.isPrimitive() && field.primitive().fixedSize()) {
            checkBulk(message, field, elements, path);
        }
        return elements;
    }

    /** The {@code MemorySegment x()} view of a primitive array holds the elements the getters return. */
    private static void checkBulk(CdrMessage message, MsgField field, List<Object> elements, String path) {
        MemorySegment bulk = (MemorySegment) call(message, path, member(field.name()));
        int size = field.primitive().size();
        if (bulk.byteSize() != (long) elements.size() * size) {
            throw new AssertionError(path + ": " + member(field.name()) + "() has " + bulk.byteSize() + " bytes for "
                + elements.size() + " elements of " + size + " bytes");
        }
        for (int i = 0; i < elements.size(); i++) {
            long at = (long) i * size;
            Object inPlace = fromJava(field.primitive(), switch (field.primitive()) {
                case BOOL -> bulk.get(ValueLayout.JAVA_BYTE, at) != 0;
                case BYTE, CHAR, INT8, UINT8 -> bulk.get(ValueLayout.JAVA_BYTE, at);
                case INT16, UINT16 -> bulk.get(Cdr.SHORT, at);
                case INT32, UINT32 -> bulk.get(Cdr.INT, at);
                case INT64, UINT64 -> bulk.get(Cdr.LONG, at);
                case FLOAT32 -> bulk.get(Cdr.FLOAT, at);
                case FLOAT64 -> bulk.get(Cdr.DOUBLE, at);
                case STRING, WSTRING -> throw new IllegalStateException(field.primitive().name());
            }, path);
            if (!inPlace.equals(elements.get(i))) {
                throw new AssertionError(path + "[" + i + "]: getter gives " + elements.get(i) + ", "
                    + member(field.name()) + "() holds " + inPlace);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- conversions

    /** The Java type of one element of {@code field}: a primitive type, {@code String}, or a flyweight. */
    private static Class<?> javaType(MsgField field) {
        if (field.message() != null) {
            return CdrMessage.class;
        }
        return switch (field.primitive()) {
            case BOOL -> boolean.class;
            case BYTE, CHAR, INT8, UINT8 -> byte.class;
            case INT16, UINT16 -> short.class;
            case INT32, UINT32 -> int.class;
            case INT64, UINT64 -> long.class;
            case FLOAT32 -> float.class;
            case FLOAT64 -> double.class;
            case STRING -> String.class;
            case WSTRING -> throw new UnsupportedOperationException("wstring " + field.name());
        };
    }

    /** An oracle value as the Java value a setter takes (unsigned values as their raw bits). */
    static Object toJava(Primitive primitive, Object value, String path) {
        return switch (primitive) {
            case BOOL -> (Boolean) value;
            case BYTE, CHAR, INT8, UINT8 -> integer(value, path).byteValue();
            case INT16, UINT16 -> integer(value, path).shortValue();
            case INT32, UINT32 -> integer(value, path).intValue();
            case INT64, UINT64 -> integer(value, path).longValue();
            case FLOAT32 -> {
                double d = (Double) value;
                float f = (float) d;
                if (!Double.isNaN(d) && (double) f != d) {
                    throw new IllegalArgumentException(path + ": " + d + " is not a float32 value");
                }
                yield f;
            }
            case FLOAT64 -> (Double) value;
            case STRING -> (String) value;
            case WSTRING -> throw new UnsupportedOperationException(path + ": wstring");
        };
    }

    /** A getter's Java value as an oracle value: {@code Boolean}, {@code Long}, {@code BigInteger}, {@code Double}. */
    static Object fromJava(Primitive primitive, Object value, String path) {
        return switch (primitive) {
            case BOOL -> (Boolean) value;
            case INT8 -> (long) (Byte) value;
            case BYTE, CHAR, UINT8 -> Byte.toUnsignedLong((Byte) value);
            case INT16 -> (long) (Short) value;
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case INT32 -> (long) (Integer) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT64 -> (Long) value;
            case UINT64 -> {
                long bits = (Long) value;
                yield bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
            }
            case FLOAT32 -> (double) (Float) value;
            case FLOAT64 -> (Double) value;
            case STRING -> (String) value;
            case WSTRING -> throw new UnsupportedOperationException(path + ": wstring");
        };
    }

    private static Number integer(Object value, String path) {
        if (value instanceof Long || value instanceof BigInteger) {
            return (Number) value;
        }
        throw new IllegalArgumentException(path + ": expected Long or BigInteger, got " + value);
    }

    // ------------------------------------------------------------------------------------------------ reflection

    /** The accessor name of {@code fieldName}: {@code frame_id} → {@code frameId}, escaped. */
    static String member(String fieldName) {
        return escape(lowerCamel(fieldName));
    }

    /** The count accessor of sequence {@code fieldName}: {@code frameIdCount}, escaped. */
    static String countMember(String fieldName) {
        return escape(lowerCamel(fieldName) + "Count");
    }

    private static String lowerCamel(String fieldName) {
        StringBuilder name = new StringBuilder(fieldName.length());
        boolean upperNext = false;
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c == '_') {
                upperNext = !name.isEmpty();
            } else if (name.isEmpty()) {
                name.append(Character.toLowerCase(c));
            } else {
                name.append(upperNext ? Character.toUpperCase(c) : c);
                upperNext = false;
            }
        }
        return name.toString();
    }

    private static String escape(String name) {
        return KEYWORDS.contains(name) || OBJECT_METHODS.contains(name) || name.startsWith("cdr") ? name + "_" : name;
    }

    private static Object call(Object target, String path, String name) {
        return call(target, path, name, new Class<?>[0]);
    }

    private static Object call(Object target, String path, String name, Class<?>[] parameters, Object... args) {
        Method method = method(target.getClass(), name, parameters);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new AccessException(path + ": " + signature(target.getClass(), name, parameters) + " threw "
                + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(signature(target.getClass(), name, parameters) + " is not accessible", e);
        }
    }

    private static Method method(Class<?> type, String name, Class<?>[] parameters) {
        String key = signature(type, name, parameters);
        Method cached = METHODS.get(key);
        if (cached != null) {
            return cached;
        }
        Method found = null;
        for (Method candidate : type.getMethods()) {
            if (candidate.getName().equals(name) && !Modifier.isStatic(candidate.getModifiers())
                    && matches(candidate.getParameterTypes(), parameters)) {
                found = candidate;
            }
        }
        if (found == null) {
            throw new AssertionError("the generated class has no method " + key);
        }
        METHODS.put(key, found);
        return found;
    }

    /** Exactly the same parameter types. */
    private static boolean matches(Class<?>[] actual, Class<?>[] wanted) {
        if (actual.length != wanted.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    private static String signature(Class<?> type, String name, Class<?>[] parameters) {
        StringBuilder text = new StringBuilder(type.getName()).append('.').append(name).append('(');
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    // ---------------------------------------------------------------------------------------------------- checks

    private static void checkDefinition(CdrMessage message, MsgDefinition definition, String path) {
        if (!message.cdrDefinition().name().equals(definition.name())) {
            throw new AssertionError(where(path) + "view of " + message.cdrDefinition().name() + " where "
                + definition.name() + " was expected");
        }
    }

    private static Set<String> fieldNames(MsgDefinition definition) {
        Set<String> names = new java.util.LinkedHashSet<>();
        definition.fields().forEach(field -> names.add(field.name()));
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(where(path) + "expected a message (Map), got " + value);
    }

    private static List<?> asList(Object value, String path) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException(where(path) + "expected a List, got " + value);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    /** A generated accessor threw: the field path, the accessor, and what it threw as the cause. */
    static final class AccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
