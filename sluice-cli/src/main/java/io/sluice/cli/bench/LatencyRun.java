package io.sluice.cli.bench;

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
import java.util.List;
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
            long now = System.nanoTime();
            long warmupEnd = options.warmupCount() >= 0 ? now : now + options.warmup().toNanos();
            long iteration = roundTrips(run, ping, acks, 0, BenchMessage.WARMUP, Math.max(0, options.warmupCount()),
                warmupEnd);
            CpuWindow cpu = new CpuWindow();
            SystemCpu machineBefore = SystemCpu.now();
            cpu.start();
            long measureEnd = System.nanoTime() + options.duration().toNanos();
            long measuredEnd = roundTrips(run, ping, acks, iteration, BenchMessage.MEASURE, options.count(), measureEnd);
            cpu.stop();
            long measured = measuredEnd - iteration;
            iteration = measuredEnd;
            roundTrip(run, ping, acks, iteration, BenchMessage.STOP);
            report.sent = measured;
            report.publisherWindowNanos = cpu.wallNanos();
            report.publisherCpuNanos = cpu.cpuNanos();
            report.measureMachine(machineBefore, SystemCpu.now());
            List<Map<String, String>> results = run.awaitResults(BenchRun.DONE_TIMEOUT);
            Histogram merged = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            for (int index = 0; index < results.size(); index++) {
                Map<String, String> values = results.get(index);
                merged.add(decode(values.get("histogram")));
                report.subscribers.add(BenchReport.SubscriberFigures.from(values, index));
            }
            report.latency = merged;
        }
        return report;
    }

    /**
     * Runs one phase: {@code count} round trips when positive, else round trips until {@code endNanos}
     * ({@link System#nanoTime()} terms; none when it has passed). The same method runs the warm-up and the
     * measurement, so the measurement runs the code the warm-up compiled. Returns the next iteration.
     */
    private static long roundTrips(BenchRun run, Publisher<MemorySegment> ping, Subscriber<MemorySegment>[] acks,
                                   long first, int phase, long count, long endNanos) {
        long iteration = first;
        if (count > 0) {
            for (long end = first + count; iteration < end; iteration++) {
                roundTrip(run, ping, acks, iteration, phase);
            }
            return iteration;
        }
        while (System.nanoTime() - endNanos < 0) {
            roundTrip(run, ping, acks, iteration++, phase);
        }
        return iteration;
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
        boolean touch = options.touch();
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = Sluice.open("bench-subscriber-" + index,
            BenchRun.sluiceOptions(options, options.domain()))) {
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
            CpuWindow cpu = new CpuWindow();
            long checksum = 0;
            long received = 0;
            long expected = 0;
            long gaps = 0;
            while (true) {
                Sample<MemorySegment> sample = ping.take(POLL);
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
                long latency = System.nanoTime() - sample.publishNanos();
                sample.close();
                if (iteration != expected) {
                    gaps += Math.max(0, iteration - expected);
                }
                expected = iteration + 1;
                // warm-up records into its own histogram: the measured phase runs the code warm-up compiled
                byPhase[phase].recordValue(Math.max(0, Math.min(latency, HIGHEST_TRACKABLE_NANOS)));
                received += phase == BenchMessage.MEASURE ? 1 : 0;
                if (received == 1 && !cpu.started()) {
                    cpu.start();
                }
                if (phase == BenchMessage.STOP && cpu.started()) {
                    cpu.stop();
                }
                try (Loan<MemorySegment> loan = ack.loan(BenchMessage.ACK_LENGTH)) {
                    BenchMessage.write(loan.segment(), iteration, phase, false);
                    loan.publish();
                }
                if (phase == BenchMessage.STOP) {
                    break;
                }
            }
            ChildJvm.report("received", received);
            ChildJvm.report("lost", gaps);
            ChildJvm.report("lost_counted", ping.lostCount());
            ChildJvm.report("window_ns", cpu.wallNanos());
            ChildJvm.report("cpu_ns", cpu.cpuNanos());
            ChildJvm.report("checksum", checksum);
            ChildJvm.report("histogram", encode(histogram));
            ChildJvm.report("done", 1);
        }
    }
}
