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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Publish and take in one thread, with one {@link Qos#queue(int) queue} subscriber in the same process: loan, write
 * the first eight bytes, publish, {@code take()}, read the first eight bytes, close. The payload is not touched
 * beyond that, so 44 MB should cost what 64 B costs: zero copy.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar RoundTripBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class RoundTripBenchmark {
    /** 64 B, 1 KB and 44 MB. */
    @Param({"64", "1024", "46137344"})
    public int size;

    private SluiceFixture fixture;
    private Publisher<MemorySegment> publisher;
    private Subscriber<MemorySegment> subscriber;
    private long iteration;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new SluiceFixture("jmh-round-trip");
        subscriber = fixture.sluice.subscriber("/jmh/round_trip", SluiceFixture.TYPE, Qos.queue(4));
        publisher = fixture.sluice.publisher("/jmh/round_trip", SluiceFixture.TYPE,
            PublisherOptions.defaults().withSlots(4).withInitialSize(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public long publishAndTake() {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            loan.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, iteration++);
            loan.publish();
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            if (sample == null) {
                throw new IllegalStateException("published sample not taken: iteration=" + iteration);
            }
            return sample.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
    }
}
