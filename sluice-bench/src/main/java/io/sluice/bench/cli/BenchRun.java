package io.sluice.bench.cli;

import io.sluice.MessageType;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The coordinator's side of one run: its own Sluice domain, the child JVMs it started, and cleaning both up.
 *
 * <p>The domain is {@code --domain} or {@code 50000 + pid % 10000}. Its directory
 * ({@code /dev/shm/sluice-<uid>-<domain>}) is deleted when the run ends, normally or by Ctrl-C, if the run created
 * it; a directory that existed before is left to its other users.
 */
public final class BenchRun implements AutoCloseable {
    /** The message type of every benchmark topic. */
    static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_bench/msg/Payload");
    /** How long children get to start and create their endpoints. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** How long children get to report once the publisher has sent its last message. */
    static final Duration DONE_TIMEOUT = Duration.ofSeconds(60);

    final BenchOptions options;
    final int domain;
    final Path directory;
    private final boolean directoryExisted;
    private final List<ChildJvm> children = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    BenchRun(BenchOptions options) {
        this.options = options;
        this.domain = options.domain() >= 0 ? options.domain()
            : 50000 + (int) (ProcessHandle.current().pid() % 10000);
        this.directory = Path.of("/dev/shm").resolve("sluice-" + uid() + "-" + domain);
        this.directoryExisted = Files.exists(directory);
        this.shutdownHook = Thread.ofPlatform().unstarted(this::cleanUp);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the process's uid: " + e.getMessage(), e);
        }
    }

    /** The Sluice options every process of the run uses. */
    static SluiceOptions sluiceOptions(BenchOptions options, int domain) {
        return SluiceOptions.defaults().withDomain(domain).withWaitStrategy(options.waitStrategy());
    }

    SluiceOptions sluiceOptions() {
        return sluiceOptions(options, domain);
    }

    /** In a child process: its participant, {@code bench-subscriber-<index>}, in the run's domain. */
    static Sluice openChild(BenchOptions options) {
        return Sluice.open("bench-subscriber-" + options.childIndex(), sluiceOptions(options, options.domain()));
    }

    /** Starts one child per subscriber in {@code role} and waits until each has its endpoints. */
    List<ChildJvm> startSubscribers(String role) {
        for (int index = 0; index < options.subscribers(); index++) {
            children.add(ChildJvm.start("subscriber-" + index, options.childArguments(role, index, domain)));
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (ChildJvm child : children) {
            child.await("ready", deadline);
        }
        return List.copyOf(children);
    }

    /**
     * Waits for every child's results ({@link #DONE_TIMEOUT} for all), adds each subscriber's figures to
     * {@code report} and returns the results, in subscriber order.
     */
    List<Map<String, String>> collectResults(BenchReport report) {
        long deadline = System.nanoTime() + DONE_TIMEOUT.toNanos();
        List<Map<String, String>> results = new ArrayList<>();
        for (ChildJvm child : children) {
            Map<String, String> values = child.await("done", deadline);
            values.put("pid", Long.toString(child.pid()));
            report.subscribers.add(BenchReport.SubscriberFigures.from(values, results.size()));
            results.add(values);
        }
        return results;
    }

    /** Sends one message of the publisher's traffic; in the latency run, one round trip. */
    @FunctionalInterface
    interface Send {
        void send(long iteration, int phase);
    }

    /**
     * The publisher's side of a latency or throughput run: the warm-up, the measurement inside a CPU window, then
     * {@code stop} with the iteration of the stop message. Records in {@code report} how many messages were measured
     * and the publisher's and the machine's CPU over the window.
     *
     * @param clockInterval with a duration, how many messages are sent between two looks at the clock
     */
    void warmUpAndMeasure(BenchReport report, Send send, int clockInterval, LongConsumer stop) {
        long now = System.nanoTime();
        long warmupEnd = options.warmupCount() >= 0 ? now : now + options.warmup().toNanos();
        long measuredFrom = phase(send, clockInterval, 0, BenchMessage.WARMUP, Math.max(0, options.warmupCount()),
            warmupEnd);
        CpuWindow cpu = new CpuWindow();
        SystemCpu machineBefore = SystemCpu.now();
        cpu.start();
        long measureEnd = System.nanoTime() + options.duration().toNanos();
        long measuredEnd = phase(send, clockInterval, measuredFrom, BenchMessage.MEASURE, options.count(),
            measureEnd);
        cpu.stop();
        stop.accept(measuredEnd);
        report.sent = measuredEnd - measuredFrom;
        report.measurePublisher(cpu, machineBefore);
    }

    /**
     * Sends one phase: {@code count} messages when positive, else bursts of {@code clockInterval} messages until
     * {@code endNanos} ({@link System#nanoTime()} terms; none when it has passed). The same method runs the warm-up
     * and the measurement, so the measurement runs the code the warm-up compiled. Returns the next iteration.
     */
    private static long phase(Send send, int clockInterval, long first, int phase, long count, long endNanos) {
        long iteration = first;
        if (count > 0) {
            for (long end = first + count; iteration < end; iteration++) {
                send.send(iteration, phase);
            }
            return iteration;
        }
        while (System.nanoTime() - endNanos < 0) {
            for (int burst = 0; burst < clockInterval; burst++) {
                send.send(iteration++, phase);
            }
        }
        return iteration;
    }

    /** Throws when a child has ended, so the coordinator does not wait for it. */
    void checkChildrenAlive() {
        for (ChildJvm child : children) {
            if (!child.isAlive()) {
                child.await("done", System.nanoTime()); // throws with the child's error or exit code
            }
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs cleanUp, which is idempotent
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (ChildJvm child : children) {
            if (!child.waitForExit(10_000)) {
                child.close();
            }
        }
        if (!directoryExisted) {
            deleteTree(directory);
        }
    }

    /** Deletes {@code root} and everything below it, as far as possible (what is left is said on stderr). */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("sluice bench: cannot delete a directory of the run: directory=" + root + ": "
                + e.getMessage());
        }
    }
}
