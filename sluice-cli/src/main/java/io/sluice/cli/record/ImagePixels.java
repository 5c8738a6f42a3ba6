package io.sluice.cli.record;

import io.sluice.msg.sensor_msgs.Image;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The pixels of a {@code sensor_msgs/Image} as rows without padding, in a pixel format {@code ffmpeg} reads as raw
 * video: rgb8, bgr8, rgba8, bgra8 and mono8 as they are; mono16 and 16UC1 as 16-bit grey; 32FC1 (depth in metres)
 * colour-mapped over a fixed range, invalid depth (NaN, 0, infinite) black.
 */
final class ImagePixels {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(
        ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_BE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(
        ByteOrder.BIG_ENDIAN);

    /** How an encoding is written for ffmpeg: its pixel format name and bytes per pixel in and out. */
    record Format(String encoding, String ffmpegPixelFormat, int bytesIn, int bytesOut) {
    }

    private ImagePixels() {
    }

    /** The format of {@code encoding}, or an exception naming the encodings that can be turned into video. */
    static Format format(String encoding) {
        return switch (encoding.toLowerCase(Locale.ROOT)) {
            case "rgb8" -> new Format(encoding, "rgb24", 3, 3);
            case "bgr8" -> new Format(encoding, "bgr24", 3, 3);
            case "rgba8" -> new Format(encoding, "rgba", 4, 4);
            case "bgra8" -> new Format(encoding, "bgra", 4, 4);
            case "mono8", "8uc1" -> new Format(encoding, "gray", 1, 1);
            case "mono16", "16uc1" -> new Format(encoding, "gray16le", 2, 2);
            case "32fc1" -> new Format(encoding, "rgb24", 4, 3);
            default -> throw new IllegalArgumentException("encoding " + encoding + " cannot be made into video"
                + " (rgb8, bgr8, rgba8, bgra8, mono8, mono16, 16UC1, 32FC1)");
        };
    }

    /**
     * Writes the pixels of {@code image} into {@code frame} ({@code width * height * bytesOut} bytes): rows copied
     * without their padding, 16-bit values little endian, depth colour-mapped over {@code [near, far]} metres.
     *
     * @throws IllegalArgumentException when the image's step or data are too short for its size
     */
    static void convert(Image image, Format format, byte[] frame, double near, double far) {
        int width = image.width();
        int height = image.height();
        long rowBytes = (long) width * format.bytesIn();
        long step = Integer.toUnsignedLong(image.step());
        MemorySegment data = image.data();
        if (step < rowBytes || data.byteSize() < step * (height - 1) + rowBytes) {
            throw new IllegalArgumentException("image data too short: " + width + "x" + height + " " + format.encoding()
                + " needs rows of " + rowBytes + " bytes; step=" + step + ", data=" + data.byteSize());
        }
        boolean bigEndian = image.isBigendian() != 0;
        if (format.encoding().equalsIgnoreCase("32FC1")) {
            ValueLayout.OfFloat layout = bigEndian ? FLOAT_BE : FLOAT_LE;
            double scale = 1 / (far - near);
            int out = 0;
            for (int y = 0; y < height; y++) {
                long row = y * step;
                for (int x = 0; x < width; x++) {
                    float depth = data.get(layout, row + 4L * x);
                    if (!(depth > 0) || Float.isInfinite(depth)) {
                        frame[out++] = 0;
                        frame[out++] = 0;
                        frame[out++] = 0;
                    } else {
                        colour(Math.min(1, Math.max(0, (depth - near) * scale)), frame, out);
                        out += 3;
                    }
                }
            }
            return;
        }
        for (int y = 0; y < height; y++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, y * step, frame, (int) (y * rowBytes), (int) rowBytes);
        }
        if (format.bytesIn() == 2 && bigEndian) {
            for (int i = 0; i + 1 < frame.length; i += 2) {
                byte high = frame[i];
                frame[i] = frame[i + 1];
                frame[i + 1] = high;
            }
        }
    }

    /** A blue (near) to red (far) colour map, as depth viewers draw it ("jet"): piecewise linear in four parts. */
    static void colour(double value, byte[] rgb, int at) {
        double r = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * value - 3)));
        double g = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * value - 2)));
        double b = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * value - 1)));
        rgb[at] = (byte) Math.round(r * 255);
        rgb[at + 1] = (byte) Math.round(g * 255);
        rgb[at + 2] = (byte) Math.round(b * 255);
    }
}
