package io.sluice.msg.sensor_msgs;

import io.sluice.MessageShape;
import io.sluice.msg.Cdr;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.std_msgs.Header;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@link PointCloud2} adds to its generated accessors: shapes sized from the point layout, and views that read
 * and write point {@code i} of the common layouts in one call.
 *
 * {@snippet :
 * PointCloud2.Shape shape = PointCloud2.sized(1920, 1080, PointCloud2.XYZRGB).frameId("zed_left");
 * try (Loan<PointCloud2> loan = publisher.loan(shape)) {
 *     PointCloud2.Points points = loan.message().xyzrgb();
 *     for (int i = 0; i < points.size(); i++) {
 *         points.set(i, x[i], y[i], z[i]).rgb(i, 0xff8000);
 *     }
 *     loan.publish();
 * }
 * // subscriber
 * PointCloud2.Points points = sample.message().xyz();   // checks the layout once: O(number of fields)
 * float z = points.z(123_456);                           // then O(1) per point
 * }
 */
public abstract class PointCloud2Support extends CdrMessage {
    /** x, y, z as float32: 12 bytes a point. */
    public static final List<Field> XYZ = List.of(
        field("x", PointField.FLOAT32), field("y", PointField.FLOAT32), field("z", PointField.FLOAT32));
    /** x, y, z as float32 and rgb as a float32 holding {@code 0x00RRGGBB} (as PCL packs it): 16 bytes a point. */
    public static final List<Field> XYZRGB = List.of(
        field("x", PointField.FLOAT32), field("y", PointField.FLOAT32), field("z", PointField.FLOAT32),
        field("rgb", PointField.FLOAT32));

    private static final byte[] X = {'x'};
    private static final byte[] Y = {'y'};
    private static final byte[] Z = {'z'};
    private static final byte[] RGB = {'r', 'g', 'b'};
    private static final byte[] RGBA = {'r', 'g', 'b', 'a'};
    private static final MemorySegment NAMES = MemorySegment.ofArray("xyzrgbrgba".getBytes(StandardCharsets.US_ASCII));

    private Points points;

    protected PointCloud2Support(MemorySegment segment) {
        super(segment);
    }

    protected PointCloud2Support() {
    }

    /** A field of a point: its name, its datatype ({@link PointField#FLOAT32} …) and how many values it has. */
    public record Field(String name, byte datatype, int count) {
        public Field {
            if (count < 1) {
                throw new IllegalArgumentException("count < 1: count=" + count);
            }
            size(datatype);
        }

        /** Bytes of the field: count × size of its datatype. */
        public long byteSize() {
            return (long) count * size(datatype);
        }
    }

    /** A field of one value of {@code datatype}. */
    public static Field field(String name, byte datatype) {
        return new Field(name, datatype, 1);
    }

    /** Bytes of one value of a {@link PointField} datatype. */
    public static int size(byte datatype) {
        return switch (datatype) {
            case PointField.INT8, PointField.UINT8 -> 1;
            case PointField.INT16, PointField.UINT16 -> 2;
            case PointField.INT32, PointField.UINT32, PointField.FLOAT32 -> 4;
            case PointField.FLOAT64 -> 8;
            default -> throw new IllegalArgumentException("unknown PointField datatype: datatype=" + datatype);
        };
    }

    /**
     * The shape of a cloud of {@code width × height} points with {@code fields}, packed in order, each at an offset
     * aligned to its value size; rows without padding.
     */
    public static Shape sized(int width, int height, List<Field> fields) {
        return new Shape(width, height, List.copyOf(fields), -1, "", false, 256);
    }

    /** {@link #sized(int, int, List)} with fields given one by one. */
    public static Shape sized(int width, int height, Field... fields) {
        return sized(width, height, List.of(fields));
    }

    /**
     * A view of the points as x, y, z (float32 fields named {@code x}, {@code y}, {@code z}, any offsets). The
     * layout is checked here, once; the view is valid until the next call of {@code xyz()} or {@code xyzrgb()} on
     * this message.
     *
     * @throws MalformedMessageException when the cloud has no such fields, is big endian, or its data is shorter than
     *                                   width × height × point_step
     */
    public Points xyz() {
        return view(false);
    }

    /** {@link #xyz()} with the colour of a float32 or uint32 field named {@code rgb} or {@code rgba}. */
    public Points xyzrgb() {
        return view(true);
    }

    /**
     * Finds the point layout in one pass over the message: header, height, width, the fields (matching names without
     * making strings), is_bigendian, point_step, data. Every length and offset is checked.
     */
    private Points view(boolean colour) {
        String type = cdrDefinition().name();
        MemorySegment m = segment;
        long heightAt = Cdr.align(Header.end$(m, limit, cdrStart()), 4);
        long height = Integer.toUnsignedLong(Cdr.getInt(m, limit, heightAt, type, "height"));
        long width = Integer.toUnsignedLong(Cdr.getInt(m, limit, heightAt + 4, type, "width"));
        long fieldsAt = heightAt + 8;
        int count = Cdr.count(m, limit, fieldsAt, 1, type, "fields");
        long x = -1;
        long y = -1;
        long z = -1;
        long rgb = -1;
        long p = fieldsAt + 4;
        for (int i = 0; i < count; i++) {
            long name = Cdr.align(p, 4);
            long end = Cdr.stringEnd(m, limit, name, PointField.NAME, "name");
            int length = Cdr.stringBytes(m, name);
            long offsetAt = Cdr.align(end, 4);
            long offset = Integer.toUnsignedLong(Cdr.getInt(m, limit, offsetAt, PointField.NAME, "offset"));
            byte datatype = Cdr.getByte(m, limit, offsetAt + 4, PointField.NAME, "datatype");
            p = Cdr.align(offsetAt + 5, 4) + 4; // count
            boolean float32 = datatype == PointField.FLOAT32;
            if (float32 && is(name, length, X, 0)) {
                x = offset;
            } else if (float32 && is(name, length, Y, 1)) {
                y = offset;
            } else if (float32 && is(name, length, Z, 2)) {
                z = offset;
            } else if ((float32 || datatype == PointField.UINT32)
                && (is(name, length, RGB, 3) || is(name, length, RGBA, 6))) {
                rgb = offset;
            }
        }
        if (Cdr.getBool(m, limit, p, type, "is_bigendian")) {
            throw new MalformedMessageException(type, "is_bigendian", p, "big-endian point data is not supported");
        }
        long stepAt = Cdr.align(p + 1, 4);
        long step = Integer.toUnsignedLong(Cdr.getInt(m, limit, stepAt, type, "point_step"));
        long dataAt = Cdr.align(stepAt + 8, 4); // after row_step
        int bytes = Cdr.count(m, limit, dataAt, 1, type, "data");
        long data = Cdr.elements(dataAt, bytes, 1);
        Cdr.check(limit, data, bytes, type, "data");
        if (x < 0 || y < 0 || z < 0 || colour && rgb < 0) {
            throw new MalformedMessageException(type, "fields", fieldsAt, "no float32 fields x, y, z"
                + (colour ? " and float32/uint32 rgb or rgba" : "") + " in the point layout");
        }
        long last = Math.max(Math.max(x, y), Math.max(z, colour ? rgb : 0)) + 4;
        if (last > step) {
            throw new MalformedMessageException(type, "point_step", stepAt, "fields run past point_step=" + step);
        }
        long points = width * height; // below 2^64 as unsigned; a negative product fails the first test
        if (points < 0 || points > bytes || points * step > bytes) { // points <= 2^31: no overflow below
            throw new MalformedMessageException(type, "data", dataAt, points + " points of " + step + " bytes need "
                + points * step + " bytes, data has " + bytes);
        }
        if (this.points == null) {
            this.points = new Points();
        }
        return this.points.place(m, data, points, step, x, y, z, colour ? rgb : -1);
    }

    private boolean is(long at, int length, byte[] name, int namesOffset) {
        return length == name.length
            && MemorySegment.mismatch(segment, at + 4, at + 4 + length, NAMES, namesOffset, namesOffset + length) < 0;
    }

    /**
     * Point {@code i} of a cloud as x, y, z (and colour): O(1) a point, bounds-checked, allocation-free. Valid until
     * the next {@code xyz()}/{@code xyzrgb()} call on the message it came from.
     */
    public static final class Points {
        private MemorySegment message;
        private long data;
        private long size;
        private long step;
        private long x;
        private long y;
        private long z;
        private long rgb;

        Points place(MemorySegment message, long data, long size, long step, long x, long y, long z, long rgb) {
            this.message = message;
            this.data = data;
            this.size = size;
            this.step = step;
            this.x = x;
            this.y = y;
            this.z = z;
            this.rgb = rgb;
            return this;
        }

        /** How many points: width × height. */
        public long size() {
            return size;
        }

        /** Bytes between two points. */
        public long pointStep() {
            return step;
        }

        public float x(long i) {
            return message.get(Cdr.FLOAT, at(i) + x);
        }

        public float y(long i) {
            return message.get(Cdr.FLOAT, at(i) + y);
        }

        public float z(long i) {
            return message.get(Cdr.FLOAT, at(i) + z);
        }

        /** The colour of point {@code i} as {@code 0xAARRGGBB} bits (alpha as stored, often 0). */
        public int rgb(long i) {
            if (rgb < 0) {
                throw new IllegalStateException("view without colour: use xyzrgb()");
            }
            return message.get(Cdr.INT, at(i) + rgb);
        }

        /** Sets x, y, z of point {@code i}. */
        public Points set(long i, float x, float y, float z) {
            long p = at(i);
            message.set(Cdr.FLOAT, p + this.x, x);
            message.set(Cdr.FLOAT, p + this.y, y);
            message.set(Cdr.FLOAT, p + this.z, z);
            return this;
        }

        /** Sets the colour of point {@code i} ({@code 0x00RRGGBB}). */
        public Points rgb(long i, int rgb) {
            if (this.rgb < 0) {
                throw new IllegalStateException("view without colour: use xyzrgb()");
            }
            message.set(Cdr.INT, at(i) + this.rgb, rgb);
            return this;
        }

        private long at(long i) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("point index out of [0, " + size + "): i=" + i);
            }
            return data + i * step;
        }
    }

    /**
     * The size and fixed fields of a point cloud to loan. Immutable; keep one and loan it for every cloud. The
     * points are left as they are for the producer to overwrite.
     */
    public static final class Shape implements MessageShape<PointCloud2> {
        private final int width;
        private final int height;
        private final List<Field> fields;
        private final long[] offsets;
        private final long pointStep;
        private final String frameId;
        private final boolean dense;
        private final int room;
        private final long byteSize;

        Shape(int width, int height, List<Field> fields, long pointStep, String frameId, boolean dense, int room) {
            if (width < 0 || height < 0) {
                throw new IllegalArgumentException("width and height must be >= 0: width=" + width + ", height="
                    + height);
            }
            this.width = width;
            this.height = height;
            this.fields = fields;
            this.offsets = new long[fields.size()];
            long packed = 0;
            for (int i = 0; i < fields.size(); i++) {
                int size = size(fields.get(i).datatype());
                packed = (packed + size - 1) / size * size;
                offsets[i] = packed;
                packed += fields.get(i).byteSize();
            }
            this.pointStep = pointStep < 0 ? packed : pointStep;
            if (this.pointStep < packed) {
                throw new IllegalArgumentException("pointStep below the packed fields: pointStep=" + pointStep
                    + ", packed=" + packed);
            }
            long row = this.pointStep * width; // both below 2^32: no overflow
            if (this.pointStep > 0xffff_ffffL || row > 0xffff_ffffL || row * height > Integer.MAX_VALUE - (1 << 16)) {
                throw new IllegalArgumentException("point cloud data above 2 GiB: width=" + width + ", height="
                    + height + ", pointStep=" + this.pointStep);
            }
            this.frameId = frameId;
            this.dense = dense;
            this.room = room;
            long p = Cdr.ORIGIN + 8;
            p += Cdr.stringSize(p, frameId);
            p = Cdr.align(p, 4) + 8 + 4;                   // height, width, fields count
            for (Field field : fields) {
                p += Cdr.stringSize(p, field.name());
                p = Cdr.align(p, 4) + 4 + 1;               // offset, datatype
                p = Cdr.align(p, 4) + 4;                   // count
            }
            p += 1;                                        // is_bigendian
            p = Cdr.align(p, 4) + 8;                       // point_step, row_step
            p = Cdr.align(p, 4) + 4 + row * height;        // data
            this.byteSize = p + 1 + room;                  // is_dense
        }

        /** The same shape with {@code header.frame_id} set. */
        public Shape frameId(String frameId) {
            return new Shape(width, height, fields, pointStep, frameId, dense, room);
        }

        /** The same shape with points {@code pointStep} bytes apart (at least the packed fields). */
        public Shape pointStep(long pointStep) {
            if (pointStep < 0) {
                throw new IllegalArgumentException("pointStep < 0: pointStep=" + pointStep);
            }
            return new Shape(width, height, fields, pointStep, frameId, dense, room);
        }

        /** The same shape with {@code is_dense} set: the cloud has no invalid points. */
        public Shape dense(boolean dense) {
            return new Shape(width, height, fields, pointStep, frameId, dense, room);
        }

        /** The same shape with room for strings set after loaning (256 bytes by default). */
        public Shape room(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("room < 0: room=" + bytes);
            }
            return new Shape(width, height, fields, pointStep, frameId, dense, bytes);
        }

        /** Bytes between two points. */
        public long pointStep() {
            return pointStep;
        }

        /** Where field {@code i} sits in a point. */
        public long offset(int i) {
            return offsets[i];
        }

        @Override
        public long byteSize() {
            return byteSize;
        }

        @Override
        public void initialize(MemorySegment message) {
            Cdr.writeHeader(message);
            long p = Cdr.write32(message, Cdr.ORIGIN, 0);
            p = Cdr.write32(message, p, 0);
            p = Cdr.writeString(message, p, frameId);
            p = Cdr.write32(message, p, height);
            p = Cdr.write32(message, p, width);
            p = Cdr.write32(message, p, fields.size());
            for (int i = 0; i < offsets.length; i++) {
                Field field = fields.get(i);
                p = Cdr.writeString(message, p, field.name());
                p = Cdr.write32(message, p, (int) offsets[i]);
                p = Cdr.write8(message, p, field.datatype());
                p = Cdr.write32(message, p, field.count());
            }
            p = Cdr.write8(message, p, 0);                                    // is_bigendian
            p = Cdr.write32(message, p, (int) pointStep);
            p = Cdr.write32(message, p, (int) (pointStep * width));            // row_step
            p = Cdr.writeSequence(message, p, (int) (pointStep * width * height), 1);
            Cdr.write8(message, p, dense ? 1 : 0);
        }

        @Override
        public String toString() {
            return "PointCloud2.Shape[" + width + "x" + height + ", fields=" + fields + ", pointStep=" + pointStep
                + ", bytes=" + byteSize + "]";
        }
    }
}
