package io.sluice.service;

import io.sluice.MessageShape;

import java.lang.foreign.MemorySegment;

/**
 * The response to the request a {@link ServiceHandler} is handling: loan it once, write it in place, return.
 * The service publishes it, addressed to the calling client, after the handler returns. Valid only during
 * {@link ServiceHandler#handle}, on the handler's thread.
 *
 * @param <Res> the response view
 */
public interface Responder<Res> {
    /**
     * Loans the response sized and initialised by {@code shape} (for a CDR type, e.g.
     * {@code Int64.TYPE.withCapacity(Int64.TYPE.defaultSize())}) and returns its writable view.
     *
     * @throws IllegalStateException when the response was loaned already
     */
    Res loan(MessageShape<Res> shape);

    /**
     * Loans a response of {@code size} bytes with arbitrary contents (the handler writes all of it, for a CDR type
     * the encapsulation header too) and returns its writable view.
     *
     * @throws IllegalStateException when the response was loaned already
     */
    Res loan(long size);

    /** The loaned response's bytes (without Sluice's request header). */
    MemorySegment segment();

    /** The calling client's id, as the request carried it. */
    long clientId();

    /** The request's sequence number within its client: 1, 2, 3… */
    long sequence();
}
