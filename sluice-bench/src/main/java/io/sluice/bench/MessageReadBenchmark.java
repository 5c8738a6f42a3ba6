package io.sluice.bench;

import io.sluice.bench.ConventionalCdr.ImageMessage;
import io.sluice.bench.ConventionalCdr.PointCloud2Message;
import io.sluice.msg.Cdr;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reading a message in place through its flyweight against deserialising it, on a 44 MB message and on a ~1 KB one
 * of the same type: the flyweight should cost the same at both sizes and allocate nothing.
 *
 * <p>Each trial writes two messages once into off-heap memory (a shared {@link Arena}), cut to the bytes a publisher
 * would send ({@code TYPE.encodedSize}):
 * <ul>
 *   <li>a {@code sensor_msgs/Image}, {@code rgb8}: 4416 × 3312 (43,877,376 bytes of pixels) or 16 × 20 (960);</li>
 *   <li>a {@code sensor_msgs/PointCloud2}, {@code PointCloud2.XYZRGB} (16 bytes a point): 2208 × 1242 = 2,742,336
 *       points (43,877,376 bytes) or 60 × 1 (960).</li>
 * </ul>
 * The benchmarks:
 * <ul>
 *   <li>{@code imageFields}: width, height, encoding and the {@code data} segment's size through an {@link Image}
 *       made once per trial — a subscriber's view, which the transport keeps per slot;</li>
 *   <li>{@code imageFieldsFreshView}: the same through a {@code new Image(segment)} per call: the cost of
 *       wrapping;</li>
 *   <li>{@code imageFieldsInSlot}: the same through an {@link Image} over the whole loan (256 bytes of room after
 *       the message) re-pointed at the message by its length, as the transport does when lengths change: every
 *       check stops at the length, not at the segment's end;</li>
 *   <li>{@code imageDeserialize}: the conventional baseline — {@link ConventionalCdr#image} builds the message as
 *       Java objects (strings decoded, pixels copied into a {@code byte[]}), then the same fields are read from
 *       it;</li>
 *   <li>{@code cloudPoint}: {@code cloud.xyz()} (which checks the point layout), then x, y, z of point {@code i};</li>
 *   <li>{@code cloudPointCachedView}: x, y, z of point {@code i} through the {@code Points} view taken once per
 *       trial;</li>
 *   <li>{@code cloudPointInSlot}: {@code cloudPoint} through a cloud re-pointed within its whole loan;</li>
 *   <li>{@code cloudDeserialize}: {@link ConventionalCdr#pointCloud2}, then x, y, z of point {@code i} found by name in
 *       its {@code fields}.</li>
 * </ul>
 * Point {@code i} walks a table of {@value #INDICES} pseudo-random indices over the whole cloud, so that no call reads
 * a constant. Their points (16 KiB of cache lines at most) stay in the L1 data cache after the first pass at both
 * sizes: the benchmark compares what each approach computes, not where a point lies in memory — a point of a 44 MB
 * cloud read cold costs a cache miss whichever way the message was read.
 *
 * <p>Setup does the same work at both sizes, call for call (bulk fills, one deserialisation to check that both ways
 * read the same values), so that the JIT sees the same profiles: see {@link #writePoints}.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar sluice-bench/target/benchmarks.jar MessageReadBenchmark
 * -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MessageReadBenchmark {
    /** Point indices walked per call; a power of two. 256 points of 16 bytes touch at most 16 KiB. */
    static final int INDICES = 256;

    /** The size of both messages: {@code 1KB} or {@code 44MB}. */
    @Param({"1KB", "44MB"})
    public String size;

    private Arena arena;
    private MemorySegment imageBytes;
    private MemorySegment cloudBytes;
    private ByteBuffer imageBuffer;
    private ByteBuffer cloudBuffer;
    private Image image;
    private Image imageInSlot;
    private PointCloud2 cloud;
    private PointCloud2 cloudInSlot;
    private PointCloud2.Points points;
    private final long[] indices = new long[INDICES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        boolean large = switch (size) {
            case "1KB" -> false;
            case "44MB" -> true;
            default -> throw new IllegalArgumentException("size not 1KB or 44MB: size=" + size);
        };
        Image.Shape imageShape = (large ? Image.sized(4416, 3312, "rgb8") : Image.sized(16, 20, "rgb8"))
            .frameId("camera_color_optical_frame");
        PointCloud2.Shape cloudShape = (large ? PointCloud2.sized(2208, 1242, PointCloud2.XYZRGB)
            : PointCloud2.sized(60, 1, PointCloud2.XYZRGB)).frameId("camera_color_optical_frame");
        arena = Arena.ofShared();

        MemorySegment imageLoan = arena.allocate(imageShape.byteSize(), 8);
        imageShape.initialize(imageLoan);
        imageBytes = imageLoan.asSlice(0, Image.TYPE.encodedSize(imageLoan));
        new Image(imageBytes).data().fill((byte) 0x5a);

        MemorySegment cloudLoan = arena.allocate(cloudShape.byteSize(), 8);
        cloudShape.initialize(cloudLoan);
        cloudBytes = cloudLoan.asSlice(0, PointCloud2.TYPE.encodedSize(cloudLoan));
        writePoints(new PointCloud2(cloudBytes));

        imageBuffer = imageBytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        cloudBuffer = cloudBytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        image = new Image(imageBytes);
        cloud = new PointCloud2(cloudBytes);
        imageInSlot = Image.TYPE.rewrap(new Image(imageLoan), imageLoan, imageBytes.byteSize());
        cloudInSlot = PointCloud2.TYPE.rewrap(new PointCloud2(cloudLoan), cloudLoan, cloudBytes.byteSize());
        points = cloud.xyz();
        SplittableRandom random = new SplittableRandom(42);
        for (int k = 0; k < INDICES; k++) {
            indices[k] = random.nextLong(points.size());
        }
        checkBothWaysAgree();
        System.out.printf("%nimage %d x %d %s: %,d bytes; cloud %d x %d, %,d points: %,d bytes%n",
            image.width(), image.height(), image.encoding(), imageBytes.byteSize(),
            cloud.width(), cloud.height(), points.size(), cloudBytes.byteSize());
    }

    /**
     * Writes x, y, z and colour of every point with one bulk copy. Not through {@code Points.set}: 2.7 million calls
     * of it at 44 MB against 60 at 1 KB would leave different profiles of the shared {@code MemorySegment} code
     * behind, and the JIT then compiles the benchmarks differently at the two sizes.
     */
    private static void writePoints(PointCloud2 cloud) {
        PointCloud2.Points layout = cloud.xyzrgb();
        if (layout.pointStep() != 16) {
            throw new IllegalStateException("expected XYZRGB packed in 16 bytes: pointStep=" + layout.pointStep());
        }
        float[] values = new float[Math.toIntExact(layout.size() * 4)];
        for (int i = 0; i < values.length / 4; i++) {
            values[4 * i] = i * 0.001f;
            values[4 * i + 1] = i * 0.002f;
            values[4 * i + 2] = 1.5f + i * 1e-6f;
            values[4 * i + 3] = Float.intBitsToFloat(i & 0xffffff);
        }
        MemorySegment.copy(values, 0, cloud.data(), Cdr.FLOAT, 0, values.length);
    }

    /** Fails the trial unless the flyweights and the conventional deserialiser read the same values. */
    private void checkBothWaysAgree() {
        ImageMessage message = ConventionalCdr.image(imageBuffer);
        if (message.width() != image.width() || message.height() != image.height()
            || !message.encoding().equals(image.encoding())
            || MemorySegment.ofArray(message.data()).mismatch(image.data()) >= 0) {
            throw new IllegalStateException("image read differently: conventional=" + message.width() + "x"
                + message.height() + " " + message.encoding() + ", flyweight=" + image);
        }
        if (imageInSlot.cdrEnd() != imageBytes.byteSize() || cloudInSlot.xyz().size() != points.size()) {
            throw new IllegalStateException("a view re-pointed within its loan reads another message");
        }
        PointCloud2Message deserialised = ConventionalCdr.pointCloud2(cloudBuffer);
        for (long i : indices) {
            if (deserialised.floatAt(i, deserialised.offsetOf("x")) != points.x(i)
                || deserialised.floatAt(i, deserialised.offsetOf("y")) != points.y(i)
                || deserialised.floatAt(i, deserialised.offsetOf("z")) != points.z(i)) {
                throw new IllegalStateException("point read differently: i=" + i);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private long nextIndex() {
        return indices[next++ & (INDICES - 1)];
    }

    private static void read(Image image, Blackhole blackhole) {
        blackhole.consume(image.width());
        blackhole.consume(image.height());
        blackhole.consume(image.encoding());
        blackhole.consume(image.data().byteSize());
    }

    @Benchmark
    public void imageFields(Blackhole blackhole) {
        read(image, blackhole);
    }

    @Benchmark
    public void imageFieldsInSlot(Blackhole blackhole) {
        read(imageInSlot, blackhole);
    }

    @Benchmark
    public void imageFieldsFreshView(Blackhole blackhole) {
        read(new Image(imageBytes), blackhole);
    }

    @Benchmark
    public void imageDeserialize(Blackhole blackhole) {
        ImageMessage message = ConventionalCdr.image(imageBuffer);
        blackhole.consume(message.width());
        blackhole.consume(message.height());
        blackhole.consume(message.encoding());
        blackhole.consume(message.data().length);
    }

    private void readPoint(PointCloud2 cloud, Blackhole blackhole) {
        PointCloud2.Points view = cloud.xyz();
        long i = nextIndex();
        blackhole.consume(view.x(i));
        blackhole.consume(view.y(i));
        blackhole.consume(view.z(i));
    }

    @Benchmark
    public void cloudPoint(Blackhole blackhole) {
        readPoint(cloud, blackhole);
    }

    @Benchmark
    public void cloudPointInSlot(Blackhole blackhole) {
        readPoint(cloudInSlot, blackhole);
    }

    @Benchmark
    public void cloudPointCachedView(Blackhole blackhole) {
        long i = nextIndex();
        blackhole.consume(points.x(i));
        blackhole.consume(points.y(i));
        blackhole.consume(points.z(i));
    }

    @Benchmark
    public void cloudDeserialize(Blackhole blackhole) {
        PointCloud2Message message = ConventionalCdr.pointCloud2(cloudBuffer);
        long i = nextIndex();
        blackhole.consume(message.floatAt(i, message.offsetOf("x")));
        blackhole.consume(message.floatAt(i, message.offsetOf("y")));
        blackhole.consume(message.floatAt(i, message.offsetOf("z")));
    }
}
