package io.sluice.bench.peers;

import java.lang.foreign.MemorySegment;

/**
 * What {@link PeerHarness} needs of a transport that runs in Java: one-way streams of messages, claimed by the
 * sender and released by the receiver, so a zero-copy transport shows its zero copies and a copying one shows its
 * copies. The harness owns the workloads (timing, header, touch, counting); a transport only moves messages.
 *
 * <p>Streams: {@link Stream#PING} and {@link Stream#PONG} between the two processes of a latency run;
 * {@link Stream#DATA} from the source to every sink; {@link Stream#HELLO} from sink {@code i} to the source (small
 * messages that tell the source a sink receives, so no measured message is lost to a late join). Hellos are best
 * effort: a sink repeats them, and a sender must never wait for one (a lagging sink may say hello after the source
 * has gone) — a hello that cannot go out at once is dropped.
 */
interface JavaTransport extends AutoCloseable {
    /** The streams of a measurement. */
    enum Stream { PING, PONG, DATA, HELLO }

    /** The size of a hello message. */
    int HELLO_SIZE = 64;

    /**
     * The sending end of {@code stream}; {@code index} is the sink's index for {@link Stream#HELLO}, 0 otherwise.
     *
     * @throws UnsupportedOperationException with a one-line reason when the transport cannot carry the
     *                                       measurement's message size
     */
    Sender sender(Stream stream, int index);

    /** The receiving end of {@code stream}; {@code index} is the sink's index for DATA and HELLO. */
    Receiver receiver(Stream stream, int index);

    @Override
    void close();

    /** Sends messages: {@link #claim} a buffer, write it, {@link #send}. One claim at a time. */
    interface Sender {
        /** A buffer of at least {@code size} bytes for the next message; valid until {@link #send}. */
        MemorySegment claim(long size);

        /** Hands the claimed message to the transport; waits where the transport applies back pressure. */
        void send();
    }

    /** Receives messages: {@link #receive}, read, {@link #release}. One message at a time. */
    interface Receiver {
        /**
         * The next message, or null when none arrived within {@code timeoutNanos} (0: do not wait). The segment
         * stays valid until {@link #release}.
         */
        MemorySegment receive(long timeoutNanos);

        /** Gives the message last received back to the transport. */
        void release();
    }
}
