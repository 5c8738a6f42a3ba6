package io.sluice.cli.demo;

import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Draws the synthetic camera's bulk frames in place, in loaned {@code sensor_msgs} messages: diagonal stripes that
 * move by {@link #SHIFT_PER_FRAME} pixels a frame, so that every byte of the data depends on the frame number.
 *
 * <p>Pixel {@code x} of row {@code y} of frame {@code n} shows phase {@code (x + y + 8n) mod width}. Drawing 63 MB
 * per frame set at 15 fps has to be cheap, so the painter draws row 0 pixel by pixel (for the point cloud through
 * {@link PointCloud2.Points#set}), and every other row as row 0 rotated left by {@code y} pixels: two
 * {@link MemorySegment#copy} (memcpy) per row. Setting all 2.7 M points one by one through the flyweight instead took
 * 4 to 5 times as long as the copies (15 ms against 3 ms a cloud on the 2-core test machine). Last, it stores the
 * frame's {@link FrameChecksum} in the first pixel or point. A painter is used by one thread.
 */
final class FramePainter {
    /** How far the pattern moves from one frame to the next, in pixels. */
    static final int SHIFT_PER_FRAME = 8;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final float NEAREST_METRES = 0.5f;
    private static final float DEPTH_RANGE_METRES = 4.0f;
    private static final float RIBBON_METRES = 0.25f;

    private final DemoTopic.Pattern pattern;
    private final int width;
    private final int height;
    private final long rowBytes;
    private final FrameChecksum checksum = new FrameChecksum();

    FramePainter(DemoTopic.Pattern pattern, int width, int height) {
        if (width < 2 || height < 1) { // two pixels hold the 4-byte checksum of the smallest pattern
            throw new IllegalArgumentException("width < 2 || height < 1: width=" + width + ", height=" + height);
        }
        this.pattern = pattern;
        this.width = width;
        this.height = height;
        this.rowBytes = (long) width * pattern.bytesPerPixel();
    }

    /** The shape to loan this painter's images with (keep it: loaning it allocates nothing). */
    Image.Shape imageShape() {
        if (pattern.encoding() == null) {
            throw new IllegalStateException("not an image pattern: pattern=" + pattern);
        }
        return Image.sized(width, height, pattern.encoding()).frameId(DemoTopic.FRAME_ID);
    }

    /** The shape to loan this painter's point clouds with: x, y, z, rgb; dense. */
    PointCloud2.Shape cloudShape() {
        if (pattern != DemoTopic.Pattern.XYZRGB) {
            throw new IllegalStateException("not a point cloud pattern: pattern=" + pattern);
        }
        return PointCloud2.sized(width, height, PointCloud2.XYZRGB).frameId(DemoTopic.FRAME_ID).dense(true);
    }

    /** Bytes of the data of one frame: rows × width × bytes per pixel. */
    long dataBytes() {
        return rowBytes * height;
    }

    /**
     * Draws frame {@code frameNumber} into {@code image}, loaned with {@link #imageShape()}: its stamp, its pixels
     * and their checksum.
     *
     * @throws IllegalArgumentException when the image's data is not the size this painter draws
     */
    void paint(Image image, long frameNumber) {
        if (pattern.encoding() == null) {
            throw new IllegalStateException("a point cloud pattern paints a PointCloud2: pattern=" + pattern);
        }
        FrameClock.stamp(image.header().stamp(), frameNumber);
        MemorySegment data = data(image.data());
        long shift = shift(frameNumber);
        for (int x = 0; x < width; x++) {
            int phase = (int) ((x + shift) % width);
            switch (pattern) {
                case RGB8 -> writeRgb(data, x * 3L, phase);
                case DEPTH32F -> data.set(FLOAT, x * 4L, depth(phase));
                case XYZRGB -> throw new AssertionError(pattern);
            }
        }
        finish(data, frameNumber);
    }

    /**
     * Draws frame {@code frameNumber} into {@code cloud}, loaned with {@link #cloudShape()}: its stamp, its points
     * and their checksum.
     *
     * @throws IllegalArgumentException when the cloud's data is not the size this painter draws
     */
    void paint(PointCloud2 cloud, long frameNumber) {
        if (pattern != DemoTopic.Pattern.XYZRGB) {
            throw new IllegalStateException("an image pattern paints an Image: pattern=" + pattern);
        }
        FrameClock.stamp(cloud.header().stamp(), frameNumber);
        MemorySegment data = data(cloud.data());
        PointCloud2.Points points = cloud.xyzrgb();
        long shift = shift(frameNumber);
        for (int x = 0; x < width; x++) {
            int phase = (int) ((x + shift) % width);
            float z = depth(phase);
            float pointX = (float) ((phase - CameraModel.CX) * z / CameraModel.FX);
            float pointY = (float) Math.sin(2 * Math.PI * phase / width) * RIBBON_METRES;
            points.set(x, pointX, pointY, z).rgb(x, rgb(phase));
        }
        finish(data, frameNumber);
    }

    private MemorySegment data(MemorySegment data) {
        if (data.byteSize() != dataBytes()) {
            throw new IllegalArgumentException("message data has the wrong size: byteSize=" + data.byteSize()
                + ", expected=" + dataBytes());
        }
        return data;
    }

    /** Rows 1.. as rotations of row 0, then the checksum (last: row 0 must not carry it into the other rows). */
    private void finish(MemorySegment data, long frameNumber) {
        int bytesPerPixel = pattern.bytesPerPixel();
        for (int row = 1; row < height; row++) {
            long rotation = (long) (row % width) * bytesPerPixel;
            long start = row * rowBytes;
            MemorySegment.copy(data, rotation, data, start, rowBytes - rotation);
            MemorySegment.copy(data, 0, data, start + rowBytes - rotation, rotation);
        }
        int at = pattern.checksumOffset();
        FrameChecksum.write(data, at, checksum.compute(data, at, frameNumber));
    }

    private long shift(long frameNumber) {
        return Math.floorMod(frameNumber * SHIFT_PER_FRAME, (long) width);
    }

    private void writeRgb(MemorySegment data, long offset, int phase) {
        int red = red(phase);
        data.set(ValueLayout.JAVA_BYTE, offset, (byte) red);
        data.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) green(phase));
        data.set(ValueLayout.JAVA_BYTE, offset + 2, (byte) (255 - red));
    }

    private int rgb(int phase) {
        int red = red(phase);
        return red << 16 | green(phase) << 8 | (255 - red);
    }

    private int red(int phase) {
        return (int) ((long) phase * 255 / width);
    }

    private static int green(int phase) {
        return (phase * 4) & 0xFF;
    }

    private float depth(int phase) {
        return NEAREST_METRES + DEPTH_RANGE_METRES * phase / width;
    }
}
