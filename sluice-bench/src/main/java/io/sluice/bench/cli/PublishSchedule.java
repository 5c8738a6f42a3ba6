package io.sluice.bench.cli;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One thread publishing for {@code publishers} sources at {@code rateHz} each, drift-free: message {@code j} of
 * the whole schedule is due at {@code start + j / (publishers × rateHz)} seconds and goes to source
 * {@code j % publishers}, so the sources take turns at evenly spaced deadlines and the schedule never drifts,
 * whatever each send costs.
 *
 * <p>Waiting: the thread parks until the next deadline and never spins, so that on a small machine the publisher
 * takes as little CPU from the measured process as it can. A park ends up to the kernel's timer slack (about
 * 50–60 µs) late; every message whose deadline has passed then goes out at once, so at aggregate rates above
 * roughly 20 kHz messages leave in small bursts. A schedule that falls more than {@link #MAX_BEHIND_NANOS}
 * behind (the machine cannot keep up) skips the deadlines it missed and counts them, rather than catch up in one
 * long burst; {@link #published()} over {@link #elapsedNanos()} is then the rate achieved.
 */
final class PublishSchedule {
    /** How far behind its deadlines the schedule may fall before it skips them. */
    static final long MAX_BEHIND_NANOS = 100_000_000L;
    /** How often the stop condition is looked at. */
    private static final long CHECK_NANOS = 10_000_000L;

    /** Sends one message of the schedule. */
    @FunctionalInterface
    interface Send {
        /**
         * @param publisher which source, {@code 0 ≤ publisher < publishers}
         * @param sequence  the source's own count, 0, 1, 2…
         * @param dueNanos  the deadline of the message
         */
        void send(int publisher, long sequence, long dueNanos);
    }

    private final int publishers;
    private final long aggregateHz;
    private long published;
    private long skipped;
    private long maxLateNanos;
    private long elapsedNanos;

    PublishSchedule(int publishers, long rateHz) {
        if (publishers < 1 || rateHz < 1) {
            throw new IllegalArgumentException("publishers < 1 || rateHz < 1: publishers=" + publishers
                + ", rateHz=" + rateHz);
        }
        this.publishers = publishers;
        this.aggregateHz = publishers * rateHz;
    }

    /** Runs the schedule on the calling thread until {@code stop} says so (looked at every 10 ms). */
    void run(Send send, BooleanSupplier stop) {
        long start = System.nanoTime();
        long next = 0;
        long lastCheck = start;
        while (true) {
            long now = System.nanoTime();
            if (now - lastCheck >= CHECK_NANOS) {
                lastCheck = now;
                if (stop.getAsBoolean()) {
                    break;
                }
            }
            long due = start + dueOffset(next);
            long late = now - due;
            if (late < 0) {
                LockSupport.parkNanos(-late);
                continue;
            }
            if (late > MAX_BEHIND_NANOS) {
                long caughtUp = firstDueAfter(now - start);
                skipped += caughtUp - next;
                next = caughtUp;
                continue;
            }
            maxLateNanos = Math.max(maxLateNanos, late);
            send.send((int) (next % publishers), next / publishers, due);
            next++;
            published++;
        }
        elapsedNanos = System.nanoTime() - start;
    }

    /** When message {@code index} is due, after the start. */
    private long dueOffset(long index) {
        return index < 9_000_000_000L // index × 10^9 stays below 2^63: exact
            ? index * 1_000_000_000L / aggregateHz
            : (long) (index * 1e9 / aggregateHz);
    }

    /** The first message whose deadline is at or after {@code offsetNanos} from the start. */
    private long firstDueAfter(long offsetNanos) {
        long index = (long) Math.ceil(offsetNanos * (double) aggregateHz / 1e9);
        while (index > 0 && dueOffset(index - 1) >= offsetNanos) {
            index--;
        }
        while (dueOffset(index) < offsetNanos) {
            index++;
        }
        return index;
    }

    long published() {
        return published;
    }

    /** Deadlines skipped because the schedule fell more than {@link #MAX_BEHIND_NANOS} behind. */
    long skipped() {
        return skipped;
    }

    /** The latest a message went out after its deadline. */
    long maxLateNanos() {
        return maxLateNanos;
    }

    long elapsedNanos() {
        return elapsedNanos;
    }

    /** Messages published per second over the whole run. */
    double publishedPerSecond() {
        return elapsedNanos <= 0 ? Double.NaN : published * 1e9 / elapsedNanos;
    }
}
