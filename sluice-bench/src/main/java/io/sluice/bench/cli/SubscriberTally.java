package io.sluice.bench.cli;

import java.lang.foreign.MemorySegment;

/**
 * What a subscriber child counts while it takes a run's messages, and how it reports that to the coordinator: the
 * measured messages, the gaps in the iterations it saw, the sum of every byte it read with {@code --touch}, and its
 * CPU window from the first measured message to the stop message. The keys are those
 * {@link BenchReport.SubscriberFigures#from} reads.
 *
 * {@snippet :
 * Sample<MemorySegment> sample = parent.take(subscriber, POLL);
 * int phase = tally.read(sample.segment());   // while the sample is open
 * sample.close();
 * tally.count();
 * }
 */
final class SubscriberTally {
    private final boolean touch;
    private final CpuWindow cpu = new CpuWindow();
    private long checksum;
    private long received;
    private long expected;
    private long gaps;
    private long iteration;
    private int phase;

    /** @param touch whether the run reads every byte of every message ({@code --touch}) */
    SubscriberTally(boolean touch) {
        this.touch = touch;
    }

    /**
     * Reads the header of {@code message} and, when the run touches, every byte into the checksum; call while its
     * sample is open. Returns its phase.
     */
    int read(MemorySegment message) {
        iteration = BenchMessage.iteration(message);
        phase = BenchMessage.checkedPhase(message);
        if (touch) {
            checksum += BenchMessage.sumLongs(message);
        }
        return phase;
    }

    /** The iteration of the message last {@link #read}. */
    long iteration() {
        return iteration;
    }

    /**
     * Counts the message last {@link #read}: a gap when its iteration is not the next one expected; a measured
     * message; the CPU window opens at the first measured message and closes at the stop message.
     */
    void count() {
        if (iteration != expected) {
            gaps += Math.max(0, iteration - expected);
        }
        expected = iteration + 1;
        if (phase == BenchMessage.STOP) {
            if (cpu.started()) {
                cpu.stop();
            }
            return;
        }
        received += phase == BenchMessage.MEASURE ? 1 : 0; // no branch that warm-up leaves cold
        if (received == 1 && !cpu.started()) {
            cpu.start();
        }
    }

    /** Reports the figures counted; {@code lostCounted} is what the subscriber's {@code lostCount()} says. */
    void report(long lostCounted) {
        report(received, gaps, lostCounted, cpu, checksum);
    }

    /** Reports a subscriber's figures to the coordinator, one {@code name=value} line each. */
    static void report(long received, long lost, long lostCounted, CpuWindow cpu, long checksum) {
        ChildJvm.report("received", received);
        ChildJvm.report("lost", lost);
        ChildJvm.report("lost_counted", lostCounted);
        ChildJvm.report("window_ns", cpu.wallNanos());
        ChildJvm.report("cpu_ns", cpu.cpuNanos());
        ChildJvm.report("checksum", checksum);
    }
}
