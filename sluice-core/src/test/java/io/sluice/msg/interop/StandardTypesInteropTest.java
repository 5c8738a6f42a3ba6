package io.sluice.msg.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.MessageShape;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MsgConstant;
import io.sluice.msg.MsgDefinition;
import io.sluice.msg.MsgField;
import io.sluice.msg.Primitive;
import io.sluice.msg.interop.CdrOracle.Constant;
import io.sluice.msg.interop.CdrOracle.Field;
import io.sluice.msg.interop.RandomMessages.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sluice's CDR against an independent implementation, {@code @foxglove/rosmsg2-serialization} (through
 * {@link CdrOracle}), for every generated message type: the generated schema text parses there into the same fields;
 * the bytes Sluice's flyweights write equal foxglove's byte for byte; and foxglove's bytes read back through the
 * flyweights and through {@link CdrReader} give the values written, also with the trailing padding DDS peers add.
 * Values are random ({@link RandomMessages}): each type's first case is its smallest message (empty strings and
 * sequences), the second its longest, the rest mixed.
 *
 * <p>The types are found on the class path (every class with a {@code public static final CdrType TYPE} in a
 * sub-package of {@code io.sluice.msg}), so a newly generated type is covered without a change here; the standard
 * types of {@link #STANDARD} must all be among them.
 *
 * <p>The values are seeded: every failure names the seed; {@code -Dsluice.interop.seed=<seed>} repeats the run.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StandardTypesInteropTest {
    /** The standard types Sluice generates; each must be found on the class path. */
    static final List<String> STANDARD = List.of(
        "builtin_interfaces/msg/Time", "builtin_interfaces/msg/Duration",
        "std_msgs/msg/Header", "std_msgs/msg/String", "std_msgs/msg/Bool", "std_msgs/msg/Int32",
        "std_msgs/msg/Int64", "std_msgs/msg/Float32", "std_msgs/msg/Float64", "std_msgs/msg/Empty",
        "sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage", "sensor_msgs/msg/CameraInfo",
        "sensor_msgs/msg/RegionOfInterest", "sensor_msgs/msg/PointCloud2", "sensor_msgs/msg/PointField",
        "sensor_msgs/msg/Imu", "sensor_msgs/msg/JointState", "sensor_msgs/msg/LaserScan",
        "geometry_msgs/msg/Point", "geometry_msgs/msg/Vector3", "geometry_msgs/msg/Quaternion",
        "geometry_msgs/msg/Pose", "geometry_msgs/msg/PoseStamped", "geometry_msgs/msg/Transform",
        "geometry_msgs/msg/TransformStamped", "geometry_msgs/msg/Twist", "geometry_msgs/msg/TwistStamped",
        "tf2_msgs/msg/TFMessage");

    /** The seed of this run. */
    static final long SEED = Long.getLong("sluice.interop.seed", new SplittableRandom().nextLong());
    /** Cases per type whose messages hold strings or sequences. */
    static final int CASES = 20;
    /** Cases per type of fixed size: cheap, so more. */
    static final int FIXED_SIZE_CASES = 50;
    /** Bytes a loan has beyond four times the message: room for the longer strings the scrambled writes set first. */
    static final long SLACK = 4L << 20;
    /** What a loan holds before {@link MessageShape#initialize}: not zeros, so that unwritten padding shows. */
    static final byte GARBAGE = (byte) 0xA5;

    private static final CdrOracle.Shared SHARED = new CdrOracle.Shared();
    private static CdrOracle oracle;

    @BeforeEach
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // may run npm ci (itself limited to 5 minutes)
    void startOracle() {
        oracle = SHARED.get();
    }

    @AfterAll
    static void stopOracle() {
        SHARED.close();
        oracle = null;
    }

    // ------------------------------------------------------------------------------------------------------ tests

    @Test
    void shouldGenerateEveryStandardType() {
        Set<String> found = new HashSet<>();
        generatedTypes().forEach(type -> found.add(type.name()));
        List<String> missing = STANDARD.stream().filter(name -> !found.contains(name)).toList();
        assertTrue(missing.isEmpty(), () -> "no generated class for " + missing + "; found " + new TreeSet<>(found));
    }

    /** The generated schema text parses in {@code @foxglove/rosmsg}, into the same definitions and fields. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldParseGeneratedSchemaInFoxgloveIntoTheSameFields(String name, CdrType<?> type) {
        Map<String, List<Field>> theirs = oracle.definitions(type.schema());
        List<String> names = oracle.parse(type.schema());
        assertEquals(null, names.getFirst(), name + ": the root definition has no name in ros2msg text");
        Set<String> dependencies = new HashSet<>();
        type.msgSchema().dependencies().forEach(d -> dependencies.add(d.shortName()));
        assertEquals(dependencies, new HashSet<>(names.subList(1, names.size())), name + ": dependencies");
        assertSameFields(name, type.msgSchema().root(), theirs.get(""));
        for (MsgDefinition dependency : type.msgSchema().dependencies()) {
            assertSameFields(name + " > " + dependency.shortName(), dependency, theirs.get(dependency.shortName()));
        }
        Map<String, List<Constant>> theirConstants = oracle.constants(type.schema());
        Map<String, Class<?>> classes = generatedClasses();
        assertSameConstants(name, type.msgSchema().root(), theirConstants.get(""), classes.get(name));
        for (MsgDefinition dependency : type.msgSchema().dependencies()) {
            assertSameConstants(name + " > " + dependency.shortName(), dependency,
                theirConstants.get(dependency.shortName()), classes.get(dependency.name()));
        }
    }

    /** Written through the flyweight in field order, the bytes are foxglove's, and foxglove reads them back. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldWriteTheBytesFoxgloveWrites(String name, CdrType<?> type) {
        for (Case c : cases(type)) {
            byte[] theirs = encode(c);
            byte[] ours = c.write(theirs.length, message -> FlyweightAccess.write(message, c.value));
            assertSameBytes(c, "written in field order", ours, theirs);
            assertSameValue(c, "foxglove's decoding of Sluice's bytes", oracle.decode(type.schema(), ours));
        }
    }

    /** Foxglove's bytes read through the flyweight's getters and through {@link CdrReader} give the values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldReadTheBytesFoxgloveWrites(String name, CdrType<?> type) {
        for (Case c : cases(type)) {
            // exactly the message: foxglove writes no trailing padding, so the last field ends the segment
            assertReadsBack(c, "foxglove's bytes", encode(c), 0);
        }
    }

    /**
     * Foxglove's bytes as a DDS peer delivers them read back the same: zero padding after the last field up to a
     * multiple of 4 (the RTPS submessage alignment; XTypes 1.3 7.6.3.1.2 puts its length in the two low bits of the
     * options, as Cyclone DDS does) or of 8 (options left 0). Fast DDS hands such padded payloads to readers
     * (eProsima/Fast-DDS#1363), Cyclone sets the options bits (eclipse-cyclonedds/cyclonedds#1805), and real ROS 2
     * messages end with such padding (foxglove/ros-typescript#134, sensor_msgs/NavSatFix).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldReadTheBytesFoxgloveWritesWithTheTrailingPaddingOfDdsPeers(String name, CdrType<?> type) {
        for (Case c : cases(type)) {
            byte[] theirs = encode(c);
            int body = theirs.length - 4;
            int pad4 = -body & 3;
            byte[] padded4 = Arrays.copyOf(theirs, theirs.length + pad4);
            padded4[3] = (byte) pad4;
            assertReadsBack(c, "foxglove's bytes with " + pad4 + " bytes of padding to 4 (options 00 0" + pad4 + ")",
                padded4, theirs.length);
            assertSameValue(c, "foxglove's decoding of its padded bytes", oracle.decode(type.schema(), padded4));
            byte[] padded8 = Arrays.copyOf(theirs, theirs.length + (-body & 7));
            assertReadsBack(c, "foxglove's bytes with " + (-body & 7) + " bytes of padding to 8", padded8,
                theirs.length);
        }
    }

    /**
     * Written in a random field order, with every string first set to another length and every sequence first
     * resized to another count (so later fields move, in place, many times), the bytes are still foxglove's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldWriteTheBytesFoxgloveWritesInAnyOrderAfterResizes(String name, CdrType<?> type) {
        for (Case c : cases(type)) {
            byte[] theirs = encode(c);
            RandomMessages scramble = new RandomMessages(~c.seed, Profile.MIXED);
            byte[] ours = c.write(theirs.length, message -> {
                FlyweightAccess.writeScrambled(message, c.value, scramble);
                assertSameValue(c, "the getters after the scrambled writes", FlyweightAccess.read(message));
            });
            assertSameBytes(c, "written in a random order after resizes", ours, theirs);
        }
    }

    /**
     * {@code bytes}, in a segment of exactly their size, have the {@code encodedSize} of the message in them
     * ({@code messageSize}, or all of them when 0), and read back through the getters and {@link CdrReader} as the
     * values of {@code c}.
     */
    private static void assertReadsBack(Case c, String what, byte[] bytes, int messageSize) {
        CdrType<?> type = c.type;
        int expectedSize = messageSize == 0 ? bytes.length : messageSize;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(bytes.length, 8);
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long size = c.run("encodedSize of " + what, () -> type.encodedSize(segment));
            if (size != expectedSize) {
                fail(c.describe("encodedSize of " + what + " is " + size + ", the message is " + expectedSize
                    + " bytes") + "\n" + dump("foxglove", bytes, expectedSize));
            }
            Map<String, Object> viaGetters = c.run("reading " + what + " through the getters",
                () -> FlyweightAccess.read((CdrMessage) type.wrap(segment)));
            assertSameValue(c, what + " read through the flyweight getters", viaGetters);
            Object viaReader = c.run("reading " + what + " with CdrReader",
                () -> treeValue(CdrReader.read(type.msgSchema(), segment, Integer.MAX_VALUE)));
            assertSameValue(c, what + " read with CdrReader", viaReader);
        }
    }

    /**
     * A string of length 0 (no terminator) reads as the empty string, in foxglove and in Sluice: Fast-CDR writes it
     * for a null {@code char*} and reads it as "" ({@code Cdr::readString}: {@code if (length == 0) return "";}),
     * foxglove's CdrReader too ({@code if (length <= 1)}). Writers, Sluice included, write 1 and a NUL.
     */
    @Test
    void shouldReadZeroLengthStringsAsEmptyLikeFastCdrAndFoxglove() {
        Map<String, CdrType<?>> types = new LinkedHashMap<>();
        generatedTypes().forEach(type -> types.put(type.name(), type));
        assertReadsZeroLengthString(types.get("std_msgs/msg/String"), msg("data", ""),
            0, 1, 0, 0, /* data */ 0, 0, 0, 0);
        assertReadsZeroLengthString(types.get("std_msgs/msg/Header"),
            msg("stamp", msg("sec", 7L, "nanosec", 9L), "frame_id", ""),
            0, 1, 0, 0, /* stamp */ 7, 0, 0, 0, 9, 0, 0, 0, /* frame_id */ 0, 0, 0, 0);
    }

    private static void assertReadsZeroLengthString(CdrType<?> type, Map<String, Object> value, int... unsigned) {
        byte[] bytes = new byte[unsigned.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) unsigned[i];
        }
        Case c = new Case(type, -1, Profile.EMPTY, 0, value);
        assertSameValue(c, "foxglove's decoding of a zero-length string", oracle.decode(type.schema(), bytes));
        assertReadsBack(c, "a zero-length string", bytes, 0);
    }

    private static Map<String, Object> msg(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    // ------------------------------------------------------------------------------------------------------ cases

    /** One random value of one type, and how to repeat it. */
    private record Case(CdrType<?> type, int index, Profile profile, long seed, Map<String, Object> value) {
        String describe(String what) {
            if (index < 0) {
                return type.name() + " (hand-written bytes): " + what;
            }
            return type.name() + " case " + index + " (" + profile + ", value seed " + seed + "; rerun with "
                + "-Dsluice.interop.seed=" + SEED + "): " + what;
        }

        /** Runs {@code action}, turning what a flyweight or reader throws into a failure that names this case. */
        <T> T run(String what, java.util.function.Supplier<T> action) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                throw new AssertionError(describe(what + " threw " + e) + "\nvalue: " + abbreviate(value), e);
            }
        }

        /**
         * Loans a segment of {@code TYPE.withCapacity}, garbage first, initialises it, lets {@code writer} set the
         * fields through the flyweight, and returns the first {@code TYPE.encodedSize} bytes.
         */
        byte[] write(int expectedSize, java.util.function.Consumer<CdrMessage> writer) {
            MessageShape<?> shape = type.withCapacity(4L * expectedSize + SLACK);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment segment = arena.allocate(shape.byteSize(), 8);
                segment.fill(GARBAGE);
                shape.initialize(segment);
                return run("writing through the flyweight", () -> {
                    writer.accept((CdrMessage) type.wrap(segment));
                    long size = type.encodedSize(segment);
                    return segment.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
                });
            }
        }
    }

    static Stream<Arguments> types() {
        return generatedTypes().stream().map(type -> Arguments.of(type.name(), type));
    }

    private static List<Case> cases(CdrType<?> type) {
        MsgDefinition root = type.msgSchema().root();
        int count = fixedSize(root) ? FIXED_SIZE_CASES : CASES;
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Profile profile = i == 0 ? Profile.EMPTY : i == 1 ? Profile.LONG : Profile.MIXED;
            long seed = valueSeed(type.name(), i);
            cases.add(new Case(type, i, profile, seed, new RandomMessages(seed, profile).message(root)));
        }
        return cases;
    }

    /** The seed of case {@code index} of type {@code name} in this run. */
    private static long valueSeed(String name, int index) {
        long h = SEED;
        for (int i = 0; i < name.length(); i++) {
            h = h * 31 + name.charAt(i);
        }
        return new SplittableRandom(h * 0x9E37_79B9_7F4A_7C15L + index).nextLong();
    }

    private static boolean fixedSize(MsgDefinition definition) {
        for (MsgField field : definition.fields()) {
            if (field.array() == MsgField.Array.SEQUENCE
                    || field.isPrimitive() && !field.primitive().fixedSize()
                    || field.message() != null && !fixedSize(field.message())) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encode(Case c) {
        try {
            return oracle.encode(c.type.schema(), c.value);
        } catch (CdrOracle.OracleException e) {
            throw new AssertionError(c.describe("foxglove refused the value: " + e.getMessage()) + "\nvalue: "
                + abbreviate(c.value), e);
        }
    }

    // ------------------------------------------------------------------------------------------- type discovery

    /** The {@code TYPE} of every class of {@link #generatedClasses()}, by type name. */
    static List<CdrType<?>> generatedTypes() {
        return generatedClasses().values().stream().<CdrType<?>>map(StandardTypesInteropTest::typeOf).toList();
    }

    /**
     * Every class with a {@code public static final CdrType TYPE} in a sub-package of {@code io.sluice.msg}, by the
     * name of its type.
     */
    static Map<String, Class<?>> generatedClasses() {
        Map<String, Class<?>> classes = new TreeMap<>();
        ClassLoader loader = StandardTypesInteropTest.class.getClassLoader();
        try {
            Enumeration<URL> roots = loader.getResources("io/sluice/msg");
            for (URL root : Collections.list(roots)) {
                forEachClassName(root, className -> {
                    Class<?> candidate = load(loader, className);
                    CdrType<?> type = typeOf(candidate);
                    if (type != null) {
                        classes.put(type.name(), candidate);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    /** Calls {@code action} with the name of every top-level class one package below {@code root}. */
    private static void forEachClassName(URL root, java.util.function.Consumer<String> action) throws IOException {
        URI uri;
        try {
            uri = root.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(root.toString(), e);
        }
        if (uri.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                listClasses(jar.getPath("io/sluice/msg"), action);
            }
        } else if (uri.getScheme().equals("file")) {
            listClasses(Path.of(uri), action);
        }
    }

    private static void listClasses(Path root, java.util.function.Consumer<String> action) throws IOException {
        try (Stream<Path> packages = Files.list(root)) {
            for (Path dir : packages.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(file -> file.getFileName().toString())
                        .filter(file -> file.endsWith(".class") && !file.contains("$"))
                        .sorted()
                        .forEach(file -> action.accept("io.sluice.msg." + dir.getFileName().toString()
                            .replace("/", "") + "." + file.substring(0, file.length() - ".class".length())));
                }
            }
        }
    }

    private static Class<?> load(ClassLoader loader, String className) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("loading " + className, e);
        }
    }

    /** The {@code public static final CdrType TYPE} of {@code candidate}, or {@code null}. */
    private static CdrType<?> typeOf(Class<?> candidate) {
        try {
            java.lang.reflect.Field field = candidate.getField("TYPE");
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers) || field.getType() != CdrType.class) {
                return null;
            }
            return (CdrType<?>) field.get(null);
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new AssertionError(candidate.getName() + ".TYPE", e);
        }
    }

    // --------------------------------------------------------------------------------------------------- schemas

    /** Sluice's and foxglove's views of one definition have the same fields, in the same order, of the same types. */
    private static void assertSameFields(String where, MsgDefinition ours, List<Field> theirs) {
        if (theirs == null) {
            fail(where + ": foxglove has no definition " + ours.shortName());
        }
        List<String> expected = new ArrayList<>();
        for (MsgField field : ours.fields()) {
            expected.add(describe(field));
        }
        List<String> actual = new ArrayList<>();
        for (Field field : theirs) {
            actual.add(describe(field));
        }
        assertEquals(expected, actual, where + ": fields (Sluice, then foxglove)");
    }

    /**
     * Sluice's constants of {@code ours}, foxglove's and those of the generated class (when there is one) have the
     * same names, types and values.
     */
    private static void assertSameConstants(String where, MsgDefinition ours, List<Constant> theirs, Class<?> java) {
        List<String> expected = new ArrayList<>();
        List<String> inJava = new ArrayList<>();
        for (MsgConstant constant : ours.constants()) {
            Primitive type = constant.type();
            String typeName = type == Primitive.BYTE || type == Primitive.CHAR ? "uint8" : type.msgName();
            expected.add(constant.name() + ": " + typeName + " = " + constantValue(type, constant.value()));
            if (java != null) {
                inJava.add(constant.name() + ": " + typeName + " = " + javaConstant(java, constant));
            }
        }
        List<String> actual = new ArrayList<>();
        for (Constant constant : theirs == null ? List.<Constant>of() : theirs) {
            Primitive type = Primitive.named(constant.type());
            actual.add(constant.name() + ": " + constant.type() + " = "
                + (type == null ? constant.value() : constantValue(type, constant.value())));
        }
        assertEquals(expected, actual, where + ": constants (Sluice, then foxglove)");
        if (java != null) {
            assertEquals(expected, inJava, where + ": constants (Sluice's schema, then " + java.getName() + ")");
        }
    }

    /** A constant's value, written or parsed, as a {@code Long}, {@code BigInteger}, {@code Double}, ... */
    private static Object constantValue(Primitive type, Object value) {
        String text = String.valueOf(value);
        return switch (type) {
            case BOOL -> value instanceof Boolean b ? b : Boolean.valueOf(text.equalsIgnoreCase("true")
                || text.equals("1"));
            case FLOAT32, FLOAT64 -> value instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
            case STRING, WSTRING -> text;
            default -> {
                BigInteger big = new BigInteger(text);
                yield big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
        };
    }

    /** The value of the generated Java constant for {@code constant}, as {@link #constantValue} gives it. */
    private static Object javaConstant(Class<?> java, MsgConstant constant) {
        String name = Set.of("NAME", "TYPE", "DEFINITION").contains(constant.name())
            ? constant.name() + "_" : constant.name();
        try {
            Object value = java.getField(name).get(null);
            return FlyweightAccess.fromJava(constant.type(), value, java.getName() + "." + name);
        } catch (ReflectiveOperationException e) {
            return "(no constant " + java.getName() + "." + name + ": " + e + ")";
        }
    }

    /** A field as foxglove describes it: {@code name: type[N]}, with byte and char as uint8, Time as time. */
    private static String describe(MsgField field) {
        String type;
        if (field.message() != null) {
            type = switch (field.message().name()) {
                case "builtin_interfaces/msg/Time" -> "time";
                case "builtin_interfaces/msg/Duration" -> "duration";
                default -> field.message().shortName() + " (complex)";
            };
        } else {
            type = switch (field.primitive()) {
                case BYTE, CHAR -> "uint8";
                default -> field.primitive().msgName();
            };
            if (field.stringBound() > 0) {
                type += "<=" + field.stringBound();
            }
        }
        return field.name() + ": " + type + switch (field.array()) {
            case NONE -> "";
            case FIXED -> "[" + field.arrayLength() + "]";
            case SEQUENCE -> field.arrayLength() > 0 ? "[<=" + field.arrayLength() + "]" : "[]";
        };
    }

    private static String describe(Field field) {
        String type = field.type() + (field.isComplex() ? " (complex)" : "")
            + (field.upperBound() != null ? "<=" + field.upperBound() : "");
        String array = !field.isArray() ? ""
            : field.arrayLength() != null ? "[" + field.arrayLength() + "]"
            : field.arrayUpperBound() != null ? "[<=" + field.arrayUpperBound() + "]"
            : "[]";
        return field.name() + ": " + type + array;
    }

    // ---------------------------------------------------------------------------------------------------- values

    /** A {@link CdrTree} as a value in the oracle's convention. */
    private static Object treeValue(Object value) {
        return switch (value) {
            case CdrTree tree -> {
                Map<String, Object> map = new LinkedHashMap<>();
                tree.fields().forEach(field -> map.put(field.name(), treeValue(field.value())));
                yield map;
            }
            case List<?> list -> list.stream().map(StandardTypesInteropTest::treeValue).toList();
            case CdrTree.Bulk bulk -> throw new AssertionError("a Bulk with bulkLimit=MAX_VALUE: " + bulk);
            default -> value;
        };
    }

    private static void assertSameValue(Case c, String what, Object actual) {
        String difference = difference(c.value, actual, "");
        if (difference != null) {
            fail(c.describe(what + " differ from the values written: " + difference) + "\nvalue: "
                + abbreviate(c.value));
        }
    }

    /**
     * Where {@code actual} first differs from {@code expected} (Double.equals: NaN equals NaN, -0.0 is not 0.0;
     * message fields in the same order), or {@code null}.
     */
    static String difference(Object expected, Object actual, String path) {
        String at = path.isEmpty() ? "(root)" : path;
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            if (!List.copyOf(e.keySet()).equals(List.copyOf(a.keySet()))) {
                return at + ": fields " + e.keySet() + " expected, got " + a.keySet();
            }
            for (Object key : e.keySet()) {
                String inner = difference(e.get(key), a.get(key), path.isEmpty() ? (String) key : path + "." + key);
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                String inner = difference(e.get(i), a.get(i), path + "[" + i + "]");
                if (inner != null) {
                    return inner;
                }
            }
            return e.size() == a.size() ? null
                : at + ": " + e.size() + " elements expected, got " + a.size();
        }
        if (Objects.equals(expected, actual)) {
            return null;
        }
        return at + ": expected " + abbreviate(expected) + " (" + typeName(expected) + "), got " + abbreviate(actual)
            + " (" + typeName(actual) + ")";
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    private static String abbreviate(Object value) {
        String text = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " chars)";
    }

    // ----------------------------------------------------------------------------------------------------- bytes

    private static void assertSameBytes(Case c, String how, byte[] ours, byte[] theirs) {
        int at = Arrays.mismatch(ours, theirs);
        if (at < 0) {
            return;
        }
        fail(c.describe("Sluice's bytes (" + how + ") differ from foxglove's at offset " + at + " (0x"
            + Integer.toHexString(at) + ", " + fieldAt(c.type, theirs, at) + "): Sluice " + ours.length
            + " bytes, foxglove " + theirs.length + " bytes")
            + "\n" + dump("Sluice", ours, at) + "\n" + dump("foxglove", theirs, at) + "\nvalue: " + abbreviate(c.value));
    }

    /** The field at byte {@code offset} of {@code bytes}, as far as {@link CdrReader} can place it. */
    private static String fieldAt(CdrType<?> type, byte[] bytes, int offset) {
        try {
            CdrTree tree = CdrReader.read(type.msgSchema(), MemorySegment.ofArray(bytes), Integer.MAX_VALUE);
            String found = fieldAt(tree, offset, "");
            return found == null ? "in the encapsulation header" : "in field " + found;
        } catch (RuntimeException e) {
            return "field unknown: " + e.getMessage();
        }
    }

    /** The path of the last field of {@code tree} that starts at or before {@code offset}. */
    private static String fieldAt(CdrTree tree, long offset, String path) {
        String found = null;
        for (CdrTree.Field field : tree.fields()) {
            if (field.offset() > offset) {
                break;
            }
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            found = fieldPath + " at " + field.offset();
            if (field.value() instanceof CdrTree nested) {
                String inner = fieldAt(nested, offset, fieldPath);
                found = inner != null ? inner : found;
            } else if (field.value() instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof CdrTree element) {
                        String inner = fieldAt(element, offset, fieldPath + "[" + i + "]");
                        found = inner != null ? inner : found;
                    }
                }
            }
        }
        return found;
    }

    /** Lines of 16 bytes from two lines before {@code at} to three after. */
    static String dump(String who, byte[] bytes, int at) {
        StringBuilder text = new StringBuilder(who).append(" (").append(bytes.length).append(" bytes):");
        int from = Math.max(0, (at / 16 - 2) * 16);
        int to = Math.min(bytes.length, (at / 16 + 4) * 16);
        for (int line = from; line < to; line += 16) {
            text.append(String.format("%n  %06x ", line));
            for (int i = line; i < Math.min(to, line + 16); i++) {
                text.append(i == at ? '>' : ' ').append(String.format("%02x", bytes[i]));
            }
        }
        if (to <= from) {
            text.append(" (ends before offset ").append(at).append(')');
        }
        return text.toString();
    }
}
