package io.sluice.bench;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
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
 * The publisher's own cost: loan a slot, write the first eight bytes, publish — with no subscriber on the topic,
 * so nothing but the publisher's slot reuse and commit is measured.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar PublishBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PublishBenchmark {
    @Param({"64", "1024"})
    public int size;

    private SluiceFixture fixture;
    private Publisher<MemorySegment> publisher;
    private long iteration;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new SluiceFixture("jmh-publish");
        publisher = fixture.sluice.publisher("/jmh/publish", SluiceFixture.TYPE,
            PublisherOptions.defaults().withSlots(8).withInitialSize(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public void loanAndPublish() {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            loan.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, iteration++);
            loan.publish();
        }
    }
}
