package io.sluice.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * An inbox: its events wait in an {@link MpscRing}; the executor learns that there are some through SCHEDULED.
 */
final class InboxEntity<E> extends Entity implements Inbox<E> {
    /*
     * Implementation note. SCHEDULED is 1 while the executor has been told about this inbox and has not yet
     * started to empty it. A producer offers its event to the ring, then (after a full fence) reads SCHEDULED and
     * tells the executor only on a 0 -> 1 CAS; the executor sets SCHEDULED to 0 (getAndSet: a full fence) before
     * it polls the ring. This is a Dekker pair: either the executor's poll sees the event, or the producer's read
     * comes after the reset and sees 0, so it tells the executor again. No event is left in the ring with nobody
     * told, and producers pay an atomic instruction on SCHEDULED only when the executor is not already told;
     * under load, offers cost the ring's CAS and a fence. SCHEDULED may be 1 with the ring empty (a producer told
     * the executor about an event already taken): one wasted look.
     *
     * Removal and close. An offer checks "active and accepting" before it enqueues, but a close may come between
     * the check and the enqueue. discard() (called when no executor thread takes from the ring any more: after a
     * removal, by the thread that dispatches; at a discarding close, when polling points no longer take) sets
     * DISCARDED, fences, and empties the ring; an offer, after its enqueue and fence, reads DISCARDED and, if set,
     * empties the ring itself and reports a refusal. Another Dekker pair: the late event is counted as rejected by
     * one of the two. The two drains take turns under the inbox's monitor, so the ring keeps a single consumer.
     */
    private static final VarHandle SCHEDULED;

    static {
        try {
            SCHEDULED = MethodHandles.lookup().findVarHandle(InboxEntity.class, "scheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpscRing<E> ring;
    private final Consumer<? super E> handler;
    /** Striped: producers that spin on a full inbox all count their refusals without fighting over one word. */
    private final LongAdder rejected = new LongAdder();
    @SuppressWarnings("unused") // through SCHEDULED
    private volatile int scheduled;
    private E captured;
    /** Set once no executor takes from the ring any more (removal, close): late offers clean up after themselves. */
    private volatile boolean discarded;

    InboxEntity(AbstractExecutor owner, String name, int capacity, Consumer<? super E> handler) {
        super(owner, Kind.WAITABLE, "inbox " + Objects.requireNonNull(name, "name"));
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity out of range [1, 2^30]: capacity=" + capacity);
        }
        this.ring = new MpscRing<>(capacity <= 2 ? 2 : Integer.highestOneBit(capacity - 1) << 1);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public boolean offer(E event) {
        Objects.requireNonNull(event, "event");
        if (!isActive() || !owner.accepting() || !ring.offer(event)) {
            rejected.increment();
            return false;
        }
        VarHandle.fullFence(); // the event's publication before the reads of DISCARDED and SCHEDULED: see the note
        if (discarded) {
            discardQueued(); // removed or closed meanwhile: nobody else takes from the ring now
            return false;
        }
        if ((int) SCHEDULED.getVolatile(this) == 0 && SCHEDULED.compareAndSet(this, 0, 1)) {
            owner.schedule(this);
        }
        return true;
    }

    @Override
    public long rejectedCount() {
        return rejected.sum();
    }

    @Override
    public int size() {
        return ring.size() + (captured != null ? 1 : 0);
    }

    int capacity() {
        return ring.capacity();
    }

    @Override
    int dispatch(int limit) {
        SCHEDULED.getAndSet(this, 0);
        if (!isActive()) {
            return 0;
        }
        int done = 0;
        while (done < limit && isActive() && !owner.discarding()) {
            E event = ring.poll();
            if (event == null) {
                break;
            }
            handle(event);
            done++;
        }
        if (ring.size() > 0 && SCHEDULED.compareAndSet(this, 0, 1)) {
            owner.schedule(this); // more than a burst: come back next cycle, after the other sources
        }
        return done;
    }

    @Override
    boolean snapshot(long nowNanos) {
        if (captured == null && isActive()) {
            SCHEDULED.getAndSet(this, 0);
            captured = ring.poll();
        }
        return captured != null;
    }

    @Override
    int executeSnapshot() {
        E event = captured;
        if (event == null) {
            return 0;
        }
        captured = null;
        handle(event);
        return 1;
    }

    /**
     * Called once no executor thread takes from this inbox any more. From then on an offer that slipped past the
     * checks finds DISCARDED set (or this drain finds its event): either way it is counted, never left behind.
     */
    @Override
    void discard() {
        if (captured != null) {
            captured = null;
            rejected.increment();
        }
        discarded = true;
        VarHandle.fullFence(); // DISCARDED before the look at the ring: the other half of offer's pair
        discardQueued();
    }

    /** Counts and drops what is queued; the lock makes late offerers and the executor take turns as consumer. */
    private synchronized void discardQueued() {
        while (ring.poll() != null) {
            rejected.increment();
        }
    }

    private void handle(E event) {
        try {
            handler.accept(event);
        } catch (Throwable error) {
            owner.report(role, error);
        } finally {
            countHandled();
        }
    }
}
