package io.sluice.bench;

import io.sluice.record.McapCompression;
import io.sluice.record.McapWriter;
import io.sluice.record.McapWriterOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * How fast {@link McapWriter} writes frames to a file, against the plain {@code write(2)} of the same bytes to the
 * same file system in the same run (the limit a writer can reach there):
 * <ul>
 *   <li>{@code plainWrite}: {@code FileChannel.write} of the frame, nothing else;</li>
 *   <li>{@code mcapWrite}: {@link McapWriter#write} of the frame as a message, with {@code compression} (its chunk
 *       records, message index, CRC-32 of every byte unless {@code crc} is false).</li>
 * </ul>
 * The frame is off-heap, as a sample in shared memory is, and holds a synthetic camera image (a gradient with noise:
 * zstd finds something to compress). Each iteration writes a new file in {@code dir} and deletes it after.
 * Bandwidth is {@code size} x operations per second. Run: {@code java -jar sluice-bench/target/benchmarks.jar
 * McapWriteBenchmark} ({@code -p dir=/some/disk} for another file system).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class McapWriteBenchmark {
    @Param({"1048576", "8388608"})
    public int size;

    @Param({"NONE", "ZSTD"})
    public McapCompression compression;

    @Param({"/dev/shm"})
    public String dir;

    /** Whether the writer computes its CRC-32s ({@link McapWriterOptions#crc()}). */
    @Param({"true"})
    public boolean crc;

    private Arena arena;
    private MemorySegment frame;
    private Path file;
    private McapWriter writer;
    private FileChannel plain;
    private int channel;
    private long sequence;

    @Setup(Level.Trial)
    public void frame() {
        arena = Arena.ofShared();
        frame = arena.allocate(size, 64);
        long noise = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < size; i++) {
            noise = noise * 6364136223846793005L + 1442695040888963407L;
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) ((i % 1920) / 8 + (i / 1920) / 8 + ((noise >>> 60) & 3)));
        }
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        file = Files.createTempFile(Path.of(dir), "mcap-bench-", ".mcap");
        Files.delete(file); // the writer creates it
        writer = McapWriter.create(file, McapWriterOptions.defaults().withCompression(compression).withCrc(crc));
        int schema = writer.schema("sensor_msgs/msg/Image", "ros2msg", "uint8[] data\n".getBytes(StandardCharsets.UTF_8));
        channel = writer.channel("/camera/rgb", schema, "cdr", Map.of());
        plain = FileChannel.open(Path.of(file + ".plain"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        writer.close();
        plain.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(Path.of(file + ".plain"));
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    @Benchmark
    public void mcapWrite() throws IOException {
        long now = System.nanoTime();
        writer.write(channel, sequence++, now, now, frame);
    }

    @Benchmark
    public void plainWrite() throws IOException {
        java.nio.ByteBuffer bytes = frame.asByteBuffer();
        while (bytes.hasRemaining()) {
            plain.write(bytes);
        }
    }
}
