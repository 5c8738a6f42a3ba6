package io.sluice.cli.demo;

import io.sluice.msg.sensor_msgs.CameraInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CameraModelTest {
    private final TestFrames frames = new TestFrames();
    private final FrameVerifier verifier = new FrameVerifier();

    @AfterEach
    void close() {
        frames.close();
    }

    @Test
    void shouldWriteAPinholeCalibrationWithPlumbBobDistortion() {
        CameraInfo info = frames.cameraInfo(16);

        assertNull(CameraModel.problem(info));
        assertEquals(16, verifier.verify(DemoTopic.CAMERA_INFO, info), verifier.problem());
        assertEquals(DemoTopic.FRAME_ID, info.header().frameId());
        assertEquals(2208, info.width());
        assertEquals(1242, info.height());
        assertEquals("plumb_bob", info.distortionModel());
        assertEquals(5, info.dCount());
        assertEquals(CameraModel.FX, info.k(0));
        assertEquals(CameraModel.CX, info.k(2));
        assertEquals(CameraModel.FY, info.k(4));
        assertEquals(CameraModel.CY, info.k(5));
        assertEquals(1.0, info.k(8));
        for (int i = 0; i < 3; i++) { // the projection of the reference camera is K with a zero fourth column
            for (int j = 0; j < 3; j++) {
                assertEquals(info.k(3 * i + j), info.p(4 * i + j));
                assertEquals(i == j ? 1.0 : 0.0, info.r(3 * i + j));
            }
            assertEquals(0.0, info.p(4 * i + 3));
        }
        assertTrue(CameraModel.CX > 0 && CameraModel.CX < 2208 && CameraModel.CY > 0 && CameraModel.CY < 1242);
    }

    @Test
    void shouldLoanExactlyTheBytesTheMessageTakes() {
        CameraInfo info = frames.cameraInfo(0);

        assertEquals(CameraModel.MESSAGE_BYTES, info.cdrSegment().byteSize());
        assertEquals(CameraModel.MESSAGE_BYTES, CameraModel.SHAPE.byteSize());
        assertTrue(CameraModel.MESSAGE_BYTES < 1024, "size=" + CameraModel.MESSAGE_BYTES);
    }

    @Test
    void shouldInitialiseEachLoanWithTheCalibrationWrittenThroughTheFlyweight() {
        MemorySegment written = MemorySegment.ofArray(new byte[(int) CameraModel.MESSAGE_BYTES]);
        CameraInfo.TYPE.withCapacity(CameraModel.MESSAGE_BYTES).initialize(written); // the default message
        CameraModel.write(new CameraInfo(written), 9);
        MemorySegment loaned = MemorySegment.ofArray(new byte[(int) CameraModel.MESSAGE_BYTES]);
        CameraModel.SHAPE.initialize(loaned);
        CameraModel.stamp(new CameraInfo(loaned), 9);

        assertEquals(-1, written.mismatch(loaned));
    }

    @Test
    void shouldNameTheFieldThatIsNotTheCalibration() {
        CameraInfo info = frames.cameraInfo(3);

        info.d(4, 0.5);
        assertEquals("d[4]=0.5, expected=-0.0063", CameraModel.problem(info));
        assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(DemoTopic.CAMERA_INFO, info));
        info.d(4, -0.0063).p(11, 1);
        assertEquals("p[11]=1.0, expected=0.0", CameraModel.problem(info));
        info.p(11, 0).distortionModel("equidist");
        assertEquals("distortion_model=equidist, expected=plumb_bob", CameraModel.problem(info));
        info.distortionModel("plumb_bob").header().stamp().nanosec(5);
        assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(DemoTopic.CAMERA_INFO, info));
        assertTrue(verifier.problem().startsWith("stamp=0.5 "), verifier.problem());
    }
}
