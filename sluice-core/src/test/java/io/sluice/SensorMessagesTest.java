package io.sluice;

import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.sensor_msgs.CompressedImage;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.JointState;
import io.sluice.msg.sensor_msgs.PointCloud2;
import io.sluice.msg.sensor_msgs.PointField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shapes and views of the sensor messages: sized loans, bulk data in place, point views. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SensorMessagesTest {
    private static final String[] JOINTS = {"a", "elbow", "shoulder_pan", "wrist_3_link_joint",
        "gripper_finger_left_joint_0"};

    private final TestRoot root = new TestRoot();
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void release() {
        arena.close();
        root.close();
    }

    private MemorySegment initialized(MessageShape<?> shape) {
        MemorySegment segment = arena.allocate(shape.byteSize());
        segment.fill((byte) 0x5a); // a reused slot holds anything
        shape.initialize(segment);
        return segment;
    }

    @Test
    void shouldLayOutAnImageFromItsShape() {
        Image.Shape shape = Image.sized(640, 480, "rgb8").frameId("zed_left");
        MemorySegment segment = initialized(shape);
        Image image = new Image(segment);
        assertEquals(640, image.width());
        assertEquals(480, image.height());
        assertEquals("rgb8", image.encoding());
        assertEquals(640 * 3, image.step());
        assertEquals("zed_left", image.header().frameId());
        assertEquals(640 * 480 * 3, image.data().byteSize());
        assertEquals(shape.byteSize() - 256, Image.TYPE.encodedSize(segment), "the room is not sent");

        CdrTree tree = CdrReader.read(Image.TYPE.msgSchema(), segment.asSlice(0, Image.TYPE.encodedSize(segment)));
        assertEquals(640L, tree.get("width"));
        assertEquals("rgb8", tree.get("encoding"));
        assertEquals("zed_left", tree.get("header.frame_id"));
        assertEquals(640L * 480 * 3, ((CdrTree.Bulk) tree.get("data")).length());
    }

    @Test
    void shouldKeepThePixelsWhenTheFrameIdChangesAfterLoaning() {
        MemorySegment segment = initialized(Image.sized(4, 2, "mono8"));
        Image image = new Image(segment);
        for (int i = 0; i < 8; i++) {
            image.data(i, (byte) (i + 1));
        }
        image.header().frameId("a_much_longer_frame_id").stamp().sec(9);
        assertEquals("a_much_longer_frame_id", image.header().frameId());
        assertEquals("mono8", image.encoding());
        assertEquals(4, image.width());
        for (int i = 0; i < 8; i++) {
            assertEquals(i + 1, image.data(i));
        }
        image.header().frameId("");
        assertEquals(8, image.data().byteSize());
        assertEquals(8, image.data(7));
    }

    @Test
    void shouldSplitAStampInNanosecondsIntoSecondsAndNanoseconds() {
        MemorySegment segment = initialized(Image.sized(1, 1, "mono8"));
        Image image = new Image(segment);
        image.header().stamp().nanos(-1_700_000_000L);
        assertEquals(-2, image.header().stamp().sec());
        assertEquals(300_000_000, image.header().stamp().nanosec());
        assertEquals(-1_700_000_000L, image.header().stamp().nanos());
        long now = 1_763_700_000_123_456_789L;
        assertEquals(now, image.header().stamp().nanos(now).nanos());
        assertThrows(IllegalArgumentException.class, () -> image.header().stamp().nanos(Long.MAX_VALUE));
    }

    @Test
    void shouldReadFieldsAndBulkDataWithoutAllocatingOnceWarm() {
        MemorySegment imageBytes = initialized(Image.sized(64, 48, "rgb8").frameId("zed_left"));
        MemorySegment cloudBytes = initialized(PointCloud2.sized(64, 48, PointCloud2.XYZRGB).frameId("zed_left"));
        io.sluice.msg.sensor_msgs.CameraInfo info = new io.sluice.msg.sensor_msgs.CameraInfo(
            initialized(io.sluice.msg.sensor_msgs.CameraInfo.TYPE.withCapacity(1024)));
        info.distortionModel("plumb_bob").dCount(5).k(0, 1057.3);
        Image image = new Image(imageBytes);
        PointCloud2 cloud = new PointCloud2(cloudBytes);
        long[] sink = {0};
        int[] round = {0};
        Allocations.assertNoneOnceWarm("a round of reads", 10_000, 1_000, () -> {
            int i = round[0]++;
            sink[0] += image.width() + image.height() + image.encoding().length()
                + image.header().frameId().length() + image.data().byteSize() + image.header().stamp().sec();
            PointCloud2.Points points = cloud.xyzrgb();
            sink[0] += (long) points.x(i % points.size()) + points.rgb(i % points.size());
            sink[0] += info.d().byteSize() + info.k().byteSize() + info.r().byteSize() + info.p().byteSize()
                + (long) info.k(0) + info.distortionModel().length() + info.roi().width();
        });
        assertTrue(sink[0] != 0);
    }

    /** What a round does to its loan: round {@code i} writes its message. */
    private interface Writer<T> {
        void write(T message, int i);
    }

    /**
     * Publishes one message of {@code type} and takes it back, round after round on one topic, and fails unless a
     * round allocates nothing once warm: {@code shapes} are loaned in turn, {@code write} fills the loan,
     * {@code read} reads the sample (what it returns is kept, so that nothing is optimised away).
     */
    @SafeVarargs
    private <T> void assertRoundsAllocateNothing(String what, MessageType<T> type, Writer<T> write,
                                                 ToLongFunction<T> read, MessageShape<T>... shapes) {
        try (Sluice sluice = Sluice.open("node", root.options())) {
            Subscriber<T> subscriber = sluice.subscriber("/topic", type, Qos.queue(4));
            Publisher<T> publisher = sluice.publisher("/topic", type);
            long[] sink = {0};
            int[] round = {0};
            Allocations.assertNoneOnceWarm(what, 5_000, 500, () -> {
                int i = round[0]++;
                try (Loan<T> loan = publisher.loan(shapes[i % shapes.length])) {
                    write.write(loan.message(), i);
                    loan.publish();
                }
                try (Sample<T> sample = subscriber.take()) {
                    sink[0] += read.applyAsLong(sample.message());
                }
            });
            assertTrue(sink[0] != 0);
        }
    }

    @Test
    void shouldPublishAndTakeImagesWithoutAllocatingOnceWarm() {
        assertRoundsAllocateNothing("a publish/take round of images", Image.TYPE, (image, i) -> {
            image.header().stamp().nanos(i * 1_000_000L);
            image.data().set(ValueLayout.JAVA_BYTE, 0, (byte) i);
        }, image -> image.width() + image.encoding().length() + image.header().stamp().nanos()
            + image.data().get(ValueLayout.JAVA_BYTE, 0), Image.sized(64, 48, "rgb8").frameId("zed_left"));
    }

    // ------------------------------------------------------------------ defect 10: lengths that change every time

    @Test
    void shouldPublishAndTakeCompressedImagesOfChangingLengthWithoutAllocatingOnceWarm() {
        assertRoundsAllocateNothing("a publish/take round of compressed images of changing length",
            CompressedImage.TYPE, (image, i) -> {
                int length = 1 + i % 2_999; // a new length every time
                image.header().stamp().sec(i);
                image.dataCount(length);
                image.data(length - 1, (byte) i);
            }, image -> image.header().stamp().sec() + image.dataCount() + image.data(image.dataCount() - 1),
            CompressedImage.sized("jpeg", 4096).frameId("zed_left"),
            CompressedImage.sized("jpeg", 3000).frameId("zed_left")); // loans of two sizes as well
    }

    @Test
    void shouldPublishAndTakePointCloudsOfChangingPointCountWithoutAllocatingOnceWarm() {
        assertRoundsAllocateNothing("a publish/take round of point clouds of changing point count",
            PointCloud2.TYPE, (cloud, i) -> {
                int points = 1 + i % 1_999; // as many points as the scan returned
                cloud.header().stamp().sec(i);
                cloud.width(points).rowStep(points * 12).dataCount(points * 12);
                cloud.xyz().set(points - 1, i, -i, 0.5f);
            }, cloud -> {
                PointCloud2.Points xyz = cloud.xyz();
                return cloud.header().stamp().sec() + cloud.width() + cloud.dataCount() + xyz.size()
                    + (long) xyz.x(xyz.size() - 1);
            }, PointCloud2.sized(2_000, 1, PointCloud2.XYZ).frameId("lidar"));
    }

    @Test
    void shouldPublishAndTakeJointStatesWithChangingNamesWithoutAllocatingOnceWarm() {
        assertRoundsAllocateNothing("a publish/take round of joint states with changing names", JointState.TYPE,
            (joints, i) -> {
                joints.header().stamp().sec(i);
                joints.nameCount(2).name(0, JOINTS[i % 5]).name(1, JOINTS[i / 5 % 3]); // 15 lengths in turn
                joints.positionCount(2).position(0, i).position(1, -i);
            }, joints -> joints.header().stamp().sec() + joints.nameCount() + joints.positionCount()
                + (long) joints.position(0), JointState.TYPE.withCapacity(1024));
    }

    @Test
    void shouldKnowThePixelSizeOfRos2Encodings() {
        assertEquals(3, Image.bytesPerPixel("bgr8"));
        assertEquals(2, Image.bytesPerPixel("mono16"));
        assertEquals(4, Image.bytesPerPixel("32FC1"));
        assertEquals(12, Image.bytesPerPixel("32FC3"));
        assertEquals(1, Image.bytesPerPixel("bayer_rggb8"));
        assertThrows(IllegalArgumentException.class, () -> Image.sized(2, 2, "jpeg"));
    }

    @Test
    void shouldReadAndWritePointsThroughTheView() {
        PointCloud2.Shape shape = PointCloud2.sized(100, 3, PointCloud2.XYZRGB).frameId("lidar").dense(true);
        MemorySegment segment = initialized(shape);
        PointCloud2 cloud = new PointCloud2(segment);
        assertEquals(16, cloud.pointStep());
        assertEquals(1600, cloud.rowStep());
        assertEquals(4, cloud.fieldsCount());
        assertEquals("rgb", cloud.fields(3).name());
        assertEquals(12, cloud.fields(3).offset());
        assertEquals(PointField.FLOAT32, cloud.fields(3).datatype());
        assertEquals(true, cloud.isDense());
        PointCloud2.Points points = cloud.xyzrgb();
        assertEquals(300, points.size());
        for (int i = 0; i < 300; i++) {
            points.set(i, i, -i, i * 0.5f).rgb(i, 0x00ff8000 + i);
        }
        PointCloud2.Points read = new PointCloud2(segment).xyz();
        assertEquals(299f, read.x(299));
        assertEquals(-17f, read.y(17));
        assertEquals(2.5f, read.z(5));
        assertEquals(0x00ff8000 + 42, cloud.xyzrgb().rgb(42));
        assertThrows(IndexOutOfBoundsException.class, () -> read.x(300));
        assertEquals(true, cloud.isDense(), "is_dense after the data is where the shape put it");
    }

    @Test
    void shouldRefuseAPointStepThatDoesNotFitTheMessage() {
        assertThrows(IllegalArgumentException.class, () -> PointCloud2.sized(4, 1, PointCloud2.XYZ).pointStep(1L << 62));
        assertThrows(IllegalArgumentException.class, () -> PointCloud2.sized(4, 1, PointCloud2.XYZ).pointStep(-1));
        assertThrows(IllegalArgumentException.class, () -> PointCloud2.sized(1 << 20, 1 << 12, PointCloud2.XYZRGB));
    }

    @Test
    void shouldRefuseAPointViewOfACloudWithoutXyz() {
        MemorySegment segment = initialized(PointCloud2.sized(10, 1,
            PointCloud2.field("intensity", PointField.FLOAT32), PointCloud2.field("ring", PointField.UINT16)));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> new PointCloud2(segment).xyz());
        assertEquals("fields", e.field());
        assertTrue(e.getMessage().startsWith("sensor_msgs/msg/PointCloud2.fields at offset " + e.offset() + ": "),
            e.getMessage());
    }

    @Test
    void shouldRefuseAPointViewWhenTheDataIsShorterThanThePoints() {
        MemorySegment segment = initialized(PointCloud2.sized(10, 10, PointCloud2.XYZ));
        new PointCloud2(segment).width(11);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> new PointCloud2(segment).xyz());
        assertEquals("data", e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith("sensor_msgs/msg/PointCloud2.data at offset " + e.offset() + ": "),
            e.getMessage());
    }

    @Test
    void shouldSendOnlyWhatTheEncoderWroteOfACompressedImage() {
        try (Sluice sluice = Sluice.open("camera", root.options())) {
            Subscriber<CompressedImage> subscriber = sluice.subscriber("/jpeg", CompressedImage.TYPE, Qos.queue(2));
            Publisher<CompressedImage> publisher = sluice.publisher("/jpeg", CompressedImage.TYPE);
            try (Loan<CompressedImage> loan = publisher.loan(CompressedImage.sized("jpeg", 1 << 20).frameId("cam"))) {
                CompressedImage image = loan.message();
                image.data().asSlice(0, 3).copyFrom(MemorySegment.ofArray(new byte[] {(byte) 0xff, (byte) 0xd8, 1}));
                image.dataCount(3);
                loan.publish();
            }
            try (Sample<CompressedImage> sample = subscriber.take(Duration.ofSeconds(5))) {
                assertNotNull(sample);
                assertEquals("jpeg", sample.message().format());
                assertEquals("cam", sample.message().header().frameId());
                assertEquals(3, sample.message().data().byteSize());
                assertEquals((byte) 0xd8, sample.message().data().get(ValueLayout.JAVA_BYTE, 1));
                assertEquals(4 + 8 + 8 + 4 + 5 + 3 + 4 + 3, sample.segment().byteSize());
            }
        }
    }

    @Test
    void shouldCarryAPointCloudBetweenParticipantsInPlace() {
        try (Sluice camera = Sluice.open("camera", root.options()); Sluice planner = Sluice.open("planner", root.options())) {
            Subscriber<PointCloud2> subscriber = planner.subscriber("/points", PointCloud2.TYPE, Qos.latest());
            Publisher<PointCloud2> publisher = camera.publisher("/points", PointCloud2.TYPE);
            PointCloud2.Shape shape = PointCloud2.sized(320, 240, PointCloud2.XYZ).frameId("zed");
            try (Loan<PointCloud2> loan = publisher.loan(shape)) {
                PointCloud2.Points points = loan.message().xyz();
                for (int i = 0; i < points.size(); i++) {
                    points.set(i, i, 2 * i, 3 * i);
                }
                loan.publish();
            }
            try (Sample<PointCloud2> sample = subscriber.latest()) {
                assertNotNull(sample);
                PointCloud2.Points points = sample.message().xyz();
                assertEquals(320 * 240, points.size());
                assertEquals(76_799f * 3, points.z(76_799));
            }
        }
    }
}
