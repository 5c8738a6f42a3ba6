package io.sluice.msg;

import java.util.List;

/**
 * Schemas that cover the layout rules: every primitive, nested messages, sequences of messages with strings, fixed
 * arrays, bounds, empty messages, deep nesting. The fuzz tests pick one by the first byte of their input, so the
 * order of {@link #ALL} is part of their corpus: append, never reorder.
 */
final class SampleSchemas {
    static final String SEPARATOR = MsgSchema.SEPARATOR;

    static final MsgSchema PRIMITIVES = parse("fuzz_msgs/msg/Primitives", """
        bool b
        byte o
        char c
        int8 i8
        uint8 u8
        int16 i16
        uint16 u16
        int32 i32
        uint32 u32
        int64 i64
        uint64 u64
        float32 f32
        float64 f64
        string s
        """);

    static final MsgSchema STAMPED = parse("fuzz_msgs/msg/Stamped", """
        std_msgs/Header header
        uint8[] data
        float64 value
        %1$s
        MSG: std_msgs/Header
        builtin_interfaces/Time stamp
        string frame_id
        %1$s
        MSG: builtin_interfaces/Time
        int32 sec
        uint32 nanosec
        """.formatted(SEPARATOR));

    static final MsgSchema ITEMS = parse("fuzz_msgs/msg/Items", """
        Item[] items
        string tail
        %1$s
        MSG: fuzz_msgs/Item
        string name
        float32 x
        uint8[] bytes
        float64[] weights
        """.formatted(SEPARATOR));

    static final MsgSchema FIXED = parse("fuzz_msgs/msg/Fixed", """
        uint8 flag
        float64[9] k
        string[2] names
        Point[3] points
        uint8[3] rgb
        int16[2] pair
        bool last
        %1$s
        MSG: fuzz_msgs/Point
        float32 x
        float64 y
        """.formatted(SEPARATOR));

    static final MsgSchema BOUNDED = parse("fuzz_msgs/msg/Bounded", """
        string<=5 s
        int32[<=3] xs
        string<=3[<=2] ss
        Pair[<=2] pairs
        %1$s
        MSG: fuzz_msgs/Pair
        int8 a
        string<=4 b
        """.formatted(SEPARATOR));

    static final MsgSchema EMPTY = parse("fuzz_msgs/msg/Empty", "# nothing\n");

    static final MsgSchema EMPTIES = parse("fuzz_msgs/msg/Empties", """
        Empty one
        Empty[2] pair
        Empty[] more
        int64 after
        %1$s
        MSG: fuzz_msgs/Empty
        """.formatted(SEPARATOR));

    static final MsgSchema CLOUD = parse("sensor_msgs/msg/PointCloud2", """
        std_msgs/Header header
        uint32 height
        uint32 width
        PointField[] fields
        bool is_bigendian
        uint32 point_step
        uint32 row_step
        uint8[] data
        bool is_dense
        %1$s
        MSG: std_msgs/Header
        builtin_interfaces/Time stamp
        string frame_id
        %1$s
        MSG: builtin_interfaces/Time
        int32 sec
        uint32 nanosec
        %1$s
        MSG: sensor_msgs/PointField
        uint8 INT8    = 1
        uint8 FLOAT32 = 7
        string name
        uint32 offset
        uint8 datatype
        uint32 count
        """.formatted(SEPARATOR));

    static final MsgSchema DEEP = parse("fuzz_msgs/msg/Deep", """
        B b
        int8 x
        C[2] cs
        %1$s
        MSG: fuzz_msgs/B
        C[] c
        uint16 tag
        %1$s
        MSG: fuzz_msgs/C
        string s
        float64 d
        string[] words
        """.formatted(SEPARATOR));

    /** Every sample, in a fixed order (see the class comment). */
    static final List<MsgSchema> ALL = List.of(PRIMITIVES, STAMPED, ITEMS, FIXED, BOUNDED, EMPTY, EMPTIES, CLOUD,
        DEEP);

    private SampleSchemas() {
    }

    private static MsgSchema parse(String name, String text) {
        return MsgSchema.parse(name, text);
    }
}
