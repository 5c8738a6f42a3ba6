package io.sluice.exec;

/**
 * In-process events for one handler on an executor, from any number of producer threads: each event offered is
 * handled exactly once, on the executor's thread, in the order its producer offered it. Lock-free and
 * allocation-free: events pass by reference through a bounded multi-producer single-consumer ring.
 *
 * {@snippet :
 * Inbox<Detection> detections = executor.inbox("detections", 1024, detection -> planner.add(detection));
 * if (!detections.offer(detection)) {
 *     // full: the executor fell behind by 1024 events; the refusal is counted in rejectedCount()
 * }
 * }
 * What a producer did before {@link #offer} happens-before the handler's run with that event.
 *
 * @param <E> the event type
 */
public interface Inbox<E> extends Registration {
    /**
     * Queues {@code event} for the handler; never blocks.
     *
     * @return false when the inbox is full or closed (counted in {@link #rejectedCount()})
     */
    boolean offer(E event);

    /** Offers refused because the inbox was full or closed, plus events discarded by a discarding shutdown. */
    long rejectedCount();

    /** Events waiting now. */
    int size();
}
