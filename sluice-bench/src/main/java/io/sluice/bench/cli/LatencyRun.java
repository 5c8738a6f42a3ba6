package io.sluice.bench.cli;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.HdrHistogram.Histogram;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * {@code sluice bench latency}: ping-pong between a publisher (the coordinator) and subscriber processes, so that
 * nothing ever queues.
 *
 * <pre>
 *   publisher                                subscriber i (own JVM)
 *   loan, write header (+ every byte), publish on /bench/ping
 *                                            take (spin or block), read header (+ every byte)
 *                                            latency = nanoTime() - publishNanos(); close the sample
 *                                            record latency; ack on /bench/pong_i (64 B, same iteration)
 *   take the ack of every subscriber, then the next ping
 * </pre>
 * Endpoints are created so that nothing is missed: the coordinator's ack subscribers first, then the children's
 * ping subscribers and ack publishers, then — after every child reported ready — the ping publisher. Each child
 * sends its histogram back encoded ({@code encodeIntoCompressedByteBuffer}, base64) and the coordinator merges them.
 */
final class LatencyRun {
    static final String ROLE = "latency-subscriber";
    static final String PING_TOPIC = "/bench/ping";
    static final String PONG_TOPIC = "/bench/pong_";
    /** Latencies above this are recorded as this: a minute. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long the publisher waits for one ack before it checks that the subscribers are alive. */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int ACK_SLOTS = 4;

    private LatencyRun() {
    }

    // ------------------------------------------------------------------------------------ coordinator

    static BenchReport coordinate(BenchRun run, BenchReport report) {
        BenchOptions options = run.options;
        Qos qos = Qos.queue(ACK_SLOTS).withWaitStrategy(options.waitStrategy());
        try (Sluice sluice = Sluice.open("bench-publisher", run.sluiceOptions())) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Subscriber<MemorySegment>[] acks = new Subscriber[options.subscribers()];
            for (int index = 0; index < acks.length; index++) {
                acks[index] = sluice.subscriber(PONG_TOPIC + index, BenchRun.TYPE, qos);
            }
            run.startSubscribers(ROLE);
            Publisher<MemorySegment> ping = sluice.publisher(PING_TOPIC, BenchRun.TYPE, PublisherOptions.defaults()
                .withSlots(options.effectiveSlots())
                .withInitialSize(options.size())
                .withReliableTimeout(Duration.ofSeconds(5)));
            // one round trip at a time: the clock is read after each
            run.warmUpAndMeasure(report, (iteration, phase) -> roundTrip(run, ping, acks, iteration, phase), 1,
                last -> roundTrip(run, ping, acks, last, BenchMessage.STOP));
            Histogram merged = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            for (Map<String, String> values : run.collectResults(report)) {
                merged.add(decode(values.get("histogram")));
            }
            report.latency = merged;
        }
        return report;
    }

    private static void roundTrip(BenchRun run, Publisher<MemorySegment> ping, Subscriber<MemorySegment>[] acks,
                                  long iteration, int phase) {
        try (Loan<MemorySegment> loan = ping.loan(run.options.size())) {
            BenchMessage.write(loan.segment(), iteration, phase, run.options.touch());
            loan.publish();
        }
        for (int index = 0; index < acks.length; index++) {
            awaitAck(run, acks[index], index, iteration);
        }
    }

    private static void awaitAck(BenchRun run, Subscriber<MemorySegment> ack, int index, long iteration) {
        long waitedFrom = 0;
        while (true) {
            Sample<MemorySegment> sample = ack.take(POLL);
            if (sample != null) {
                long acked = BenchMessage.iteration(sample.segment());
                sample.close();
                if (acked != iteration) {
                    throw new IllegalStateException("ack out of order: subscriber=" + index + ", iteration="
                        + iteration + ", acked=" + acked);
                }
                return;
            }
            run.checkChildrenAlive();
            long now = System.nanoTime();
            if (waitedFrom == 0) {
                waitedFrom = now;
            } else if (now - waitedFrom > ACK_TIMEOUT_NANOS) {
                throw new IllegalStateException("no ack in time: subscriber=" + index + ", iteration=" + iteration
                    + ", timeoutSeconds=" + TimeUnit.NANOSECONDS.toSeconds(ACK_TIMEOUT_NANOS));
            }
        }
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Histogram decode(String text) {
        if (text == null) {
            throw new IllegalStateException("child report lacks its histogram");
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)),
                HIGHEST_TRACKABLE_NANOS);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalStateException("child histogram cannot be decoded: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ child

    /** A subscriber process: takes pings, records their one-way latency, acks each. */
    static void subscriber(BenchOptions options) {
        int index = options.childIndex();
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = BenchRun.openChild(options)) {
            Subscriber<MemorySegment> ping = sluice.subscriber(PING_TOPIC, BenchRun.TYPE,
                Qos.queue(options.effectiveSlots()).withWaitStrategy(options.waitStrategy()));
            Publisher<MemorySegment> ack = sluice.publisher(PONG_TOPIC + index, BenchRun.TYPE,
                PublisherOptions.defaults().withSlots(ACK_SLOTS).withInitialSize(BenchMessage.ACK_LENGTH)
                    .withReliableTimeout(Duration.ofSeconds(5)));
            ChildJvm.report("ready", 1);
            Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            Histogram[] byPhase = new Histogram[BenchMessage.STOP + 1];
            byPhase[BenchMessage.WARMUP] = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            byPhase[BenchMessage.MEASURE] = histogram;
            byPhase[BenchMessage.STOP] = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            SubscriberTally tally = new SubscriberTally(options.touch());
            while (true) {
                Sample<MemorySegment> sample = parent.take(ping, POLL);
                int phase = tally.read(sample.segment());
                long latency = System.nanoTime() - sample.publishNanos();
                sample.close();
                // warm-up records into its own histogram: the measured phase runs the code warm-up compiled
                byPhase[phase].recordValue(Math.max(0, Math.min(latency, HIGHEST_TRACKABLE_NANOS)));
                tally.count();
                try (Loan<MemorySegment> loan = ack.loan(BenchMessage.ACK_LENGTH)) {
                    BenchMessage.write(loan.segment(), tally.iteration(), phase, false);
                    loan.publish();
                }
                if (phase == BenchMessage.STOP) {
                    break;
                }
            }
            tally.report(ping.lostCount());
            ChildJvm.report("histogram", encode(histogram));
            ChildJvm.report("done", 1);
        }
    }
}
