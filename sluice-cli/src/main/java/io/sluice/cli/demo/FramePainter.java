package io.sluice.cli.demo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Draws the synthetic camera's frames: diagonal stripes that move by {@link #SHIFT_PER_FRAME} pixels a frame.
 *
 * <p>Drawing 60 MB per frame set at 15 fps has to be cheap. Each frame computes one pattern row of
 * {@code 2 x width} pixels (shifted by the frame number); row {@code y} of the image is the {@code width} pixels
 * of the pattern that start at pixel {@code y mod width}, copied with {@link MemorySegment#copy} (memcpy). The
 * checksum is the JDK's CRC32C intrinsic over the mapped bytes. A painter is used by one thread.
 */
final class FramePainter implements AutoCloseable {
    /** How far the pattern moves from one frame to the next, in pixels. */
    static final int SHIFT_PER_FRAME = 8;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final float NEAREST_METRES = 0.5f;
    private static final float DEPTH_RANGE_METRES = 4.0f;
    private static final float FOCAL_PIXELS = 1000f;

    private final DemoTopic.Pattern pattern;
    private final int width;
    private final int height;
    private final int bytesPerPixel;
    private final long rowBytes;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment patternRow;
    private final CRC32C crc = new CRC32C();

    FramePainter(DemoTopic.Pattern pattern, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame must have pixels: width=" + width + ", height=" + height);
        }
        this.pattern = pattern;
        this.width = width;
        this.height = height;
        this.bytesPerPixel = pattern.bytesPerPixel();
        this.rowBytes = (long) width * bytesPerPixel;
        this.patternRow = arena.allocate(2 * rowBytes, 64);
    }

    /** Bytes of one frame of this painter, header included. */
    long messageBytes() {
        return FrameLayout.messageBytes(width, height, bytesPerPixel);
    }

    /**
     * Draws frame {@code frameNumber} into {@code frame}, header and checksum included.
     *
     * @throws IllegalArgumentException when {@code frame} is not exactly {@link #messageBytes()} long
     */
    void paint(MemorySegment frame, long frameNumber) {
        if (frame.byteSize() != messageBytes()) {
            throw new IllegalArgumentException("frame has the wrong size: byteSize=" + frame.byteSize()
                + ", expected=" + messageBytes());
        }
        drawPatternRow(frameNumber);
        for (int row = 0; row < height; row++) {
            long source = (long) (row % width) * bytesPerPixel;
            MemorySegment.copy(patternRow, source, frame, FrameLayout.DATA_OFFSET + row * rowBytes, rowBytes);
        }
        FrameLayout.writeHeader(frame, frameNumber, FrameLayout.computeChecksum(frame, crc));
    }

    private void drawPatternRow(long frameNumber) {
        long shift = Math.floorMod(frameNumber * SHIFT_PER_FRAME, (long) width);
        for (int pixel = 0; pixel < 2 * width; pixel++) {
            int phase = (int) ((pixel + shift) % width);
            long offset = (long) pixel * bytesPerPixel;
            switch (pattern) {
                case RGB8 -> writeRgb(offset, phase);
                case DEPTH32F -> patternRow.set(FLOAT, offset, depth(phase));
                case XYZRGB -> writePoint(offset, phase);
            }
        }
    }

    private void writeRgb(long offset, int phase) {
        int red = red(phase);
        patternRow.set(ValueLayout.JAVA_BYTE, offset, (byte) red);
        patternRow.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) green(phase));
        patternRow.set(ValueLayout.JAVA_BYTE, offset + 2, (byte) (255 - red));
    }

    private void writePoint(long offset, int phase) {
        float depth = depth(phase);
        float x = (phase - width / 2f) * depth / FOCAL_PIXELS;
        float y = (float) Math.sin(2 * Math.PI * phase / width) * 0.25f;
        int red = red(phase);
        int rgb = red << 16 | green(phase) << 8 | (255 - red);
        patternRow.set(FLOAT, offset, x);
        patternRow.set(FLOAT, offset + 4, y);
        patternRow.set(FLOAT, offset + 8, depth);
        patternRow.set(INT, offset + 12, rgb);
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

    @Override
    public void close() {
        arena.close();
    }
}
