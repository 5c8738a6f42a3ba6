package io.sluice;

import java.lang.foreign.MemorySegment;

/**
 * A received message, read in place in shared memory: valid, and never overwritten, until closed. The object is
 * reused after close, so keep no reference to it or its segment past {@link #close()}.
 *
 * @param <T> the message view
 */
public interface Sample<T> extends AutoCloseable {
    /** The message view, read-only. */
    T message();

    /** The message bytes, read-only. */
    MemorySegment segment();

    /** The sequence number the publisher gave the sample: 0, 1, 2… per publisher. */
    long sequence();

    /** When it was published, in {@link System#nanoTime()} terms (CLOCK_MONOTONIC, comparable across processes). */
    long publishNanos();

    /** Which of the topic's publishers sent it (a small index, reused after a publisher leaves). */
    int publisherIndex();

    /** Releases the sample to the publisher. Idempotent. */
    @Override
    void close();
}
