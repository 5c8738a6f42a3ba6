package io.sluice.msg.sensor_msgs;

import io.sluice.MessageShape;
import io.sluice.msg.Cdr;
import io.sluice.msg.CdrMessage;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link Image} adds to its generated accessors: shapes that size a loan from width, height and encoding, and
 * the bytes per pixel of the ROS 2 encodings.
 *
 * {@snippet :
 * Image.Shape shape = Image.sized(2208, 1242, "rgb8").frameId("zed_left");   // once
 * try (Loan<Image> loan = publisher.loan(shape)) {                          // per frame: allocates nothing
 *     Image image = loan.message();
 *     image.header().stamp().sec(seconds).nanosec(nanos);
 *     camera.grabInto(image.data());                                        // 2208 × 1242 × 3 bytes in place
 *     loan.publish();
 * }
 * }
 */
public abstract class ImageSupport extends CdrMessage {
    private static final Pattern CV_TYPE = Pattern.compile("(8|16|32|64)([USF])C([1-9][0-9]?)");

    protected ImageSupport(MemorySegment segment) {
        super(segment);
    }

    protected ImageSupport() {
    }

    /**
     * The shape of an image of {@code width × height} pixels in {@code encoding} (a ROS 2 encoding such as
     * {@code rgb8}, {@code bgra8}, {@code mono16}, {@code 32FC1}, {@code bayer_rggb8}), rows without padding.
     *
     * @throws IllegalArgumentException when a size is negative, the data would exceed 2 GiB or the encoding is unknown
     */
    public static Shape sized(int width, int height, String encoding) {
        int bytesPerPixel = bytesPerPixel(encoding);
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("width and height must be >= 0: width=" + width + ", height=" + height);
        }
        return new Shape(width, height, encoding, (long) width * bytesPerPixel, "", 256);
    }

    /**
     * Bytes of one pixel in a ROS 2 image encoding: the names of {@code sensor_msgs/image_encodings} and the
     * OpenCV-style {@code <bits><U|S|F>C<channels>}.
     *
     * @throws IllegalArgumentException for an encoding it does not know (compressed formats have no pixel size)
     */
    public static int bytesPerPixel(String encoding) {
        String name = encoding.toLowerCase(Locale.ROOT);
        switch (name) {
            case "mono8", "bayer_rggb8", "bayer_bggr8", "bayer_gbrg8", "bayer_grbg8" -> {
                return 1;
            }
            case "mono16", "bayer_rggb16", "bayer_bggr16", "bayer_gbrg16", "bayer_grbg16", "yuv422", "uyvy", "yuyv",
                 "yuv422_yuy2" -> {
                return 2;
            }
            case "rgb8", "bgr8" -> {
                return 3;
            }
            case "rgba8", "bgra8" -> {
                return 4;
            }
            case "rgb16", "bgr16" -> {
                return 6;
            }
            case "rgba16", "bgra16" -> {
                return 8;
            }
            default -> {
                Matcher matcher = CV_TYPE.matcher(encoding.toUpperCase(Locale.ROOT));
                if (matcher.matches()) {
                    return Integer.parseInt(matcher.group(1)) / 8 * Integer.parseInt(matcher.group(3));
                }
                throw new IllegalArgumentException("unknown image encoding: encoding=" + encoding
                    + " (known: mono8, mono16, rgb8, bgr8, rgba8, bgra8, rgb16, bgr16, rgba16, bgra16, bayer_*8,"
                    + " bayer_*16, yuv422, uyvy, yuyv, and <8|16|32|64><U|S|F>C<n> such as 32FC1)");
            }
        }
    }

    /**
     * The size and fixed fields of an image to loan: width, height, encoding, row step, frame id, and room for
     * strings set later. Immutable; keep one and loan it for every frame.
     */
    public static final class Shape implements MessageShape<Image> {
        private final int width;
        private final int height;
        private final String encoding;
        private final long step;
        private final String frameId;
        private final int room;
        private final long byteSize;

        Shape(int width, int height, String encoding, long step, String frameId, int room) {
            if (step < 0 || step > 0xffff_ffffL || step * height > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("image data above 2 GiB: width=" + width + ", height=" + height
                    + ", step=" + step);
            }
            this.width = width;
            this.height = height;
            this.encoding = encoding;
            this.step = step;
            this.frameId = frameId;
            this.room = room;
            long p = Cdr.ORIGIN + 8;                      // header.stamp
            p += Cdr.stringSize(p, frameId);              // header.frame_id
            p = Cdr.align(p, 4) + 8;                      // height, width
            p += Cdr.stringSize(p, encoding);             // encoding
            p += 1;                                       // is_bigendian
            p = Cdr.align(p, 4) + 4;                      // step
            p = Cdr.align(p, 4) + 4 + step * height;      // data
            this.byteSize = p + room;
        }

        /** The same shape with {@code header.frame_id} set. */
        public Shape frameId(String frameId) {
            return new Shape(width, height, encoding, step, frameId, room);
        }

        /** The same shape with rows of {@code step} bytes (at least width × bytes per pixel). */
        public Shape step(long step) {
            long minimum = (long) width * bytesPerPixel(encoding);
            if (step < minimum) {
                throw new IllegalArgumentException("step below width × bytes per pixel: step=" + step + ", minimum="
                    + minimum);
            }
            return new Shape(width, height, encoding, step, frameId, room);
        }

        /**
         * The same shape with {@code bytes} of room for strings set after loaning (256 by default). Setting a string
         * of another length after loaning moves the bytes after it, the image data included: set the frame id in
         * the shape to avoid that.
         */
        public Shape room(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("room < 0: room=" + bytes);
            }
            return new Shape(width, height, encoding, step, frameId, bytes);
        }

        /** Bytes of the image data: step × height. */
        public long dataSize() {
            return step * height;
        }

        @Override
        public long byteSize() {
            return byteSize;
        }

        /** Writes everything but the pixels, which are left as they are for the camera to overwrite. */
        @Override
        public void initialize(MemorySegment message) {
            Cdr.writeHeader(message);
            long p = Cdr.write32(message, Cdr.ORIGIN, 0);  // header.stamp.sec
            p = Cdr.write32(message, p, 0);                // header.stamp.nanosec
            p = Cdr.writeString(message, p, frameId);
            p = Cdr.write32(message, p, height);
            p = Cdr.write32(message, p, width);
            p = Cdr.writeString(message, p, encoding);
            p = Cdr.write8(message, p, 0);                 // is_bigendian
            p = Cdr.write32(message, p, (int) step);
            Cdr.writeSequence(message, p, (int) (step * height), 1);
        }

        @Override
        public String toString() {
            return "Image.Shape[" + width + "x" + height + " " + encoding + ", step=" + step + ", frameId=" + frameId
                + ", bytes=" + byteSize + "]";
        }
    }
}
