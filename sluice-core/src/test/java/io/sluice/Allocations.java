package io.sluice;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Invariant 6, "after warm-up, publish and take allocate nothing on the Java heap", measured one way for the whole
 * suite: the bytes the calling thread allocates while it runs an operation a number of times.
 *
 * <p>The operation runs {@code warmUp} times, then a window of {@code operations} runs is measured; the operation
 * passes as soon as one window allocates nothing at all. A window that allocated something is followed by another
 * warm-up and another window, up to {@link #WINDOWS} in all, because on a busy machine the JIT may not yet have
 * compiled (and escape-analysed) the path after the first warm-up: the allocation an interpreted or C1-compiled
 * path makes is not the one the invariant is about. An allocation on every operation, or on every
 * few, shows in every window and fails; a one-off (a lazily grown array) or a rare periodic one (a liveness probe)
 * misses some window and passes. Nothing is timed.
 *
 * {@snippet :
 * Allocations.assertNoneOnceWarm("a loan, publish, take and close", 20_000, 1_000, () -> {
 *     try (Loan<MemorySegment> loan = publisher.loan(8)) { loan.publish(); }
 *     try (Sample<MemorySegment> sample = subscriber.take()) { sink += sample.sequence(); }
 * });
 * }
 * The operation itself must not allocate for the test's own sake: no string concatenation of a message that is
 * only needed on failure, no capturing lambda created per call, no boxing.
 */
public final class Allocations {
    /** Windows measured at most, each after a warm-up of its own. */
    public static final int WINDOWS = 20;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /**
     * Fails unless, after {@code warmUp} runs of {@code operation}, some window of {@code operations} runs allocates
     * no byte on the calling thread (see the class comment); {@code what} names the operation in the failure.
     */
    public static void assertNoneOnceWarm(String what, int warmUp, int operations, Runnable operation) {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new AssertionError("this JVM cannot count a thread's allocated bytes");
        }
        List<Long> windows = new ArrayList<>(WINDOWS);
        for (int window = 0; window < WINDOWS; window++) {
            for (int i = 0; i < warmUp; i++) {
                operation.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < operations; i++) {
                operation.run();
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated == 0) {
                System.out.println(what + ": no byte allocated in window " + (window + 1) + " of " + operations
                    + " operations" + (windows.isEmpty() ? "" : " (earlier windows: " + windows + " bytes)"));
                return;
            }
            windows.add(allocated);
        }
        throw new AssertionError(what + " allocates once warm: every window of " + operations + " operations "
            + "allocated bytes (" + windows + ", each window after " + warmUp + " more runs of warm-up)");
    }
}
