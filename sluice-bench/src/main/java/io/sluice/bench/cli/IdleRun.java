package io.sluice.bench.cli;

import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice bench idle}: a subscriber waits on a topic whose live publisher publishes nothing; its process's
 * CPU use over {@code --duration}, after {@code --warmup}, is the figure (the goal is under 1% of a core with the
 * default blocking wait). The publisher is the coordinator, which sleeps meanwhile.
 */
final class IdleRun {
    static final String ROLE = "idle-subscriber";
    static final String TOPIC = "/bench/idle";

    private IdleRun() {
    }

    static BenchReport coordinate(BenchRun run, BenchReport report) {
        BenchOptions options = run.options;
        try (Sluice sluice = Sluice.open("bench-publisher", run.sluiceOptions())) {
            Publisher<MemorySegment> publisher = sluice.publisher(TOPIC, BenchRun.TYPE, PublisherOptions.defaults()
                .withSlots(options.effectiveSlots())
                .withInitialSize(options.size()));
            run.startSubscribers(ROLE);
            sleep(options.warmup());
            CpuWindow cpu = new CpuWindow();
            SystemCpu machineBefore = SystemCpu.now();
            cpu.start();
            sleep(options.duration());
            cpu.stop();
            report.measurePublisher(cpu, machineBefore);
            report.sent = publisher.publishedCount();
            run.collectResults(report);
        }
        return report;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the subscriber idles", e);
        }
    }

    /** A subscriber process: waits with the configured strategy, counting whatever arrives (nothing should). */
    static void subscriber(BenchOptions options) {
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = BenchRun.openChild(options)) {
            Subscriber<MemorySegment> subscriber = sluice.subscriber(TOPIC, BenchRun.TYPE,
                Qos.queue(4).withWaitStrategy(options.waitStrategy()));
            ChildJvm.report("ready", 1);
            waitUntil(subscriber, System.nanoTime() + options.warmup().toNanos(), parent);
            CpuWindow cpu = new CpuWindow();
            cpu.start();
            long received = waitUntil(subscriber, System.nanoTime() + options.duration().toNanos(), parent);
            cpu.stop();
            SubscriberTally.report(received, 0, subscriber.lostCount(), cpu, 0);
            ChildJvm.report("done", 1);
        }
    }

    /** Takes until {@code deadline}, waiting at most a second at a time; returns how many samples came. */
    private static long waitUntil(Subscriber<MemorySegment> subscriber, long deadline, ParentWatch parent) {
        long received = 0;
        for (long remaining = deadline - System.nanoTime(); remaining > 0;
             remaining = deadline - System.nanoTime()) {
            Sample<MemorySegment> sample = subscriber.take(Duration.ofNanos(Math.min(remaining,
                TimeUnit.SECONDS.toNanos(1))));
            if (sample != null) {
                sample.close();
                received++;
            }
            parent.check();
        }
        return received;
    }
}
