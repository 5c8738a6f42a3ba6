package io.sluice;

import java.time.Duration;

/**
 * Receives the messages of one topic from every publisher of it, reading them in place in shared memory.
 * A subscriber is used by one thread at a time; its samples may be closed from any thread.
 *
 * {@snippet :
 * try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(100))) {
 *     if (sample != null) {
 *         use(sample.message());
 *     }
 * }
 * }
 * A publisher's writes to a sample happen-before the subscriber's reads of it. A sample stays valid, and is never
 * overwritten, until it is closed; a subscriber may hold up to {@link #MAX_HELD} samples at once.
 *
 * @param <T> the message view
 */
public interface Subscriber<T> extends AutoCloseable {
    /** How many samples one subscriber may hold open at once. */
    int MAX_HELD = 16;

    /** The topic name. */
    String topic();

    /** This subscriber's QoS. */
    Qos qos();

    /** The next sample as the QoS defines it, or null when there is none now. Never blocks. */
    Sample<T> take();

    /** The next sample, waiting up to {@code timeout} for one; null when none came. */
    Sample<T> take(Duration timeout);

    /**
     * The newest sample available now, seen before or not, or null when nothing has been published. Never blocks
     * and does not move a queue or reliable subscriber's position.
     */
    Sample<T> latest();

    /**
     * Samples skipped because this subscriber fell behind, a slot was reused before it took it, a publisher left
     * or died with samples this subscriber could no longer reach, or a sample could not be read
     * ({@link #malformedCount()}). Queue and reliable subscribers only: a latest subscriber skips by design.
     */
    long lostCount();

    /**
     * Samples that could not be read — their type rejected the bytes ({@link io.sluice.msg.MalformedMessageException})
     * or their header was damaged — and were skipped. The take that met one threw its exception; the sample was
     * released and is never offered again. A queue or reliable subscriber counts them in {@link #lostCount()} too.
     */
    default long malformedCount() {
        return 0;
    }

    /** Live publishers of the topic, probed now; publishers that died are cleaned up by this call. */
    int publisherCount();

    /** Detaches: held samples are released; closing them afterwards is harmless. */
    @Override
    void close();
}
