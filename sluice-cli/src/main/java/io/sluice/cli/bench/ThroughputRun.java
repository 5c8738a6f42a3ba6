package io.sluice.cli.bench;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice bench throughput}: the publisher (the coordinator) publishes as fast as it can into
 * {@link Qos#reliable(int) reliable} subscribers in their own JVMs, which take every message in order.
 *
 * <p>Nothing may be lost: each subscriber checks that the iterations it receives have no gaps and reports
 * {@code Subscriber.lostCount()} as well. Rates are as received: messages taken between the first measured message
 * and the stop message, over that time, per subscriber. The reliable depth equals the publisher's slots, so the
 * publisher runs at most that far ahead of the slowest subscriber.
 */
final class ThroughputRun {
    static final String ROLE = "throughput-subscriber";
    static final String TOPIC = "/bench/data";
    private static final Duration POLL = Duration.ofMillis(100);
    /** The publisher looks at the clock once per this many messages. */
    private static final int CLOCK_INTERVAL = 64;

    private ThroughputRun() {
    }

    static BenchReport coordinate(BenchRun run, BenchReport report) {
        BenchOptions options = run.options;
        long size = options.size();
        boolean touch = options.touch();
        try (Sluice sluice = Sluice.open("bench-publisher", run.sluiceOptions())) {
            run.startSubscribers(ROLE);
            Publisher<MemorySegment> publisher = sluice.publisher(TOPIC, BenchRun.TYPE, PublisherOptions.defaults()
                .withSlots(options.effectiveSlots())
                .withInitialSize(size)
                .withReliableTimeout(Duration.ofSeconds(5)));
            long now = System.nanoTime();
            long warmupEnd = options.warmupCount() >= 0 ? now : now + options.warmup().toNanos();
            long iteration = publishPhase(publisher, size, touch, 0, BenchMessage.WARMUP,
                Math.max(0, options.warmupCount()), warmupEnd);
            CpuWindow cpu = new CpuWindow();
            SystemCpu machineBefore = SystemCpu.now();
            cpu.start();
            long measureEnd = System.nanoTime() + options.duration().toNanos();
            long measuredEnd = publishPhase(publisher, size, touch, iteration, BenchMessage.MEASURE, options.count(),
                measureEnd);
            cpu.stop();
            long measured = measuredEnd - iteration;
            iteration = measuredEnd;
            publish(publisher, size, iteration, BenchMessage.STOP, false);
            report.sent = measured;
            report.publisherWindowNanos = cpu.wallNanos();
            report.publisherCpuNanos = cpu.cpuNanos();
            report.measureMachine(machineBefore, SystemCpu.now());
            List<Map<String, String>> results = run.awaitResults(BenchRun.DONE_TIMEOUT);
            for (int index = 0; index < results.size(); index++) {
                report.subscribers.add(BenchReport.SubscriberFigures.from(results.get(index), index));
            }
        }
        return report;
    }

    /**
     * Publishes one phase: {@code count} messages when positive, else bursts of {@link #CLOCK_INTERVAL} until
     * {@code endNanos} ({@link System#nanoTime()} terms; none when it has passed). The same method runs the warm-up
     * and the measurement, so the measurement runs the code the warm-up compiled. Returns the next iteration.
     */
    private static long publishPhase(Publisher<MemorySegment> publisher, long size, boolean touch, long first,
                                     int phase, long count, long endNanos) {
        long iteration = first;
        if (count > 0) {
            for (long end = first + count; iteration < end; iteration++) {
                publish(publisher, size, iteration, phase, touch);
            }
            return iteration;
        }
        while (System.nanoTime() - endNanos < 0) {
            for (int burst = 0; burst < CLOCK_INTERVAL; burst++) {
                publish(publisher, size, iteration++, phase, touch);
            }
        }
        return iteration;
    }

    private static void publish(Publisher<MemorySegment> publisher, long size, long iteration, int phase,
                                boolean touch) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            BenchMessage.write(loan.segment(), iteration, phase, touch);
            loan.publish();
        }
    }

    /** A subscriber process: takes every message in order, counts and checks them. */
    static void subscriber(BenchOptions options) {
        int index = options.childIndex();
        boolean touch = options.touch();
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = Sluice.open("bench-subscriber-" + index,
            BenchRun.sluiceOptions(options, options.domain()))) {
            Subscriber<MemorySegment> subscriber = sluice.subscriber(TOPIC, BenchRun.TYPE,
                Qos.reliable(options.effectiveSlots()).withWaitStrategy(options.waitStrategy()));
            ChildJvm.report("ready", 1);
            CpuWindow cpu = new CpuWindow();
            long checksum = 0;
            long received = 0;
            long expected = 0;
            long gaps = 0;
            while (true) {
                Sample<MemorySegment> sample = subscriber.take(POLL);
                if (sample == null) {
                    parent.check();
                    continue;
                }
                MemorySegment message = sample.segment();
                long iteration = BenchMessage.iteration(message);
                int phase = BenchMessage.checkedPhase(message);
                if (touch) {
                    checksum += BenchMessage.sumLongs(message);
                }
                sample.close();
                if (iteration != expected) {
                    gaps += Math.max(0, iteration - expected);
                }
                expected = iteration + 1;
                if (phase == BenchMessage.STOP) {
                    if (cpu.started()) {
                        cpu.stop();
                    }
                    break;
                }
                received += phase == BenchMessage.MEASURE ? 1 : 0; // no branch that warm-up leaves cold
                if (received == 1 && !cpu.started()) {
                    cpu.start();
                }
            }
            ChildJvm.report("received", received);
            ChildJvm.report("lost", gaps);
            ChildJvm.report("lost_counted", subscriber.lostCount());
            ChildJvm.report("window_ns", cpu.wallNanos());
            ChildJvm.report("cpu_ns", cpu.cpuNanos());
            ChildJvm.report("checksum", checksum);
            ChildJvm.report("done", 1);
        }
    }
}
