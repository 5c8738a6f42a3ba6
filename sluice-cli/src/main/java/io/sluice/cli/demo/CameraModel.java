package io.sluice.cli.demo;

import io.sluice.MessageShape;
import io.sluice.msg.Cdr;
import io.sluice.msg.sensor_msgs.CameraInfo;
import io.sluice.msg.sensor_msgs.RegionOfInterest;
import io.sluice.msg.std_msgs.Header;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The calibration of the synthetic camera's left lens at 2K (2208 × 1242), close to a factory calibration of a ZED 2:
 * a pinhole with {@code plumb_bob} distortion (k1, k2, p1, p2, k3), no rectification (it is the reference camera), and
 * a projection with no baseline term. {@code /camera/camera_info} carries it with every frame set, stamped like the
 * images; the painter projects its points with the same focal length and centre.
 *
 * <pre>
 *       | fx  0 cx |        | fx  0 cx 0 |
 *   K = |  0 fy cy |    P = |  0 fy cy 0 |    R = identity    D = k1 k2 p1 p2 k3
 *       |  0  0  1 |        |  0  0  1 0 |
 * </pre>
 */
final class CameraModel {
    static final double FX = 1057.31;
    static final double FY = 1057.31;
    static final double CX = 1109.84;
    static final double CY = 624.62;
    static final String DISTORTION_MODEL = "plumb_bob";

    private static final double[] D = {-0.0427, 0.0161, 0.00018, -0.00031, -0.0063};
    private static final double[] K = {FX, 0, CX, 0, FY, CY, 0, 0, 1};
    private static final double[] R = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    private static final double[] P = {FX, 0, CX, 0, 0, FY, CY, 0, 0, 0, 1, 0};

    /** The calibration as a whole message, stamped 0: written once through the flyweight, copied into every loan. */
    private static final byte[] TEMPLATE = template();
    /** Bytes of one {@code CameraInfo} as the camera writes it. */
    static final long MESSAGE_BYTES = TEMPLATE.length;
    /**
     * The loan of one {@code CameraInfo}: exactly its size, initialised with the whole calibration, so that a frame
     * only sets its stamp ({@link #stamp}) and no string or sequence is resized, nothing moved, per frame.
     */
    static final MessageShape<CameraInfo> SHAPE = new MessageShape<>() {
        @Override
        public long byteSize() {
            return TEMPLATE.length;
        }

        @Override
        public void initialize(MemorySegment message) {
            MemorySegment.copy(TEMPLATE, 0, message, ValueLayout.JAVA_BYTE, 0, TEMPLATE.length);
        }
    };

    private CameraModel() {
    }

    /** Stamps {@code info}, loaned with {@link #SHAPE}, with the capture time of frame set {@code frameNumber}. */
    static void stamp(CameraInfo info, long frameNumber) {
        FrameClock.stamp(info.header().stamp(), frameNumber);
    }

    /**
     * Writes the calibration of frame set {@code frameNumber} into {@code info}, a default message: fields in the
     * order of the definition, so that nothing written moves again.
     */
    static void write(CameraInfo info, long frameNumber) {
        Header header = info.header();
        FrameClock.stamp(header.stamp(), frameNumber);
        header.frameId(DemoTopic.FRAME_ID);
        info.height(DemoTopic.HEIGHT).width(DemoTopic.WIDTH).distortionModel(DISTORTION_MODEL).dCount(D.length);
        for (int i = 0; i < D.length; i++) {
            info.d(i, D[i]);
        }
        for (int i = 0; i < CameraInfo.K_LENGTH; i++) {
            info.k(i, K[i]);
        }
        for (int i = 0; i < CameraInfo.R_LENGTH; i++) {
            info.r(i, R[i]);
        }
        for (int i = 0; i < CameraInfo.P_LENGTH; i++) {
            info.p(i, P[i]);
        }
        info.binningX(0).binningY(0);
        info.roi().xOffset(0).yOffset(0).height(0).width(0).doRectify(false);
    }

    /**
     * What is wrong with {@code info} as a calibration of this camera (as {@code name=value, expected=value}), or
     * null when every field is as {@link #write} writes it. Does not look at the stamp.
     */
    static String problem(CameraInfo info) {
        if (!DemoTopic.FRAME_ID.equals(info.header().frameId())) {
            return "frame_id=" + info.header().frameId() + ", expected=" + DemoTopic.FRAME_ID;
        }
        if (info.width() != DemoTopic.WIDTH || info.height() != DemoTopic.HEIGHT) {
            return "size=" + info.width() + "x" + info.height() + ", expected=" + DemoTopic.WIDTH + "x"
                + DemoTopic.HEIGHT;
        }
        if (!DISTORTION_MODEL.equals(info.distortionModel())) {
            return "distortion_model=" + info.distortionModel() + ", expected=" + DISTORTION_MODEL;
        }
        if (info.dCount() != D.length) {
            return "d.length=" + info.dCount() + ", expected=" + D.length;
        }
        String wrong = differs("d", info.d(), D);
        wrong = wrong != null ? wrong : differs("k", info.k(), K);
        wrong = wrong != null ? wrong : differs("r", info.r(), R);
        wrong = wrong != null ? wrong : differs("p", info.p(), P);
        if (wrong != null) {
            return wrong;
        }
        RegionOfInterest roi = info.roi();
        if (info.binningX() != 0 || info.binningY() != 0 || roi.xOffset() != 0 || roi.yOffset() != 0
            || roi.height() != 0 || roi.width() != 0 || roi.doRectify()) {
            return "binning or roi not zero (full frame): " + info.binningX() + ", " + info.binningY() + ", roi="
                + roi.xOffset() + "," + roi.yOffset() + "," + roi.width() + "x" + roi.height();
        }
        if (info.cdrEnd() != info.cdrSegment().byteSize()) {
            return "message ends at " + info.cdrEnd() + ", sample has " + info.cdrSegment().byteSize() + " bytes";
        }
        return null;
    }

    /** Compares the float64 array {@code actual} (in place, little endian) with {@code expected}, bit for bit. */
    private static String differs(String name, MemorySegment actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            double value = actual.getAtIndex(Cdr.DOUBLE, i);
            if (Double.doubleToRawLongBits(value) != Double.doubleToRawLongBits(expected[i])) {
                return name + "[" + i + "]=" + value + ", expected=" + expected[i];
            }
        }
        return null;
    }

    private static byte[] template() {
        MemorySegment scratch = MemorySegment.ofArray(new byte[4096]);
        CameraInfo.TYPE.writeDefault(scratch);
        CameraInfo info = new CameraInfo(scratch);
        write(info, 0);
        return scratch.asSlice(0, info.cdrEnd()).toArray(ValueLayout.JAVA_BYTE);
    }
}
