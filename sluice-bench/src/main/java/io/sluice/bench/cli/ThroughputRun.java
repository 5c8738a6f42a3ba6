package io.sluice.bench.cli;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

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
            run.warmUpAndMeasure(report, (iteration, phase) -> publish(publisher, size, iteration, phase, touch),
                CLOCK_INTERVAL, last -> publish(publisher, size, last, BenchMessage.STOP, false));
            run.collectResults(report);
        }
        return report;
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
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = BenchRun.openChild(options)) {
            Subscriber<MemorySegment> subscriber = sluice.subscriber(TOPIC, BenchRun.TYPE,
                Qos.reliable(options.effectiveSlots()).withWaitStrategy(options.waitStrategy()));
            ChildJvm.report("ready", 1);
            SubscriberTally tally = new SubscriberTally(options.touch());
            while (true) {
                Sample<MemorySegment> sample = parent.take(subscriber, POLL);
                int phase = tally.read(sample.segment());
                sample.close();
                tally.count();
                if (phase == BenchMessage.STOP) {
                    break;
                }
            }
            tally.report(subscriber.lostCount());
            ChildJvm.report("done", 1);
        }
    }
}
