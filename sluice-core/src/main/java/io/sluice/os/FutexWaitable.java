package io.sluice.os;

import java.lang.foreign.MemorySegment;

/**
 * Something an executor can sleep on together with other things: a 32-bit futex word that changes, and is woken,
 * when new work may be there. Not part of the API (the module does not export this package); implemented by the
 * shared-memory subscriber and by the in-process sources of {@code io.sluice.exec}.
 *
 * <p>The protocol is the subscriber's own blocking wait, split so that one thread can wait on many words at once
 * ({@code futex_waitv}): {@link #armWait()} reads the word and then announces the sleeper (an atomic
 * read-modify-write, a full fence); the caller then looks for work once more and sleeps only when there is none,
 * with the value {@code armWait} returned as the expected value; {@link #disarmWait()} after waking. A producer
 * that publishes after that look sees the announcement and changes and wakes the word (see {@code ShmPublisher}).
 */
public interface FutexWaitable {
    /** The word to sleep on. */
    MemorySegment waitWord();

    /** Reads the word, then announces a sleeper; returns the value read, to sleep with. */
    int armWait();

    /** Withdraws the announcement of {@link #armWait()}. */
    void disarmWait();

    /**
     * Periodic upkeep while idle (the subscriber probes its publishers' liveness); {@code nowNanos} in
     * {@link System#nanoTime()} terms. Called at least every {@link #MAINTENANCE_INTERVAL_NANOS} while the
     * executor sleeps.
     */
    void maintain(long nowNanos);

    /** How long a sleeper may go without calling {@link #maintain}. */
    long MAINTENANCE_INTERVAL_NANOS = 50_000_000L;
}
