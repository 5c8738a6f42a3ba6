package io.sluice;

import java.lang.foreign.MemorySegment;

/**
 * A received message, read in place in shared memory: valid, and never overwritten, until closed. The object is
 * reused after close, so keep no reference to it or its segment past {@link #close()}.
 *
 * @param <T> the message view
 */
public interface Sample<T> extends AutoCloseable {
    /**
     * The message view, read-only. A CDR flyweight is one object per slot, re-pointed at each message by its length:
     * taking messages whose length changes from one sample to the next allocates nothing.
     */
    T message();

    /**
     * The message bytes, read-only, exactly its length.
     *
     * <p>The segment is made at the first call, not at the take: a {@code MemorySegment} has one size, so a message
     * of a new length needs a new one (some 40 bytes; the last four lengths of each slot are kept, so a stream that
     * alternates among a few lengths allocates nothing once warm). A take that reads only through {@link #message()}
     * never makes one.
     *
     * <p>After {@link #close()}, {@code message()} and {@code segment()} throw {@link IllegalStateException}; a
     * segment (or a view) obtained before stays mapped, because revoking it would cost an allocation per take. Do not
     * keep it: once the sample is closed its slot is no longer pinned, and the publisher may write the next message
     * into it while you read. It fails with {@link IllegalStateException} only once the subscriber has closed or
     * moved past the sample's generation.
     */
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
