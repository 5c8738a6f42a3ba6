package io.sluice.bench;

import io.sluice.exec.MpscRing;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput of the event loop's queue: 3 producer threads offer to 1 consumer thread that polls, for
 * {@link MpscRing}, {@link ArrayBlockingQueue} (non-blocking {@code offer}/{@code poll}) and
 * {@link ConcurrentLinkedQueue}, all bounded to {@value #CAPACITY} events. The CLQ is unbounded, so its producers
 * take a permit from a shared {@link AtomicInteger} (as an event loop bounding it would have to); without a bound
 * the producers outrun the consumer and the run measures the garbage collector.
 *
 * <p>Each benchmark method makes one attempt; the figures to compare are the auxiliary counters {@code offered}
 * (successful offers/µs, summed over producers) and {@code polled} (events received/µs): the raw method rate also
 * counts attempts on a full or empty queue. Results depend heavily on the number of cores: with fewer than 4, the
 * threads time-share and the figures reflect the scheduler as much as the queue. JMH prints the JVM and settings;
 * record {@code nproc} and the CPU model with the result.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar MpscRingBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class MpscRingBenchmark {
    static final int CAPACITY = 1024;
    static final Object EVENT = new Object();

    /** One queue per group, shared by its producers and its consumer. */
    @State(Scope.Group)
    public static class Queues {
        MpscRing<Object> ring;
        ArrayBlockingQueue<Object> arrayBlockingQueue;
        ConcurrentLinkedQueue<Object> concurrentLinkedQueue;
        AtomicInteger concurrentLinkedQueuePermits;

        @Setup(Level.Iteration)
        public void setUp() {
            ring = new MpscRing<>(CAPACITY);
            arrayBlockingQueue = new ArrayBlockingQueue<>(CAPACITY);
            concurrentLinkedQueue = new ConcurrentLinkedQueue<>();
            concurrentLinkedQueuePermits = new AtomicInteger(CAPACITY);
        }
    }

    /** Per-thread counts of successful operations, reported by JMH as rates. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counts {
        public long offered;
        public long polled;

        @Setup(Level.Iteration)
        public void reset() {
            offered = 0;
            polled = 0;
        }
    }

    @Benchmark
    @Group("mpscRing")
    @GroupThreads(3)
    public boolean mpscRingOffer(Queues queues, Counts counts) {
        boolean accepted = queues.ring.offer(EVENT);
        if (accepted) {
            counts.offered++;
        }
        return accepted;
    }

    @Benchmark
    @Group("mpscRing")
    @GroupThreads(1)
    public Object mpscRingPoll(Queues queues, Counts counts) {
        Object event = queues.ring.poll();
        if (event != null) {
            counts.polled++;
        }
        return event;
    }

    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(3)
    public boolean arrayBlockingQueueOffer(Queues queues, Counts counts) {
        boolean accepted = queues.arrayBlockingQueue.offer(EVENT);
        if (accepted) {
            counts.offered++;
        }
        return accepted;
    }

    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public Object arrayBlockingQueuePoll(Queues queues, Counts counts) {
        Object event = queues.arrayBlockingQueue.poll();
        if (event != null) {
            counts.polled++;
        }
        return event;
    }

    @Benchmark
    @Group("concurrentLinkedQueue")
    @GroupThreads(3)
    public boolean concurrentLinkedQueueOffer(Queues queues, Counts counts) {
        AtomicInteger permits = queues.concurrentLinkedQueuePermits;
        int available = permits.get();
        if (available <= 0 || !permits.compareAndSet(available, available - 1)) {
            return false;
        }
        queues.concurrentLinkedQueue.offer(EVENT);
        counts.offered++;
        return true;
    }

    @Benchmark
    @Group("concurrentLinkedQueue")
    @GroupThreads(1)
    public Object concurrentLinkedQueuePoll(Queues queues, Counts counts) {
        Object event = queues.concurrentLinkedQueue.poll();
        if (event != null) {
            queues.concurrentLinkedQueuePermits.incrementAndGet();
            counts.polled++;
        }
        return event;
    }
}
