package io.sluice.cli.demo;

import io.sluice.MessageType;

import java.lang.foreign.MemorySegment;

/**
 * The three topics of the synthetic 2K RGB-D camera. Every message is a {@link FrameLayout} header followed by
 * {@code width x height} pixels of {@code bytesPerPixel} bytes each.
 */
enum DemoTopic {
    /** 8-bit RGB, 3 bytes per pixel: 8,227,008 bytes of pixels. */
    RGB("/camera/rgb", "sluice_demo/msg/Frame", Pattern.RGB8),
    /** Depth in metres, float32: 10,969,344 bytes of pixels. */
    DEPTH("/camera/depth", "sluice_demo/msg/Frame", Pattern.DEPTH32F),
    /** A coloured point per pixel, x, y, z float32 and packed rgb: 43,877,376 bytes of points. */
    POINTS("/camera/points", "sluice_demo/msg/Frame", Pattern.XYZRGB);

    /** Pixels per row of the 2K sensor. */
    static final int WIDTH = 2208;
    /** Rows of the 2K sensor. */
    static final int HEIGHT = 1242;
    /** Frames per second the camera publishes. */
    static final int FRAMES_PER_SECOND = 15;

    /** How the pixels of a topic are drawn, and how many bytes each takes. */
    enum Pattern {
        /** red, green, blue: one byte each. */
        RGB8(3),
        /** depth in metres: float32. */
        DEPTH32F(4),
        /** x, y, z in metres (float32 each), then red, green, blue packed in an int32 as 0x00RRGGBB. */
        XYZRGB(16);

        private final int bytesPerPixel;

        Pattern(int bytesPerPixel) {
            this.bytesPerPixel = bytesPerPixel;
        }

        int bytesPerPixel() {
            return bytesPerPixel;
        }
    }

    private final String topicName;
    private final String typeName;
    private final Pattern pattern;

    DemoTopic(String topicName, String typeName, Pattern pattern) {
        this.topicName = topicName;
        this.typeName = typeName;
        this.pattern = pattern;
    }

    String topicName() {
        return topicName;
    }

    MessageType<MemorySegment> type() {
        return MessageType.raw(typeName);
    }

    /** Bytes of one full-size message, header included. */
    long messageBytes() {
        return FrameLayout.messageBytes(WIDTH, HEIGHT, pattern.bytesPerPixel());
    }

    /** A painter of this topic's frames at the full 2K size. */
    FramePainter painter() {
        return new FramePainter(pattern, WIDTH, HEIGHT);
    }
}
