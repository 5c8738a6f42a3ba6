package io.sluice.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The conventional way to read a CDR message, as the baseline of {@link MessageReadBenchmark}: deserialise it front to
 * back into plain Java objects — strings decoded, every sequence copied into a Java array, nested messages and
 * sequences of messages as objects and lists — then read the fields from those. This is what the generated classes of
 * rclpy and rcljava do (and ROS 2's own type support in C++); the flyweights of {@code io.sluice.msg} read the same
 * bytes in place instead.
 *
 * <p>Written to be fair to the conventional side: absolute {@link ByteBuffer} reads in little-endian order, one bulk
 * copy per sequence ({@link ByteBuffer#get(int, byte[])}), no reflection, no intermediate buffers, and the bounds
 * checks that {@code ByteBuffer} does anyway. It reads XCDR1 little endian as {@link io.sluice.msg.Cdr} describes it:
 * primitives aligned to their size counted from byte 4, strings as a {@code uint32} length with the terminator.
 */
final class ConventionalCdr {
    private static final int ORIGIN = 4;
    private static final int CDR_LE = 0x0001;
    private static final VarHandle FLOAT_LE =
        MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer buffer;
    private int position;

    private ConventionalCdr(ByteBuffer buffer) {
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("buffer must be little endian: order=" + buffer.order());
        }
        int kind = Short.toUnsignedInt(Short.reverseBytes(buffer.getShort(0)));
        if (kind != CDR_LE) {
            throw new IllegalArgumentException(String.format("encapsulation kind 0x%04x, expected 0x0001", kind));
        }
        this.buffer = buffer;
        this.position = ORIGIN;
    }

    /** {@code builtin_interfaces/msg/Time}. */
    record Time(int sec, int nanosec) {
    }

    /** {@code std_msgs/msg/Header}. */
    record Header(Time stamp, String frameId) {
    }

    /** {@code sensor_msgs/msg/Image}, its pixels copied into {@code data}. */
    record ImageMessage(Header header, int height, int width, String encoding, boolean isBigendian, int step,
                        byte[] data) {
    }

    /** {@code sensor_msgs/msg/PointField}. */
    record PointField(String name, int offset, byte datatype, int count) {
    }

    /** {@code sensor_msgs/msg/PointCloud2}, its points copied into {@code data}. */
    record PointCloud2Message(Header header, int height, int width, List<PointField> fields, boolean isBigendian,
                              int pointStep, int rowStep, byte[] data, boolean isDense) {
        /** Where the field called {@code name} sits in a point, as a user of such a class finds it. */
        int offsetOf(String name) {
            for (PointField field : fields) {
                if (field.name().equals(name)) {
                    return field.offset();
                }
            }
            throw new IllegalArgumentException("no point field: name=" + name);
        }

        /** The float32 at {@code offset} in point {@code i}. */
        float floatAt(long i, int offset) {
            return (float) FLOAT_LE.get(data, Math.toIntExact(i * pointStep + offset));
        }
    }

    /** Deserialises the {@code sensor_msgs/msg/Image} at the start of {@code buffer} (little endian). */
    static ImageMessage image(ByteBuffer buffer) {
        ConventionalCdr in = new ConventionalCdr(buffer);
        Header header = in.header();
        int height = in.int32();
        int width = in.int32();
        String encoding = in.string();
        boolean isBigendian = in.uint8() != 0;
        int step = in.int32();
        byte[] data = in.bytes();
        return new ImageMessage(header, height, width, encoding, isBigendian, step, data);
    }

    /** Deserialises the {@code sensor_msgs/msg/PointCloud2} at the start of {@code buffer} (little endian). */
    static PointCloud2Message pointCloud2(ByteBuffer buffer) {
        ConventionalCdr in = new ConventionalCdr(buffer);
        Header header = in.header();
        int height = in.int32();
        int width = in.int32();
        int count = in.int32();
        List<PointField> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new PointField(in.string(), in.int32(), (byte) in.uint8(), in.int32()));
        }
        boolean isBigendian = in.uint8() != 0;
        int pointStep = in.int32();
        int rowStep = in.int32();
        byte[] data = in.bytes();
        boolean isDense = in.uint8() != 0;
        return new PointCloud2Message(header, height, width, fields, isBigendian, pointStep, rowStep, data, isDense);
    }

    private Header header() {
        Time stamp = new Time(int32(), int32());
        return new Header(stamp, string());
    }

    private void align(int size) {
        position = ((position - ORIGIN + size - 1) & -size) + ORIGIN;
    }

    private int uint8() {
        return Byte.toUnsignedInt(buffer.get(position++));
    }

    private int int32() {
        align(4);
        int value = buffer.getInt(position);
        position += 4;
        return value;
    }

    private String string() {
        int length = int32();
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length - 1];
        buffer.get(position, bytes);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private byte[] bytes() {
        int count = int32();
        byte[] bytes = new byte[count];
        buffer.get(position, bytes);
        position += count;
        return bytes;
    }
}
