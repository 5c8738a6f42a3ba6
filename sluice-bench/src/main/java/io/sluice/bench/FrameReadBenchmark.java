package io.sluice.bench;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Reading a whole frame that a subscriber holds in shared memory, the ways a Java user can, against the bulk copy
 * the JDK does with {@code memcpy}'s loops:
 * <ul>
 *   <li>{@code sumLongsLongIndex}: the loop of the peer harness ({@code sluice-bench/peers} "touch"):
 *       {@code get(JAVA_LONG, offset)} with a {@code long} offset stepping by 8;</li>
 *   <li>{@code sumLongsUnaligned}: the loop of the README, {@code JAVA_LONG_UNALIGNED} (a message's bulk field need
 *       not be 8-aligned);</li>
 *   <li>{@code sumLongsIntIndex}: the same with an {@code int} index ({@code getAtIndex}), the form C2 unrolls and
 *       vectorises best;</li>
 *   <li>{@code sumLongArray}: the same sum over a heap {@code long[]} of the frame's size (the JIT's best case);</li>
 *   <li>{@code copyToLongArray}: {@code MemorySegment.copy} of the frame into a heap {@code long[]} (what a user
 *       does to hand a frame to a library that wants an array);</li>
 *   <li>{@code copyToNative}: {@code MemorySegment.copy} into an off-heap segment (to native code, e.g. OpenCV);
 *       the JDK's bulk copy, the bandwidth {@code memcpy} reaches in {@code sluice-bench/peers}' limits probe.</li>
 * </ul>
 * Each operation reads all {@code size} bytes; bandwidth is {@code size} / time. The frame is a real sample of a
 * Sluice topic, read through the {@code MemorySegment} the sample hands out, held for the whole trial.
 * Run: {@code java -jar sluice-bench/target/benchmarks.jar FrameReadBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class FrameReadBenchmark {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    @Param({"1048576", "8388608"})
    public int size;

    private SluiceFixture fixture;
    private Subscriber<MemorySegment> subscriber;
    private Sample<MemorySegment> sample;
    private MemorySegment frame;
    private long[] heap;
    private Arena arena;
    private MemorySegment nativeCopy;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new SluiceFixture("jmh-frame-read");
        subscriber = fixture.sluice.subscriber("/jmh/frame", SluiceFixture.TYPE, Qos.latest());
        Publisher<MemorySegment> publisher = fixture.sluice.publisher("/jmh/frame", SluiceFixture.TYPE,
            PublisherOptions.defaults().withSlots(2).withInitialSize(size));
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            MemorySegment payload = loan.segment();
            for (long offset = 0; offset < size; offset += Long.BYTES) {
                payload.set(LONG, offset, offset * 0x9E3779B97F4A7C15L);
            }
            loan.publish();
        }
        sample = subscriber.take();
        if (sample == null || sample.segment().byteSize() != size) {
            throw new IllegalStateException("no frame of " + size + " bytes to read: " + sample);
        }
        frame = sample.segment();
        heap = new long[size / Long.BYTES];
        MemorySegment.copy(frame, LONG, 0, heap, 0, heap.length);
        arena = Arena.ofConfined();
        nativeCopy = arena.allocate(size, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sample.close();
        arena.close();
        fixture.close();
    }

    @Benchmark
    public long sumLongsLongIndex() {
        MemorySegment message = frame;
        long length = message.byteSize();
        long sum = 0;
        for (long offset = 0; offset < length; offset += Long.BYTES) {
            sum += message.get(LONG, offset);
        }
        return sum;
    }

    @Benchmark
    public long sumLongsUnaligned() {
        MemorySegment message = frame;
        long sum = 0;
        for (long i = 0; i < message.byteSize() - 7; i += 8) {
            sum += message.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        return sum;
    }

    @Benchmark
    public long sumLongsIntIndex() {
        MemorySegment message = frame;
        int count = (int) (message.byteSize() / Long.BYTES);
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += message.getAtIndex(LONG, i);
        }
        return sum;
    }

    @Benchmark
    public long sumLongArray() {
        long[] values = heap;
        long sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum;
    }

    @Benchmark
    public long[] copyToLongArray() {
        MemorySegment.copy(frame, LONG, 0, heap, 0, heap.length);
        return heap;
    }

    @Benchmark
    public MemorySegment copyToNative() {
        MemorySegment.copy(frame, 0, nativeCopy, 0, size);
        return nativeCopy;
    }
}
