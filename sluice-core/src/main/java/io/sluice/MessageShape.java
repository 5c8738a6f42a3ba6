package io.sluice;

import java.lang.foreign.MemorySegment;

/**
 * The size and initial layout of a message about to be written, for {@link Publisher#loan(MessageShape)}: a typed
 * message computes its byte size from its shape (an image's width, height and encoding) and writes the fixed parts
 * of its layout (lengths, offsets) so that its fields can be set in place.
 *
 * @param <T> the message type the shape belongs to
 */
public interface MessageShape<T> {
    /** Bytes the message needs, at least 0. */
    long byteSize();

    /** Prepares a freshly loaned slot of exactly {@link #byteSize()} bytes; its previous contents are arbitrary. */
    void initialize(MemorySegment message);
}
