package io.sluice;

import java.lang.foreign.MemorySegment;

/**
 * A writable slot in shared memory, loaned by {@link Publisher#loan(long)}. Write the message, then
 * {@link #publish()}; closing a loan that was not published gives the slot back. Used by the publisher's thread.
 *
 * @param <T> the message view
 */
public interface Loan<T> extends AutoCloseable {
    /**
     * The message view over the loaned bytes. A CDR flyweight is one object per slot, re-pointed at each loan by its
     * size without allocating; its checks stop at the loaned size.
     */
    T message();

    /**
     * The slot's bytes, exactly the loaned size, writable until publish or close.
     *
     * <p>The segment is made at the first call (or by {@link Publisher#loan(MessageShape)}, which initializes it): a
     * {@code MemorySegment} has one size, so a loan of a new size needs a new one; the last four sizes of each slot
     * are kept. To publish messages of changing length without allocating, loan one shape with room for the largest
     * (a CDR type's {@code withCapacity}, {@code CompressedImage.sized(format, capacity)}) and set the lengths through
     * {@link #message()}: the publisher sends only the bytes the message takes.
     *
     * <p>After {@link #publish()} or {@link #close()}, {@code message()} and {@code segment()} throw
     * {@link IllegalStateException}; a segment (or a view) obtained before stays mapped, because revoking it would
     * cost an allocation per loan. Do not keep it: a write through it after publishing changes a sample that
     * subscribers may be reading, and after the slot is loaned again, another message. It fails with
     * {@link IllegalStateException} only once the publisher has closed or moved to a larger generation.
     */
    MemorySegment segment();

    /** Publishes the message to every subscriber. At most once; the loan is spent afterwards. */
    void publish();

    /** Gives the slot back if it was not published. */
    @Override
    void close();
}
