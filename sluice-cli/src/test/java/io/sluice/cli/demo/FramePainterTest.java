package io.sluice.cli.demo;

import io.sluice.msg.CdrMessage;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The painter and the verifier together, on small frames of every bulk topic. */
class FramePainterTest {
    private static final int WIDTH = 37;
    private static final int HEIGHT = 53;

    private final TestFrames frames = new TestFrames();
    private final FrameVerifier verifier = new FrameVerifier(WIDTH, HEIGHT);

    @AfterEach
    void close() {
        frames.close();
    }

    private CdrMessage paint(DemoTopic topic, long frameNumber) {
        return frames.message(topic, new FramePainter(topic.pattern(), WIDTH, HEIGHT), frameNumber);
    }

    private static MemorySegment data(CdrMessage message) {
        return message instanceof Image image ? image.data() : ((PointCloud2) message).data();
    }

    @ParameterizedTest
    @EnumSource(value = DemoTopic.class, names = {"RGB", "DEPTH", "POINTS"})
    void shouldPaintAnIntactFrameStampedWithItsCaptureTime(DemoTopic topic) {
        CdrMessage message = paint(topic, 41);

        assertEquals(41, verifier.verify(topic, message), verifier.problem());
        assertNull(verifier.problem());
        var stamp = message instanceof Image image ? image.header().stamp() : ((PointCloud2) message).header().stamp();
        assertEquals(2, stamp.sec()); // 41 / 15
        assertEquals(733_333_333, stamp.nanosec()); // 11 / 15 s
    }

    @ParameterizedTest
    @EnumSource(value = DemoTopic.class, names = {"RGB", "DEPTH", "POINTS"})
    void shouldDetectAFlippedDataByteAsTorn(DemoTopic topic) {
        CdrMessage message = paint(topic, 7);
        MemorySegment data = data(message);
        long checksumByte = topic.pattern().checksumOffset() + 1;
        for (long offset : new long[] {0, checksumByte, data.byteSize() / 2, data.byteSize() - 1}) {
            flip(data, offset);
            assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(topic, message), "flip at offset=" + offset);
            assertTrue(verifier.problem().startsWith("checksum="), verifier.problem());
            flip(data, offset);
            assertEquals(7, verifier.verify(topic, message));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DemoTopic.class, names = {"RGB", "DEPTH", "POINTS"})
    void shouldTieTheDataToTheStampOfItsFrame(DemoTopic topic) {
        CdrMessage message = paint(topic, 30);
        var stamp = message instanceof Image image ? image.header().stamp() : ((PointCloud2) message).header().stamp();

        FrameClock.stamp(stamp, 31); // the header of the next frame over this frame's data
        assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(topic, message));
        assertTrue(verifier.problem().contains("frame=31"), verifier.problem());

        stamp.sec(2).nanosec(1); // not the capture time of any frame set
        assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(topic, message));
        assertTrue(verifier.problem().startsWith("stamp=2.1 "), verifier.problem());
    }

    @Test
    void shouldReadTheImageLayoutThroughTheFlyweightAndRejectAnyOther() {
        Image image = frames.image(new FramePainter(DemoTopic.Pattern.RGB8, WIDTH, HEIGHT), 3);

        assertTorn(DemoTopic.RGB, image.width(WIDTH + 1), "size=38x53");
        image.width(WIDTH);
        assertTorn(DemoTopic.RGB, image.encoding("bgr8"), "encoding=bgr8");
        image.encoding("rgb8");
        assertTorn(DemoTopic.RGB, image.step(WIDTH * 3 + 1), "step=112");
        image.step(WIDTH * 3);
        assertTorn(DemoTopic.RGB, image.isBigendian((byte) 1), "is_bigendian=1");
        image.isBigendian((byte) 0);
        image.header().frameId("zed_rite");
        assertTorn(DemoTopic.RGB, image, "frame_id=zed_rite");
        image.header().frameId(DemoTopic.FRAME_ID);
        assertEquals(3, verifier.verify(DemoTopic.RGB, image), verifier.problem());
        assertTorn(DemoTopic.DEPTH, image, "encoding=rgb8, expected=32FC1");
    }

    @Test
    void shouldReadThePointLayoutThroughTheFlyweightAndRejectAnyOther() {
        PointCloud2 cloud = frames.cloud(new FramePainter(DemoTopic.Pattern.XYZRGB, WIDTH, HEIGHT), 3);

        cloud.fields(1).name("q");
        assertTorn(DemoTopic.POINTS, cloud, "fields[1]=q@4:7x1");
        cloud.fields(1).name("y").offset(8);
        assertTorn(DemoTopic.POINTS, cloud, "fields[1]=y@8:7x1");
        cloud.fields(1).offset(4).datatype((byte) 8);
        assertTorn(DemoTopic.POINTS, cloud, "fields[1]=y@4:8x1");
        cloud.fields(1).datatype((byte) 7);
        assertTorn(DemoTopic.POINTS, cloud.isDense(false), "is_dense=false");
        cloud.isDense(true);
        assertTorn(DemoTopic.POINTS, cloud.rowStep(0), "row_step=0");
        cloud.rowStep(16 * WIDTH);
        assertEquals(3, verifier.verify(DemoTopic.POINTS, cloud), verifier.problem());
    }

    @Test
    void shouldDetectATruncatedOrOverlongSampleAsTorn() {
        Image image = frames.image(new FramePainter(DemoTopic.Pattern.DEPTH32F, WIDTH, HEIGHT), 3);
        MemorySegment whole = image.cdrSegment();

        assertTorn(DemoTopic.DEPTH, new Image(whole.asSlice(0, whole.byteSize() - 1)), "malformed: ");
        assertTorn(DemoTopic.DEPTH, new Image(whole.asSlice(0, 40)), "malformed: ");
        MemorySegment longer = MemorySegment.ofArray(new byte[(int) whole.byteSize() + 4]);
        longer.copyFrom(whole);
        assertTorn(DemoTopic.DEPTH, new Image(longer), "message ends at");
    }

    @ParameterizedTest
    @EnumSource(value = DemoTopic.class, names = {"RGB", "DEPTH", "POINTS"})
    void shouldMoveThePatternFromFrameToFrameAndRepeatItExactly(DemoTopic topic) {
        MemorySegment first = data(paint(topic, 10));
        MemorySegment again = data(paint(topic, 10));
        MemorySegment next = data(paint(topic, 11));

        assertEquals(-1, first.mismatch(again));
        assertEquals(first.byteSize(), next.byteSize());
        for (int row = 1; row < HEIGHT; row++) { // every row differs from the same row of the next frame
            long rowBytes = (long) WIDTH * topic.pattern().bytesPerPixel();
            MemorySegment before = first.asSlice(row * rowBytes, rowBytes);
            assertNotEquals(-1, before.mismatch(next.asSlice(row * rowBytes, rowBytes)), "row " + row);
        }
        int at = topic.pattern().checksumOffset();
        assertNotEquals(FrameChecksum.read(first, at), FrameChecksum.read(next, at));
    }

    @ParameterizedTest
    @EnumSource(value = DemoTopic.class, names = {"RGB", "DEPTH", "POINTS"})
    void shouldDrawRowsAsRotationsOfTheFirstRow(DemoTopic topic) {
        MemorySegment data = data(paint(topic, 0));
        long pixel = topic.pattern().bytesPerPixel();
        long rowBytes = WIDTH * pixel;
        MemorySegment row1 = data.asSlice(rowBytes, rowBytes);
        MemorySegment row2 = data.asSlice(2 * rowBytes, rowBytes);

        // row 2 is row 1 moved left by one pixel, the first pixel wrapping round to the end
        assertEquals(-1, row2.asSlice(0, rowBytes - pixel).mismatch(row1.asSlice(pixel, rowBytes - pixel)));
        assertEquals(-1, row2.asSlice(rowBytes - pixel, pixel).mismatch(row1.asSlice(0, pixel)));
    }

    @Test
    void shouldKeepEveryPointFiniteWithTheChecksumInTheColourOfTheFirstPoint() {
        PointCloud2 cloud = frames.cloud(new FramePainter(DemoTopic.Pattern.XYZRGB, WIDTH, HEIGHT), 12);
        PointCloud2.Points points = cloud.xyzrgb();

        for (long i = 0; i < points.size(); i++) {
            assertTrue(Float.isFinite(points.x(i)) && Float.isFinite(points.y(i)) && Float.isFinite(points.z(i)),
                "point " + i);
        }
        assertEquals(FrameChecksum.read(cloud.data(), 12), points.rgb(0));
    }

    @Test
    void shouldRefuseAMessageOfAnotherSizeOrKind() {
        FramePainter painter = new FramePainter(DemoTopic.Pattern.RGB8, WIDTH, HEIGHT);
        Image wider = frames.image(new FramePainter(DemoTopic.Pattern.RGB8, WIDTH + 1, HEIGHT), 0);

        assertThrows(IllegalArgumentException.class, () -> painter.paint(wider, 1));
        assertThrows(IllegalStateException.class, painter::cloudShape);
        assertThrows(IllegalStateException.class, () -> new FramePainter(DemoTopic.Pattern.XYZRGB, 2, 2).imageShape());
    }

    @Test
    void shouldSizeTheFullFramesAsTheCameraSpecifies() {
        assertEquals(2208 * 1242 * 3L, DemoTopic.RGB.painter().dataBytes());
        assertEquals(8_227_008L, DemoTopic.RGB.painter().dataBytes());
        assertEquals(10_969_344L, DemoTopic.DEPTH.painter().dataBytes());
        assertEquals(43_877_376L, DemoTopic.POINTS.painter().dataBytes());
        assertTrue(DemoTopic.POINTS.painter().cloudShape().byteSize() > 43_877_376L);
    }

    private void assertTorn(DemoTopic topic, CdrMessage message, String problem) {
        assertEquals(FrameClock.NOT_A_FRAME, verifier.verify(topic, message));
        assertTrue(verifier.problem().contains(problem), verifier.problem());
    }

    private static void flip(MemorySegment data, long offset) {
        data.set(ValueLayout.JAVA_BYTE, offset, (byte) (data.get(ValueLayout.JAVA_BYTE, offset) ^ 0x10));
    }
}
