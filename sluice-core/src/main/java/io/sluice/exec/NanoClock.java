package io.sluice.exec;

/**
 * A monotonic source of nanoseconds, so that executors and timers can run against a fake clock in tests.
 * Readings are only meaningful relative to other readings of the same clock.
 */
@FunctionalInterface
public interface NanoClock {
    /** @return the current reading in nanoseconds, as {@link System#nanoTime()} defines it */
    long nanoTime();

    /** @return the clock of the JVM, {@link System#nanoTime()} */
    static NanoClock system() {
        return System::nanoTime;
    }
}
