package io.sluice.shm;

/**
 * One publisher incarnation as a subscriber sees it: the generation mapped now, the subscriber's cursor in it, and
 * what the subscriber knows of how the publisher's stream ends. The cursor is published in the subscriber's row
 * ({@link SubscriberRow}) for the publisher's flow control and generation keeping. Used by the subscriber's taking
 * thread only.
 *
 * @param <T> the message view
 */
final class PublisherSource<T> {
    private final SubscriberRow row;
    /** Whether the subscriber takes in order (queue or reliable): it then publishes its cursor. */
    private final boolean inOrder;
    final int index;
    final int incarnation;
    SegmentMapping<T> mapping;
    /**
     * The publisher's newest generation, mapped for {@code latest()} while an in-order subscriber still drains an
     * older one; null when none is mapped.
     */
    SegmentMapping<T> newest;
    long cursor;
    long lastSeen = -1;
    /** The newest sample that could not be read (latest and newest skip it), or -1. */
    long poisoned = -1;
    /** The registry version at which switching to the next generation last failed, or 0. */
    int switchFailedAt;
    /** Its publisher is gone and nothing more of it can be read. */
    boolean finished;
    /** The mapping and its TAIL at the last liveness probe (see {@link #publishedSinceLastProbe}). */
    private SegmentMapping<T> probedMapping;
    private long probedTail = -1;
    /**
     * When its publisher was last seen alive ({@link System#nanoTime}): attached, a sample taken (its publish stamp,
     * never later than the take), a TAIL that moved between two probes (the earlier one), or a lock probe.
     */
    long aliveAt = System.nanoTime();
    /** Its publisher left the registry; what it published is being drained. */
    boolean left;

    PublisherSource(SubscriberRow row, boolean inOrder, int index, int incarnation, SegmentMapping<T> mapping,
                    long cursor) {
        this.row = row;
        this.inOrder = inOrder;
        this.index = index;
        this.incarnation = incarnation;
        this.mapping = mapping;
        this.cursor = cursor;
    }

    /**
     * Makes the cursor known to the publisher (reliable flow control, and which generations it may remove):
     * cursor and generation first, then whose they are, with a volatile store that orders it before the
     * caller's next look at the segment.
     */
    void publishCursor() {
        row.cursorEntryVolatile(index, cursor, mapping.generation, incarnation);
    }

    /**
     * Whether the publisher committed a sample to the mapped generation since the last call: evidence that it was
     * alive within that time. Remembers the mapping and its TAIL for the next call; a new mapping is no evidence.
     */
    boolean publishedSinceLastProbe() {
        long tail = mapping.tailAcquire();
        boolean moved = mapping == probedMapping && tail != probedTail;
        probedMapping = mapping;
        probedTail = tail;
        return moved;
    }

    /** Records evidence that the publisher was alive at {@code nanos}; older evidence changes nothing. */
    void sawAliveAt(long nanos) {
        if (nanos - aliveAt > 0) {
            aliveAt = nanos;
        }
    }

    /** After a switch: tells an in-order source's publisher that the old generation's file is no longer needed. */
    void publishGeneration() {
        if (inOrder && !left) {
            row.cursorGenerationRelease(index, mapping.generation);
        }
    }

    /**
     * Moves on; in-order subscribers publish the cursor (flow control, and when old generations may go) — except
     * for a publisher that left: its row, and so the cursor word, may already belong to its successor.
     */
    void advance(long next) {
        cursor = next;
        if (inOrder && !left) {
            row.cursorRelease(index, next);
        }
    }

    boolean drained() {
        return finished || (cursor >= mapping.tailAcquire() && mapping.successor() == 0);
    }
}
