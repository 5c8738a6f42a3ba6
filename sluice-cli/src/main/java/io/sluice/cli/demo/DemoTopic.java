package io.sluice.cli.demo;

import io.sluice.MessageType;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.CdrType;
import io.sluice.msg.sensor_msgs.CameraInfo;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;

import java.lang.foreign.MemorySegment;

/**
 * The four topics of the synthetic 2K RGB-D camera, each a standard ROS 2 message type. The three bulk topics are
 * drawn by a {@link FramePainter} with their {@link Pattern}; {@code /camera/camera_info} carries the calibration
 * ({@link CameraModel}).
 */
enum DemoTopic {
    /** {@code sensor_msgs/msg/Image}, {@code rgb8}: 8,227,008 bytes of pixels. */
    RGB("/camera/rgb", Image.TYPE, Pattern.RGB8),
    /** {@code sensor_msgs/msg/Image}, {@code 32FC1}, depth in metres: 10,969,344 bytes of pixels. */
    DEPTH("/camera/depth", Image.TYPE, Pattern.DEPTH32F),
    /** {@code sensor_msgs/msg/PointCloud2}, x, y, z and rgb, 16 bytes a point: 43,877,376 bytes of points. */
    POINTS("/camera/points", PointCloud2.TYPE, Pattern.XYZRGB),
    /** {@code sensor_msgs/msg/CameraInfo}: the calibration ({@link CameraModel}), 365 bytes, one per frame set. */
    CAMERA_INFO("/camera/camera_info", CameraInfo.TYPE, null);

    /** Pixels per row of the 2K sensor. */
    static final int WIDTH = 2208;
    /** Rows of the 2K sensor. */
    static final int HEIGHT = 1242;
    /** The {@code header.frame_id} of every message: the optical frame of the left lens. */
    static final String FRAME_ID = "zed_left";

    /**
     * How the bulk data of a topic is drawn: its bytes per pixel (or point), its image encoding, and where in the
     * first pixel or point the frame's checksum sits ({@link FrameChecksum}).
     */
    enum Pattern {
        /** red, green, blue: one byte each; the checksum covers the first 1⅓ pixels. */
        RGB8(3, "rgb8", 0),
        /** depth in metres, float32; the checksum is the first pixel. */
        DEPTH32F(4, "32FC1", 0),
        /**
         * x, y, z in metres (float32 each), then red, green, blue packed as {@code 0x00RRGGBB} in the float32
         * {@code rgb}; the checksum is the colour of the first point, so that every coordinate stays finite.
         */
        XYZRGB(16, null, 12);

        private final int bytesPerPixel;
        private final String encoding;
        private final int checksumOffset;

        Pattern(int bytesPerPixel, String encoding, int checksumOffset) {
            this.bytesPerPixel = bytesPerPixel;
            this.encoding = encoding;
            this.checksumOffset = checksumOffset;
        }

        int bytesPerPixel() {
            return bytesPerPixel;
        }

        /** The {@code sensor_msgs/Image} encoding; null for the point cloud. */
        String encoding() {
            return encoding;
        }

        /** Where the checksum sits in the data: always inside the first pixel or point. */
        int checksumOffset() {
            return checksumOffset;
        }
    }

    private final String topicName;
    private final CdrType<? extends CdrMessage> type;
    private final Pattern pattern;

    DemoTopic(String topicName, CdrType<? extends CdrMessage> type, Pattern pattern) {
        this.topicName = topicName;
        this.type = type;
        this.pattern = pattern;
    }

    String topicName() {
        return topicName;
    }

    /** The ROS 2 type name, such as {@code sensor_msgs/msg/Image}. */
    String typeName() {
        return type.name();
    }

    /** The generated type: name, schema text, hash and flyweight. */
    MessageType<? extends CdrMessage> type() {
        return type;
    }

    /** The pattern of the bulk data; null for {@code /camera/camera_info}. */
    Pattern pattern() {
        return pattern;
    }

    /**
     * The message in {@code message} seen through this topic's flyweight: for subscribers that know the topic only
     * by the type name and schema it carries. Allocates the flyweight.
     */
    CdrMessage wrap(MemorySegment message) {
        return type.wrap(message);
    }

    /** A painter of this bulk topic's frames at the full 2K size. */
    FramePainter painter() {
        if (pattern == null) {
            throw new IllegalStateException("not a bulk topic: topic=" + topicName);
        }
        return new FramePainter(pattern, WIDTH, HEIGHT);
    }
}
