package io.sluice.bench.cli;

import io.sluice.Sample;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * In a child process: notices that the coordinator that started it has gone, so that a child never outlives its
 * run. Checked only while the child has nothing to do.
 */
final class ParentWatch {
    private final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);

    /**
     * @throws IllegalStateException when the coordinator has exited
     */
    void check() {
        if (parent != null && !parent.isAlive()) {
            throw new IllegalStateException("the coordinator exited: parentPid=" + parent.pid());
        }
    }

    /**
     * Takes the next sample of {@code subscriber}, waiting at most {@code poll} at a time and checking the
     * coordinator after each wait that brought nothing.
     *
     * @throws IllegalStateException when the coordinator has exited
     */
    Sample<MemorySegment> take(Subscriber<MemorySegment> subscriber, Duration poll) {
        while (true) {
            Sample<MemorySegment> sample = subscriber.take(poll);
            if (sample != null) {
                return sample;
            }
            check();
        }
    }
}
