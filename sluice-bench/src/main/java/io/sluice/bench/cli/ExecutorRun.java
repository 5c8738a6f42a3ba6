package io.sluice.bench.cli;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.cli.Progress;
import io.sluice.exec.Executor;
import io.sluice.exec.ExecutorOptions;
import io.sluice.exec.Inbox;
import io.sluice.exec.Shutdown;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code sluice bench executor}: the three executors of {@code io.sluice.exec} side by side, and the LMAX
 * Disruptor (4.x) as the peer, in one run. Three scenarios:
 *
 * <ol>
 *   <li><b>CPU.</b> {@code N} publishers at {@code R} Hz each, one shared-memory topic per publisher, all published
 *       by one thread of a child JVM on a drift-free schedule ({@link PublishSchedule}); this JVM (the node) has one
 *       {@code Qos.queue(64)} subscriber per topic, all registered on one executor with
 *       {@code executor.subscription(subscriber, handler)}. The figure is this process's CPU time per wall second
 *       (everything in the node JVM: executor threads, JIT, GC), with the handler's work identical everywhere
 *       ({@link ExecutorWork}: read the eight longs of the 64-byte message). Then the in-process pair: the same
 *       schedule on a thread of this JVM feeding the event loop through one {@code executor.inbox(…)} of
 *       {@value #CAPACITY}, and a Disruptor of {@value #CAPACITY} (multi-producer, {@code BlockingWaitStrategy})
 *       consumed by one {@code EventHandler}; there the process CPU includes the publishing thread, so the pair is
 *       compared with each other, and the consumer thread's own CPU is reported as well.</li>
 *   <li><b>Fan-out.</b> One 8 MB raw message (sequence and due time in its first bytes, filled whole by the
 *       publisher) at 30 Hz from a child JVM to {@code S} {@code Qos.queue(4)} subscribers on one executor of each
 *       kind; each callback reads one long per 4 KB page and records now − {@code Sample.publishNanos()}
 *       (CLOCK_MONOTONIC, comparable across processes) in an HdrHistogram. Loss: gaps in the sample sequence and
 *       {@code lostCount()}, whichever is larger.</li>
 *   <li><b>Throughput.</b> Three producer threads to one consumer that adds a long field of each event:
 *       {@code executor.inbox(…)} of the event loop against a multi-producer Disruptor of the same capacity, with
 *       blocking waits (default idle vs {@code BlockingWaitStrategy}) and with busy-spinning ones
 *       ({@code WaitStrategy.spin()} vs {@code BusySpinWaitStrategy}). Producers spin when full on both sides
 *       ({@code offer} / {@code tryNext}). No allocation per event on either side: the Disruptor's producers write
 *       into the ring's preallocated events (two-phase {@code tryNext}/{@code publish}); ours write into a
 *       per-producer pool of preallocated events and offer the reference ({@link ExecutorWork.Pool} explains why
 *       a pool of capacity + 2 is never rewritten while the consumer may read it). Three repetitions, alternating
 *       which side goes first; the median counts.</li>
 * </ol>
 * The multi-threaded baseline runs {@value #MT_THREADS} threads (the machine's size this was written for). Each
 * point runs {@code --warmup}, then is measured for {@code --duration}; fan-out points for
 * {@value #FANOUT_DURATION_FACTOR} × {@code --duration} (30 Hz needs longer to give percentiles). Before the CPU
 * grid, one unrecorded point ({@value #WARMUP_PUBLISHERS} × {@value #WARMUP_RATE_HZ} Hz) runs every consumer so
 * that JIT compilation does not land in the windows; within a point the executors take turns in a rotating order,
 * and the in-process pair alternates which goes first.
 */
final class ExecutorRun {
    static final String CPU_PUBLISHER_ROLE = "executor-cpu-publisher";
    static final String FANOUT_PUBLISHER_ROLE = "executor-fanout-publisher";

    static final int[] PUBLISHERS = {1, 4, 16, 64};
    static final long[] RATES_HZ = {10, 100, 1_000, 10_000};
    static final int[] QUICK_PUBLISHERS = {1, 16, 64};
    /** The CPU point run first, unrecorded, so that the JIT has compiled every hot path before the grid. */
    static final int WARMUP_PUBLISHERS = 16;
    static final long WARMUP_RATE_HZ = 1_000;
    static final long[] QUICK_RATES_HZ = {100, 10_000};
    /** Queue depth of a CPU-scenario subscriber, and the publisher's slots (more, so a queued sample is kept). */
    static final int CPU_DEPTH = 64;
    static final int CPU_SLOTS = 128;

    static final int[] FANOUT_SUBSCRIBERS = {1, 4, 16, 32};
    static final int[] QUICK_FANOUT_SUBSCRIBERS = {1, 32};
    static final long FANOUT_BYTES = 8L << 20;
    static final long FANOUT_HZ = 30;
    static final int FANOUT_DEPTH = 4;
    static final int FANOUT_SLOTS = 8;
    static final int FANOUT_STRIDE = 4096;
    static final int FANOUT_DURATION_FACTOR = 3;
    /** How long a fan-out executor runs on after the window, for the samples published in it to arrive. */
    static final Duration FANOUT_GRACE = Duration.ofMillis(500);

    static final int MT_THREADS = 2;
    /** Inbox and ring capacity of the in-process runs (a power of two, as the Disruptor requires). */
    static final int CAPACITY = 1024;
    static final int PRODUCERS = 3;
    static final int REPEATS = 3;
    static final String DISRUPTOR_VERSION = disruptorVersion();

    static final String TOPIC_ROOT = "/bench/exec";
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final Duration CHILD_READY = Duration.ofSeconds(60);
    private static final Duration CHILD_DONE = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The three executors, by the names the report uses. */
    enum Kind {
        EVENT_LOOP("event-loop"), POLLING_POINT("polling-point"), MULTI_THREADED("multi-threaded");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        Executor create() {
            ExecutorOptions options = ExecutorOptions.defaults().withName("bench-" + label);
            return switch (this) {
                case EVENT_LOOP -> Executor.eventLoop(options);
                case POLLING_POINT -> Executor.pollingPoint(options);
                case MULTI_THREADED -> Executor.multiThreaded(options, MT_THREADS);
            };
        }
    }

    private final BenchOptions options;
    private final BenchRun run;
    private final Sluice node;
    private final ExecutorReport report;
    private final Progress progress;
    private int step;

    private ExecutorRun(BenchOptions options, BenchRun run, Sluice node, ExecutorReport report, Progress progress) {
        this.options = options;
        this.run = run;
        this.node = node;
        this.report = report;
        this.progress = progress;
    }

    static void coordinate(BenchOptions options, PrintStream out) {
        Machine machine = Machine.describe();
        double coreToCoreBefore = CoreToCore.roundTripNanos(100_000_000L);
        ExecutorReport report;
        try (BenchRun run = new BenchRun(options);
             Sluice node = Sluice.open("bench-node", run.sluiceOptions())) {
            report = new ExecutorReport(options, machine, run.domain);
            if (machine.loadAverage() > 1.0) {
                report.notes.add(String.format(Locale.ROOT, "the machine was not idle at the start (load average"
                    + " %.2f on %d cores): other work shares the cores; see machine_busy_percent per row",
                    machine.loadAverage(), machine.cores()));
            }
            if (!options.json()) {
                report.printHeader(out);
            }
            try (Progress progress = Progress.start(System.err, "sluice bench executor", steps(options),
                Progress.Unit.ITEMS)) {
                ExecutorRun executorRun = new ExecutorRun(options, run, node, report, progress);
                executorRun.cpu();
                executorRun.fanout();
                executorRun.throughput();
            }
        }
        report.coreToCore(coreToCoreBefore, CoreToCore.roundTripNanos(100_000_000L));
        if (options.json()) {
            out.println(report.toJson());
        } else {
            report.printResults(out);
        }
        out.flush();
    }

    /** Shows the step about to run: {@code format} and {@code args} say which (a point, an executor). */
    private void progress(String format, Object... args) {
        progress.update(step++, String.format(Locale.ROOT, format, args));
    }

    /**
     * The steps a run of {@code options} shows: per CPU point (the JIT warm-up point included) each executor and
     * the in-process pair, per fan-out point each executor, and the throughput runs of both sides.
     */
    static long steps(BenchOptions options) {
        int cpuPoints = 1 + (options.quick() ? QUICK_PUBLISHERS.length * QUICK_RATES_HZ.length
            : PUBLISHERS.length * RATES_HZ.length);
        int fanoutPoints = options.quick() ? QUICK_FANOUT_SUBSCRIBERS.length : FANOUT_SUBSCRIBERS.length;
        int kinds = Kind.values().length;
        return (long) cpuPoints * (kinds + 1) + (long) fanoutPoints * kinds + 2L * REPEATS * 2;
    }

    // ------------------------------------------------------------------------------------------------ 1. CPU

    private void cpu() {
        int[] publishers = options.quick() ? QUICK_PUBLISHERS : PUBLISHERS;
        long[] rates = options.quick() ? QUICK_RATES_HZ : RATES_HZ;
        // A point that is not recorded, first: at 16 kHz every executor's and the Disruptor's hot paths reach the
        // JIT's thresholds here. Without it the compilation lands in the window of whichever executor first runs
        // at a high enough rate (seen as up to 3x the CPU of its peers at 1 x 100 Hz and 1 x 1 kHz).
        cpuPoint(0, WARMUP_PUBLISHERS, WARMUP_RATE_HZ, false);
        int point = 1;
        for (int count : publishers) {
            for (long rate : rates) {
                cpuPoint(point++, count, rate, true);
            }
        }
    }

    private void cpuPoint(int point, int publishers, long rateHz, boolean record) {
        String prefix = TOPIC_ROOT + "/cpu_" + point;
        List<ExecutorReport.CpuRow> shmRows = new ArrayList<>();
        Map<String, String> published;
        try (ChildJvm child = ChildJvm.start("cpu-publisher-" + point, childArguments(CPU_PUBLISHER_ROLE,
            "prefix=" + prefix + ",publishers=" + publishers + ",rate=" + rateHz))) {
            child.await("ready", deadline(CHILD_READY));
            Kind[] order = rotate(Kind.values(), point);
            for (Kind kind : order) {
                progress("cpu %d publishers x %d Hz, %s%s", publishers, rateHz, kind.label,
                    record ? "" : " (JIT warm-up, not recorded)");
                shmRows.add(cpuShm(kind, prefix, publishers, rateHz));
            }
            try (Publisher<MemorySegment> stop = node.publisher(prefix + "/stop", BenchRun.TYPE,
                PublisherOptions.defaults().withInitialSize(16))) {
                stop.publishCopy(new byte[16]);
                published = child.await("done", deadline(CHILD_DONE));
            }
        }
        double publishedRate = Double.parseDouble(published.get("published_per_s"));
        long skipped = Long.parseLong(published.get("skipped"));
        long maxLate = Long.parseLong(published.get("max_late_ns"));
        List<ExecutorReport.CpuRow> rows = new ArrayList<>();
        for (ExecutorReport.CpuRow row : shmRows) {
            rows.add(row.withPublisher(publishedRate, skipped, maxLate));
        }
        progress("cpu %d publishers x %d Hz, in-process event-loop inbox and disruptor", publishers, rateHz);
        if (point % 2 == 0) {
            rows.add(cpuInbox(publishers, rateHz));
            rows.add(cpuDisruptor(publishers, rateHz));
        } else {
            rows.add(cpuDisruptor(publishers, rateHz));
            rows.add(cpuInbox(publishers, rateHz));
        }
        if (record) {
            report.cpu.addAll(rows);
        }
    }

    /** One executor on {@code publishers} shared-memory topics fed by the child. */
    private ExecutorReport.CpuRow cpuShm(Kind kind, String prefix, int publishers, long rateHz) {
        List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
        ExecutorWork.Tally[] tallies = new ExecutorWork.Tally[publishers];
        Executor executor = kind.create();
        try {
            for (int i = 0; i < publishers; i++) {
                Subscriber<MemorySegment> subscriber = node.subscriber(prefix + "/t" + i, BenchRun.TYPE,
                    Qos.queue(CPU_DEPTH));
                subscribers.add(subscriber);
                ExecutorWork.Tally tally = new ExecutorWork.Tally();
                tallies[i] = tally;
                executor.subscription(subscriber, sample -> tally.handle(sample.segment(), sample.sequence()));
            }
            executor.start();
            sleep(options.warmup());
            long handledBefore = handled(tallies);
            long gapsBefore = gaps(tallies);
            Measured measured = measure(options.duration());
            CpuWindow cpu = measured.cpu();
            double machineBusy = measured.machineBusy();
            long delivered = handled(tallies) - handledBefore;
            long lost = gaps(tallies) - gapsBefore;
            return new ExecutorReport.CpuRow(publishers, rateHz, "shm", kind.label, publishers * (double) rateHz,
                Double.NaN, 0, 0, delivered * 1e9 / cpu.wallNanos(), lost, errors(executor),
                cpu.percentOfCore(), cpu.systemPercentOfCore(), Double.NaN, machineBusy);
        } finally {
            closeExecutor(executor, kind.label + " cpu " + publishers + "x" + rateHz);
            subscribers.forEach(Subscriber::close);
        }
    }

    /** The event loop fed in process: the schedule on a thread of this JVM offers to one inbox. */
    private ExecutorReport.CpuRow cpuInbox(int publishers, long rateHz) {
        ExecutorWork.Tally tally = new ExecutorWork.Tally();
        Executor executor = Kind.EVENT_LOOP.create();
        Inbox<ExecutorWork.Event> inbox = executor.inbox("cpu", CAPACITY, event -> tally.handle(event.data));
        ExecutorWork.Pool<ExecutorWork.Event> pool = ExecutorWork.Pool.events(CAPACITY);
        long[] dropped = new long[1];
        Thread consumer = Thread.ofPlatform().name("bench-event-loop").daemon().start(executor::run);
        try {
            return cpuInProcess("event-loop", publishers, rateHz, tally, consumer, (publisher, sequence, due) -> {
                ExecutorWork.Event event = pool.current();
                ExecutorWork.write(event.data, sequence, due);
                if (inbox.offer(event)) {
                    pool.advance();
                } else {
                    dropped[0]++;
                }
            }, () -> dropped[0]);
        } finally {
            closeExecutor(executor, "event-loop inbox");
        }
    }

    /** The Disruptor fed in process by the same schedule: multi-producer ring, BlockingWaitStrategy. */
    private ExecutorReport.CpuRow cpuDisruptor(int publishers, long rateHz) {
        ExecutorWork.Tally tally = new ExecutorWork.Tally();
        AtomicReference<Thread> consumer = new AtomicReference<>();
        Disruptor<ExecutorWork.Event> disruptor = new Disruptor<>(ExecutorWork.Event::new, CAPACITY,
            runnable -> {
                Thread thread = Thread.ofPlatform().name("bench-disruptor").daemon().unstarted(runnable);
                consumer.set(thread);
                return thread;
            }, ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith((event, sequence, endOfBatch) -> tally.handle(event.data));
        RingBuffer<ExecutorWork.Event> ring = disruptor.start();
        long[] dropped = new long[1];
        try {
            return cpuInProcess("disruptor", publishers, rateHz, tally, consumer.get(), (publisher, sequence, due) -> {
                long slot;
                try {
                    slot = ring.tryNext();
                } catch (InsufficientCapacityException full) {
                    dropped[0]++;
                    return;
                }
                try {
                    ExecutorWork.write(ring.get(slot).data, sequence, due);
                } finally {
                    ring.publish(slot);
                }
            }, () -> dropped[0]);
        } finally {
            disruptor.halt();
        }
    }

    private ExecutorReport.CpuRow cpuInProcess(String label, int publishers, long rateHz, ExecutorWork.Tally tally,
                                               Thread consumer, PublishSchedule.Send send,
                                               LongSupplier dropped) {
        PublishSchedule schedule = new PublishSchedule(publishers, rateHz);
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = Thread.ofPlatform().name("bench-schedule").daemon().start(() ->
            schedule.run(send, stop::get));
        sleep(options.warmup());
        long handledBefore = tally.handled();
        long consumerBefore = threadCpu(consumer);
        Measured measured = measure(options.duration());
        CpuWindow cpu = measured.cpu();
        double machineBusy = measured.machineBusy();
        long consumerCpu = threadCpu(consumer) - consumerBefore;
        long delivered = tally.handled() - handledBefore;
        stop.set(true);
        join(producer); // its counts (dropped, schedule) are read after the join
        return new ExecutorReport.CpuRow(publishers, rateHz, "in-process", label, publishers * (double) rateHz,
            schedule.publishedPerSecond(), schedule.skipped(), schedule.maxLateNanos(),
            delivered * 1e9 / cpu.wallNanos(), dropped.getAsLong(), 0, cpu.percentOfCore(),
            cpu.systemPercentOfCore(),
            consumerCpu < 0 ? Double.NaN : 100.0 * consumerCpu / cpu.wallNanos(), machineBusy);
    }

    /** The child's side of the CPU scenario: {@code publishers} topics at {@code rate} Hz each until stopped. */
    static void cpuPublisher(BenchOptions options) {
        Map<String, String> spec = spec(options.childSpec());
        String prefix = spec.get("prefix");
        int publishers = Integer.parseInt(spec.get("publishers"));
        long rate = Long.parseLong(spec.get("rate"));
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = BenchRun.openChild(options)) {
            List<Publisher<MemorySegment>> topics = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                topics.add(sluice.publisher(prefix + "/t" + i, BenchRun.TYPE, PublisherOptions.defaults()
                    .withSlots(CPU_SLOTS).withInitialSize(ExecutorWork.MESSAGE_BYTES)));
            }
            @SuppressWarnings("unchecked")
            Publisher<MemorySegment>[] byIndex = topics.toArray(new Publisher[0]);
            Subscriber<MemorySegment> stop = sluice.subscriber(prefix + "/stop", BenchRun.TYPE, Qos.latest());
            ChildJvm.report("ready", 1);
            PublishSchedule schedule = new PublishSchedule(publishers, rate);
            schedule.run((publisher, sequence, due) -> {
                try (Loan<MemorySegment> loan = byIndex[publisher].loan(ExecutorWork.MESSAGE_BYTES)) {
                    ExecutorWork.write(loan.segment(), sequence, due);
                    loan.publish();
                }
            }, () -> stopped(stop, parent));
            reportSchedule(schedule);
        }
    }

    // -------------------------------------------------------------------------------------------- 2. fan-out

    private void fanout() {
        String topic = TOPIC_ROOT + "/cloud";
        int[] counts = options.quick() ? QUICK_FANOUT_SUBSCRIBERS : FANOUT_SUBSCRIBERS;
        Map<String, String> published;
        List<ExecutorReport.FanoutRow> rows = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start("fanout-publisher", childArguments(FANOUT_PUBLISHER_ROLE,
            "topic=" + topic + ",size=" + FANOUT_BYTES + ",rate=" + FANOUT_HZ))) {
            child.await("ready", deadline(CHILD_READY));
            int point = 0;
            for (int subscribers : counts) {
                for (Kind kind : rotate(Kind.values(), point++)) {
                    progress("fan-out 8MB x 30 Hz to %d subscribers, %s", subscribers, kind.label);
                    rows.add(fanoutPoint(kind, topic, subscribers));
                }
            }
            try (Publisher<MemorySegment> stop = node.publisher(topic + "/stop", BenchRun.TYPE,
                PublisherOptions.defaults().withInitialSize(16))) {
                stop.publishCopy(new byte[16]);
                published = child.await("done", deadline(CHILD_DONE));
            }
        }
        double rate = Double.parseDouble(published.get("published_per_s"));
        for (ExecutorReport.FanoutRow row : rows) {
            report.fanout.add(row.withPublished(rate));
        }
    }

    /**
     * What one fan-out callback records for the samples published inside the measured window
     * ({@code windowStart ≤ publishNanos < windowEnd}; the executor runs on for a grace period after the window so
     * that the last of them arrive): latency, count, sequence gaps between them, and {@code lostCount()} growth.
     */
    private static final class FanoutHandler {
        final Subscriber<MemorySegment> subscriber;
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        volatile long windowStart = Long.MAX_VALUE;
        volatile long windowEnd = Long.MAX_VALUE;
        long delivered;
        long gaps;
        long expected = -1;
        long lostAtFirst = -1;
        long lostAtLast;
        long checksum;

        FanoutHandler(Subscriber<MemorySegment> subscriber) {
            this.subscriber = subscriber;
        }

        void onSample(Sample<MemorySegment> sample) {
            long now = System.nanoTime();
            MemorySegment data = sample.segment();
            long sequence = sample.sequence();
            long sum = 0;
            for (long offset = 0; offset + Long.BYTES <= data.byteSize(); offset += FANOUT_STRIDE) {
                sum += data.get(LONG, offset);
            }
            checksum += sum;
            long lost = subscriber.lostCount();
            long published = sample.publishNanos();
            if (published - windowStart >= 0 && published - windowEnd < 0) {
                latency.recordValue(Math.max(0, Math.min(now - sample.publishNanos(),
                    latency.getHighestTrackableValue())));
                delivered++;
                if (expected >= 0 && sequence > expected) {
                    gaps += sequence - expected;
                }
                if (lostAtFirst < 0) {
                    lostAtFirst = lost;
                }
                lostAtLast = lost;
            }
            expected = sequence + 1;
        }
    }

    private ExecutorReport.FanoutRow fanoutPoint(Kind kind, String topic, int count) {
        List<FanoutHandler> handlers = new ArrayList<>();
        Executor executor = kind.create();
        try {
            for (int i = 0; i < count; i++) {
                FanoutHandler handler = new FanoutHandler(node.subscriber(topic, BenchRun.TYPE,
                    Qos.queue(FANOUT_DEPTH)));
                handlers.add(handler);
                executor.subscription(handler.subscriber, handler::onSample);
            }
            executor.start();
            sleep(options.warmup());
            long start = System.nanoTime();
            long window = options.duration().multipliedBy(FANOUT_DURATION_FACTOR).toNanos();
            handlers.forEach(handler -> {
                handler.windowEnd = start + window;
                handler.windowStart = start;
            });
            Measured measured = measure(Duration.ofNanos(window)); // starts microseconds after the handlers' window
            CpuWindow cpu = measured.cpu();
            double machineBusy = measured.machineBusy();
            sleep(FANOUT_GRACE);
            closeExecutor(executor, kind.label + " fan-out " + count);
            // the executor's threads have ended: their writes to the handlers happen-before these reads
            Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long delivered = 0;
            long lost = 0;
            double minRate = Double.MAX_VALUE;
            for (FanoutHandler handler : handlers) {
                merged.add(handler.latency);
                delivered += handler.delivered;
                long counted = handler.lostAtFirst < 0 ? 0 : handler.lostAtLast - handler.lostAtFirst;
                lost += Math.max(handler.gaps, counted);
                minRate = Math.min(minRate, handler.delivered * 1e9 / window);
            }
            return new ExecutorReport.FanoutRow(count, kind.label, FANOUT_HZ, Double.NaN,
                delivered * 1e9 / window / count, minRate, delivered, lost, merged.getValueAtPercentile(50),
                merged.getValueAtPercentile(99), merged.getMaxValue(), merged.getTotalCount(), cpu.percentOfCore(),
                machineBusy, errors(executor));
        } finally {
            closeExecutor(executor, kind.label);
            handlers.forEach(handler -> handler.subscriber.close());
        }
    }

    /** The child's side of the fan-out: one 8 MB message at 30 Hz, filled whole, until stopped. */
    static void fanoutPublisher(BenchOptions options) {
        Map<String, String> spec = spec(options.childSpec());
        String topic = spec.get("topic");
        long size = Long.parseLong(spec.get("size"));
        long rate = Long.parseLong(spec.get("rate"));
        ParentWatch parent = new ParentWatch();
        try (Sluice sluice = BenchRun.openChild(options)) {
            Publisher<MemorySegment> publisher = sluice.publisher(topic, BenchRun.TYPE, PublisherOptions.defaults()
                .withSlots(FANOUT_SLOTS).withInitialSize(size));
            Subscriber<MemorySegment> stop = sluice.subscriber(topic + "/stop", BenchRun.TYPE, Qos.latest());
            ChildJvm.report("ready", 1);
            PublishSchedule schedule = new PublishSchedule(1, rate);
            schedule.run((index, sequence, due) -> {
                try (Loan<MemorySegment> loan = publisher.loan(size)) {
                    MemorySegment data = loan.segment();
                    data.fill((byte) sequence);
                    data.set(LONG, 0, sequence);
                    data.set(LONG, 8, due);
                    loan.publish();
                }
            }, () -> stopped(stop, parent));
            reportSchedule(schedule);
        }
    }

    // ----------------------------------------------------------------------------------------- 3. throughput

    private void throughput() {
        for (boolean busySpin : new boolean[] {false, true}) {
            String idle = busySpin ? "busy-spin" : "blocking";
            double[] eventLoop = new double[REPEATS];
            double[] disruptor = new double[REPEATS];
            long[] eventLoopFull = new long[REPEATS];
            long[] disruptorFull = new long[REPEATS];
            double[] eventLoopMachine = new double[REPEATS];
            double[] disruptorMachine = new double[REPEATS];
            for (int repeat = 0; repeat < REPEATS; repeat++) {
                double[] figures = new double[2];
                for (int side = 0; side < 2; side++) {
                    boolean ours = (side == 0) == (repeat % 2 == 0); // alternate which side goes first
                    progress("throughput 3->1 %s, run %d: %s", idle, repeat + 1, ours ? "event-loop" : "disruptor");
                    long[] full = new long[1];
                    double rate = ours ? throughputEventLoop(busySpin, full, figures)
                        : throughputDisruptor(busySpin, full, figures);
                    (ours ? eventLoop : disruptor)[repeat] = rate;
                    (ours ? eventLoopFull : disruptorFull)[repeat] = full[0];
                    (ours ? eventLoopMachine : disruptorMachine)[repeat] = figures[0];
                }
            }
            report.throughput.add(new ExecutorReport.ThroughputRow(idle, "event-loop",
                busySpin ? "inbox, WaitStrategy.spin()" : "inbox, blocking idle (default)", eventLoop,
                eventLoopFull, eventLoopMachine));
            report.throughput.add(new ExecutorReport.ThroughputRow(idle, "disruptor",
                busySpin ? "RingBuffer MULTI, BusySpinWaitStrategy" : "RingBuffer MULTI, BlockingWaitStrategy",
                disruptor, disruptorFull, disruptorMachine));
        }
    }

    /** Three producers offering preallocated cells to one inbox; returns events handled per second. */
    private double throughputEventLoop(boolean busySpin, long[] fullOut, double[] machineOut) {
        ExecutorOptions executorOptions = ExecutorOptions.defaults().withName("bench-event-loop");
        Executor executor = Executor.eventLoop(busySpin
            ? executorOptions.withWaitStrategy(io.sluice.WaitStrategy.spin()) : executorOptions);
        ExecutorWork.CellTally tally = new ExecutorWork.CellTally();
        Inbox<ExecutorWork.Cell> inbox = executor.inbox("throughput", CAPACITY, tally::handle);
        Thread consumer = Thread.ofPlatform().name("bench-event-loop").daemon().start(executor::run);
        Producers producers = new Producers();
        for (int p = 0; p < PRODUCERS; p++) {
            ExecutorWork.Pool<ExecutorWork.Cell> pool = ExecutorWork.Pool.cells(CAPACITY);
            producers.start(index -> {
                long value = 0;
                long full = 0;
                while (producers.running) {
                    ExecutorWork.Cell cell = pool.current();
                    cell.value = value;
                    while (!inbox.offer(cell)) {
                        full++;
                        if (!producers.running) {
                            return full;
                        }
                        Thread.onSpinWait();
                    }
                    pool.advance();
                    value++;
                }
                return full;
            });
        }
        try {
            return measureRate(tally, machineOut);
        } finally {
            fullOut[0] = producers.stop();
            closeExecutor(executor, "event-loop throughput");
            join(consumer);
        }
    }

    /** Three producers claiming slots of a multi-producer ring; returns events handled per second. */
    private double throughputDisruptor(boolean busySpin, long[] fullOut, double[] machineOut) {
        WaitStrategy wait = busySpin ? new BusySpinWaitStrategy() : new BlockingWaitStrategy();
        Disruptor<ExecutorWork.Cell> disruptor = new Disruptor<>(ExecutorWork.Cell::new, CAPACITY,
            runnable -> Thread.ofPlatform().name("bench-disruptor").daemon().unstarted(runnable),
            ProducerType.MULTI, wait);
        ExecutorWork.CellTally tally = new ExecutorWork.CellTally();
        disruptor.handleEventsWith((cell, sequence, endOfBatch) -> tally.handle(cell));
        RingBuffer<ExecutorWork.Cell> ring = disruptor.start();
        Producers producers = new Producers();
        for (int p = 0; p < PRODUCERS; p++) {
            producers.start(index -> {
                long value = 0;
                long full = 0;
                while (producers.running) {
                    long slot;
                    try {
                        slot = ring.tryNext();
                    } catch (InsufficientCapacityException e) {
                        full++;
                        Thread.onSpinWait();
                        continue;
                    }
                    ring.get(slot).value = value++;
                    ring.publish(slot);
                }
                return full;
            });
        }
        try {
            return measureRate(tally, machineOut);
        } finally {
            fullOut[0] = producers.stop();
            disruptor.halt();
        }
    }

    /** This process's CPU over a window, and the whole machine's busy CPU (% of one core) over the same window. */
    private record Measured(CpuWindow cpu, double machineBusy) {
    }

    /** Sleeps for {@code duration} while measuring this process's CPU and the machine's. */
    private static Measured measure(Duration duration) {
        CpuWindow cpu = new CpuWindow();
        SystemCpu machineBefore = SystemCpu.now();
        cpu.start();
        sleep(duration);
        cpu.stop();
        return new Measured(cpu, SystemCpu.now().busyPercentSince(machineBefore, cpu.wallNanos()));
    }

    /** Events handled per second over the window; {@code machineOut[0]}: the machine's busy CPU over it. */
    private double measureRate(ExecutorWork.CellTally tally, double[] machineOut) {
        sleep(options.warmup());
        long before = tally.handled();
        SystemCpu machineBefore = SystemCpu.now();
        long start = System.nanoTime();
        sleep(options.duration());
        long handled = tally.handled() - before;
        long window = System.nanoTime() - start;
        machineOut[0] = SystemCpu.now().busyPercentSince(machineBefore, window);
        return handled * 1e9 / window;
    }

    /** The producer threads of one throughput run; each returns how often it found the queue full. */
    private static final class Producers {
        volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();
        private final long[] full = new long[PRODUCERS];

        interface Body {
            long run(int index);
        }

        void start(Body body) {
            int index = threads.size();
            threads.add(Thread.ofPlatform().name("bench-producer-" + index).daemon()
                .start(() -> full[index] = body.run(index)));
        }

        /** Stops the producers; returns the full queues they met in total. */
        long stop() {
            running = false;
            threads.forEach(ExecutorRun::join);
            return Arrays.stream(full).sum();
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    private List<String> childArguments(String role, String spec) {
        return List.of("executor", "--domain", Integer.toString(run.domain), BenchOptions.ROLE_OPTION, role,
            BenchOptions.CHILD_SPEC_OPTION, spec);
    }

    /** {@code key=value,key=value} of a child's spec. */
    static Map<String, String> spec(String text) {
        Map<String, String> values = new HashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("bad child spec: spec=" + text);
            }
            values.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return values;
    }

    /** In a child: whether the coordinator said stop (or went away). */
    private static boolean stopped(Subscriber<MemorySegment> stop, ParentWatch parent) {
        parent.check();
        Sample<MemorySegment> sample = stop.take();
        if (sample == null) {
            return false;
        }
        sample.close();
        return true;
    }

    private static void reportSchedule(PublishSchedule schedule) {
        ChildJvm.report("published", schedule.published());
        ChildJvm.report("published_per_s", schedule.publishedPerSecond());
        ChildJvm.report("skipped", schedule.skipped());
        ChildJvm.report("max_late_ns", schedule.maxLateNanos());
        ChildJvm.report("done", 1);
    }

    private void closeExecutor(Executor executor, String what) {
        try {
            executor.close(Shutdown.DISCARD, CLOSE_TIMEOUT);
        } catch (IllegalStateException e) {
            report.notes.add("executor did not stop: " + what + ": " + e.getMessage());
        }
    }

    private static long errors(Executor executor) {
        return executor.errorCount();
    }

    private static long handled(ExecutorWork.Tally[] tallies) {
        long sum = 0;
        for (ExecutorWork.Tally tally : tallies) {
            sum += tally.handled();
        }
        return sum;
    }

    private static long gaps(ExecutorWork.Tally[] tallies) {
        long sum = 0;
        for (ExecutorWork.Tally tally : tallies) {
            sum += tally.gaps();
        }
        return sum;
    }

    private static long threadCpu(Thread thread) {
        return thread == null ? -1 : THREADS.getThreadCpuTime(thread.threadId());
    }

    private static <T> T[] rotate(T[] values, int by) {
        T[] rotated = values.clone();
        for (int i = 0; i < values.length; i++) {
            rotated[i] = values[(i + by) % values.length];
        }
        return rotated;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        }
    }

    private static void join(Thread thread) {
        try {
            if (!thread.join(Duration.ofSeconds(15))) {
                throw new IllegalStateException("thread did not end: " + thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + thread.getName(), e);
        }
    }

    private static String disruptorVersion() {
        String version = RingBuffer.class.getPackage().getImplementationVersion();
        return version != null ? version : "4.0.0";
    }
}
