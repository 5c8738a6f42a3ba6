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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The sensor multiplexer on a 44 MB topic, with one {@link Qos#latest()} subscriber in the same process:
 * <ul>
 *   <li>{@code latest}: {@code Subscriber.latest()} of a topic whose newest sample does not change — what a control
 *       loop pays to look at the newest frame;</li>
 *   <li>{@code publishAndTakeLatest}: publish a new 44 MB sample (header only), then {@code take()} the newest
 *       unseen one.</li>
 * </ul>
 * Run: {@code java -jar sluice-bench/target/benchmarks.jar LatestBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class LatestBenchmark {
    private SluiceFixture fixture;
    private Publisher<MemorySegment> publisher;
    private Subscriber<MemorySegment> subscriber;
    private long iteration;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new SluiceFixture("jmh-latest");
        subscriber = fixture.sluice.subscriber("/jmh/latest", SluiceFixture.TYPE, Qos.latest());
        publisher = fixture.sluice.publisher("/jmh/latest", SluiceFixture.TYPE,
            PublisherOptions.defaults().withSlots(4).withInitialSize(SluiceFixture.SIZE_44MB));
        publish();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    private void publish() {
        try (Loan<MemorySegment> loan = publisher.loan(SluiceFixture.SIZE_44MB)) {
            loan.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, iteration++);
            loan.publish();
        }
    }

    @Benchmark
    public long latest() {
        try (Sample<MemorySegment> sample = subscriber.latest()) {
            return sample.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
    }

    @Benchmark
    public long publishAndTakeLatest() {
        publish();
        try (Sample<MemorySegment> sample = subscriber.take()) {
            if (sample == null) {
                throw new IllegalStateException("newest sample not taken: iteration=" + iteration);
            }
            return sample.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
    }
}
