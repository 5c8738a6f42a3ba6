package io.sluice;

/**
 * What a subscriber receives, chosen per subscriber. Immutable.
 *
 * <ul>
 *   <li>{@link #latest()}: the sensor multiplexer. {@link Subscriber#take()} hands over the newest sample not yet
 *       seen, skipping older ones; the subscriber never slows the publisher and never sees a torn sample. Skipped
 *       samples are by design, not losses.</li>
 *   <li>{@link #queue(int)}: every sample in order while the subscriber keeps up; when it falls more than
 *       {@code depth} behind, or the publisher has reused the slot of a sample it had not yet taken, the oldest are
 *       skipped and {@link Subscriber#lostCount()} counts them.</li>
 *   <li>{@link #reliable(int)}: every sample in order; the publisher waits, up to its timeout, rather than let
 *       this subscriber fall more than {@code depth} behind.</li>
 * </ul>
 * A queue or reliable subscriber that joins a running topic starts with the samples the publisher keeps as history
 * ({@link PublisherOptions#withHistory(int)}), then everything published after it joined.
 *
 * @param kind          the delivery kind
 * @param depth         how far behind the subscriber may fall (1 for {@link Kind#LATEST})
 * @param waitStrategy  how {@link Subscriber#take(java.time.Duration)} waits; null means the {@link Sluice}'s default
 */
public record Qos(Kind kind, int depth, WaitStrategy waitStrategy) {
    /** The largest depth a subscriber may ask for. */
    public static final int MAX_DEPTH = 1 << 20;

    public enum Kind { LATEST, QUEUE, RELIABLE }

    public Qos {
        if (kind == null) {
            throw new IllegalArgumentException("kind == null");
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth out of range [1, " + MAX_DEPTH + "]: depth=" + depth);
        }
    }

    public static Qos latest() {
        return new Qos(Kind.LATEST, 1, null);
    }

    public static Qos queue(int depth) {
        return new Qos(Kind.QUEUE, depth, null);
    }

    public static Qos reliable(int depth) {
        return new Qos(Kind.RELIABLE, depth, null);
    }

    /** This QoS waiting with {@code strategy} instead of the {@link Sluice}'s default. */
    public Qos withWaitStrategy(WaitStrategy strategy) {
        return new Qos(kind, depth, strategy);
    }
}
