package io.sluice;

import java.lang.foreign.MemorySegment;

/**
 * Publishes messages of one topic into shared memory. Several publishers may share a topic; each has its own
 * slots. A publisher is used by one thread at a time.
 *
 * <p>The zero-copy idiom: loan a slot, write the message in place, publish it.
 * {@snippet :
 * try (Loan<MemorySegment> loan = publisher.loan(frameBytes)) {
 *     camera.grabInto(loan.segment());   // writes straight into shared memory
 *     loan.publish();
 * }                                      // closing an unpublished loan gives the slot back
 * }
 * Everything written to the loan before {@link Loan#publish()} happens-before a subscriber's read of the sample.
 *
 * @param <T> the message view
 */
public interface Publisher<T> extends AutoCloseable {
    /** The topic name. */
    String topic();

    /**
     * Loans a slot for a message of {@code size} bytes. A size above the current slots grows them for this
     * publisher and all its subscribers. Waits only for {@link Qos#reliable(int) reliable} subscribers, at most the
     * publisher's {@link PublisherOptions#reliableTimeout() timeout}.
     *
     * @throws IllegalArgumentException when {@code size} is negative or above the maximum message size
     * @throws PublishTimeoutException  when a reliable subscriber did not make room in time
     * @throws SluiceException          when no slot is free because subscribers hold them all
     */
    Loan<T> loan(long size);

    /** Loans a slot sized and initialised by {@code shape}. */
    Loan<T> loan(MessageShape<T> shape);

    /** Copies {@code message} into a slot and publishes it: the one-call way for small messages. */
    default void publishCopy(MemorySegment message) {
        try (Loan<T> loan = loan(message.byteSize())) {
            MemorySegment.copy(message, 0, loan.segment(), 0, message.byteSize());
            loan.publish();
        }
    }

    /** {@link #publishCopy(MemorySegment)} of a byte array. */
    default void publishCopy(byte[] message) {
        publishCopy(MemorySegment.ofArray(message));
    }

    /** Subscribers currently attached to the topic (live ones). */
    int subscriberCount();

    /** Samples published so far. */
    long publishedCount();

    /** Withdraws the publisher: its files are removed; samples held by subscribers stay valid until they close them. */
    @Override
    void close();
}
