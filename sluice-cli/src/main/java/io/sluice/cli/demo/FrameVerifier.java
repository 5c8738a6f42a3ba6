package io.sluice.cli.demo;

import io.sluice.msg.CdrMessage;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.builtin_interfaces.Time;
import io.sluice.msg.sensor_msgs.CameraInfo;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;
import io.sluice.msg.sensor_msgs.PointField;

import java.lang.foreign.MemorySegment;

/**
 * Checks that a received message is a whole, untorn frame of its topic, reading it through the generated
 * flyweights: the layout (frame id, size, encoding or point fields, steps, endianness) must be the camera's, the
 * stamp must be the capture time of a frame set ({@link FrameClock}), the message must end where the sample ends,
 * and the data must hold its {@link FrameChecksum} for that frame number. Anything else, a malformed message
 * included, means the subscriber saw a torn or overwritten message. Used by one thread.
 */
final class FrameVerifier {
    private final int width;
    private final int height;
    private final PointCloud2.Shape cloudLayout;
    private final FrameChecksum checksum = new FrameChecksum();
    private String problem;

    /** A verifier of full-size 2K frames. */
    FrameVerifier() {
        this(DemoTopic.WIDTH, DemoTopic.HEIGHT);
    }

    /** A verifier of images and clouds of {@code width × height} (the camera info is always the 2K one). */
    FrameVerifier(int width, int height) {
        this.width = width;
        this.height = height;
        this.cloudLayout = PointCloud2.sized(width, height, PointCloud2.XYZRGB);
    }

    /**
     * The frame number of {@code message}, a message of {@code topic} that the caller holds, or
     * {@link FrameClock#NOT_A_FRAME} when it is not intact ({@link #problem()} says why).
     */
    long verify(DemoTopic topic, CdrMessage message) {
        problem = null;
        try {
            return switch (topic) {
                case RGB, DEPTH -> image((Image) message, topic.pattern());
                case POINTS -> cloud((PointCloud2) message);
                case CAMERA_INFO -> cameraInfo((CameraInfo) message);
            };
        } catch (MalformedMessageException | IndexOutOfBoundsException malformed) {
            return fail("malformed: " + malformed.getMessage());
        }
    }

    /** What was wrong with the last message that failed, as {@code name=value, expected=value}; null if none. */
    String problem() {
        return problem;
    }

    private long image(Image image, DemoTopic.Pattern pattern) {
        String frameId = image.header().frameId();
        if (!DemoTopic.FRAME_ID.equals(frameId)) {
            return fail("frame_id=" + frameId + ", expected=" + DemoTopic.FRAME_ID);
        }
        if (image.width() != width || image.height() != height) {
            return fail("size=" + image.width() + "x" + image.height() + ", expected=" + width + "x" + height);
        }
        String encoding = image.encoding();
        if (!pattern.encoding().equals(encoding)) {
            return fail("encoding=" + encoding + ", expected=" + pattern.encoding());
        }
        long step = (long) width * pattern.bytesPerPixel();
        if (image.isBigendian() != 0 || Integer.toUnsignedLong(image.step()) != step) {
            return fail("is_bigendian=" + image.isBigendian() + ", step=" + Integer.toUnsignedLong(image.step())
                + ", expected=0, " + step);
        }
        return bulk(image, image.header().stamp(), image.data(), step * height, pattern);
    }

    private long cloud(PointCloud2 cloud) {
        String frameId = cloud.header().frameId();
        if (!DemoTopic.FRAME_ID.equals(frameId)) {
            return fail("frame_id=" + frameId + ", expected=" + DemoTopic.FRAME_ID);
        }
        if (cloud.width() != width || cloud.height() != height) {
            return fail("size=" + cloud.width() + "x" + cloud.height() + ", expected=" + width + "x" + height);
        }
        int fields = cloud.fieldsCount();
        if (fields != PointCloud2.XYZRGB.size()) {
            return fail("fields.length=" + fields + ", expected=" + PointCloud2.XYZRGB.size());
        }
        for (int i = 0; i < fields; i++) {
            PointField field = cloud.fields(i);
            PointCloud2.Field expected = PointCloud2.XYZRGB.get(i);
            if (!expected.name().equals(field.name()) || field.offset() != cloudLayout.offset(i)
                || field.datatype() != expected.datatype() || field.count() != expected.count()) {
                return fail("fields[" + i + "]=" + field.name() + "@" + field.offset() + ":" + field.datatype() + "x"
                    + field.count() + ", expected=" + expected.name() + "@" + cloudLayout.offset(i) + ":"
                    + expected.datatype() + "x" + expected.count());
            }
        }
        long pointStep = cloudLayout.pointStep();
        if (cloud.isBigendian() || cloud.pointStep() != pointStep || cloud.rowStep() != pointStep * width
            || !cloud.isDense()) {
            return fail("is_bigendian=" + cloud.isBigendian() + ", point_step=" + cloud.pointStep() + ", row_step="
                + cloud.rowStep() + ", is_dense=" + cloud.isDense() + ", expected=false, " + pointStep + ", "
                + pointStep * width + ", true");
        }
        cloud.xyzrgb(); // the flyweight's own check of the point layout against the data
        return bulk(cloud, cloud.header().stamp(), cloud.data(), pointStep * width * height,
            DemoTopic.Pattern.XYZRGB);
    }

    private long cameraInfo(CameraInfo info) {
        String wrong = CameraModel.problem(info);
        if (wrong != null) {
            return fail(wrong);
        }
        long frame = FrameClock.frameNumber(info.header().stamp());
        return frame == FrameClock.NOT_A_FRAME ? fail(stampProblem(info.header().stamp())) : frame;
    }

    private long bulk(CdrMessage message, Time stamp, MemorySegment data,
                      long dataBytes, DemoTopic.Pattern pattern) {
        long frame = FrameClock.frameNumber(stamp);
        if (frame == FrameClock.NOT_A_FRAME) {
            return fail(stampProblem(stamp));
        }
        if (data.byteSize() != dataBytes) {
            return fail("data.length=" + data.byteSize() + ", expected=" + dataBytes);
        }
        long end = message.cdrEnd();
        if (end != message.cdrSegment().byteSize()) {
            return fail("message ends at " + end + ", sample has " + message.cdrSegment().byteSize() + " bytes");
        }
        if (!checksum.matches(data, pattern.checksumOffset(), frame)) {
            return fail("checksum=" + Integer.toHexString(FrameChecksum.read(data, pattern.checksumOffset()))
                + " does not match the data of frame=" + frame);
        }
        return frame;
    }

    private static String stampProblem(Time stamp) {
        return "stamp=" + stamp.sec() + "." + Integer.toUnsignedString(stamp.nanosec())
            + " is not the capture time of a frame set";
    }

    private long fail(String why) {
        problem = why;
        return FrameClock.NOT_A_FRAME;
    }
}
