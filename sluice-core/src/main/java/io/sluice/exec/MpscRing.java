package io.sluice.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bounded, lock-free, multi-producer single-consumer ring of object references: the event queue of the event loop.
 * Any thread may {@link #offer} an event; exactly one thread, the consumer, may {@link #poll} or {@link #drain}.
 * {@code offer} and {@code poll} never block and never allocate.
 *
 * {@snippet :
 * MpscRing<Runnable> events = new MpscRing<>(1024);
 * // any thread
 * if (!events.offer(task)) {
 *     rejected++;                      // full: the caller decides to retry, drop or count
 * }
 * // the event loop's thread, once per duty cycle
 * int done = events.drain(Runnable::run, 256);
 * }
 *
 * <p><b>Memory consistency.</b> Actions of a producer thread before it offers an event (including its writes to the
 * event's fields, final or not) <i>happen-before</i> the consumer's return from the {@code poll} that returns that
 * event, or the consumer's call of the {@code drain} handler with it. Events of one producer are delivered in the
 * order that producer offered them; events of different producers are delivered in the order in which their
 * {@code offer}s claimed a position, which is a total order consistent with real time for offers that do not
 * overlap.
 *
 * <p><b>Progress.</b> A producer that is suspended in the middle of an {@code offer} (after claiming its position,
 * before publishing it) delays the delivery of its event and of every event claimed after it, until it resumes; it
 * never causes an event to be lost, duplicated or reordered, and it never blocks other producers until the ring
 * is full. Meanwhile {@code poll} returns {@code null} and {@code drain} stops at the claimed position.
 *
 * @param <E> the type of the events; {@code null} is not an event
 */
public final class MpscRing<E> {
    /*
     * Implementation note.
     *
     * Algorithm. Dmitry Vyukov's bounded MPMC queue ("Bounded MPMC queue", 1024cores.net, 2010), specialised to a
     * single consumer. Each slot i carries a sequence number sequences[i] besides its reference events[i]. Positions
     * are unbounded longs; position p lives in slot p & mask. Producers share the position counter `tail` and claim
     * a position by CAS; the consumer owns `head` and needs no atomic read-modify-write at all.
     *
     * Invariants (capacity = mask + 1 >= 2; p is a position with p & mask == i):
     *   I1  sequences[i] == p            slot i is free for position p: the consumer has released position
     *                                    p - capacity (or p < capacity), and no producer has claimed p yet unless
     *                                    tail > p, in which case the claimant is between its CAS and its publish
     *                                    ("claimed, unpublished"); events[i] == null.
     *       sequences[i] == p + 1        position p is published: events[i] holds its event, not yet taken.
     *       sequences[i] == p + capacity the consumer took position p and released the slot for p + capacity;
     *                                    events[i] == null again.
     *     capacity >= 2 keeps "published p" (p + 1) distinct from "free for p + capacity"; hence the guard.
     *   I2  head <= tail <= head + capacity. tail counts claimed positions, head counts taken ones; every position
     *       below head has been delivered exactly once, every position in [head, tail) is claimed and not yet taken.
     *   I3  sequences[i] only grows; each slot goes free(p) -> published(p) -> free(p + capacity) -> ..., the first
     *       step by the one producer whose CAS won p, the second by the consumer.
     *   Not invariant: that [head, tail) is all published. Any subset of it may be claimed-but-unpublished, in any
     *   pattern, because producers publish in whatever order the scheduler lets them.
     *
     * Why a CAS on tail and not getAndAdd. getAndAdd claims a position unconditionally. When the ring is full the
     * claimed slot is still occupied by the event of position p - capacity, so the producer could neither publish
     * (it would overwrite an untaken event) nor give the position back (later positions may already be claimed by
     * others, so tail cannot be decremented, and the consumer would wait on the hole forever). It would have to
     * wait for the consumer: offer would block. Checking fullness before the getAndAdd does not help, since another
     * producer can fill the ring between the check and the add. The CAS makes "slot free for p" and "claim p" one
     * step: a producer reads tail == p, sees sequences[p & mask] == p (free), and only then CASes tail from p to
     * p + 1; if the ring is full it sees sequences[i] < p and returns false, having claimed nothing.
     *
     * offer(e), by any producer:
     *   p = tail (getVolatile); s = sequences[p & mask] (getAcquire)
     *     s == p : try tail.compareAndSet(p, p + 1); on failure another producer took p: reload and retry.
     *     s <  p : the slot still holds (or awaits) position p - capacity, not yet taken: full, return false.
     *     s >  p : our read of tail was stale (another producer claimed p and maybe published it): reload, retry.
     *   after the CAS: events[i] = e (plain); sequences[i] = p + 1 (setRelease) -- publication.
     * poll(), by the consumer:
     *   p = head (plain); s = sequences[p & mask] (getAcquire)
     *     s != p + 1 : position p is not published (ring empty, or p claimed and unpublished): return null.
     *     otherwise  : e = events[i] (plain); events[i] = null (plain); sequences[i] = p + capacity (setRelease);
     *                  head = p + 1 (setRelease); return e.
     *
     * A descheduled producer. A producer stopped between its CAS (p claimed) and its publish leaves sequences[i]
     * == p. The consumer's poll at head == p reads s == p != p + 1 and returns null: it never skips the slot, since
     * head only moves past a position it has taken. Producers that claimed p + 1, p + 2, ... publish into their
     * own slots independently; their events wait, in position order, behind p. Producers keep claiming until
     * tail == p + capacity and then see "full" (offer returns false): nothing is lost, nothing overtakes, and when
     * the stalled producer publishes, the consumer delivers p, p + 1, ... in order. Per-producer FIFO follows from
     * the claims: one producer's successive offers claim increasing positions (its second CAS follows its first in
     * program order), and the consumer takes positions in increasing order.
     *
     * Linearization points.
     *   offer returning true:  the successful CAS on tail. It fixes the event's place in the delivery order. The
     *                          event becomes visible to the consumer at the later setRelease of sequences[i].
     *   offer returning false: the getAcquire of sequences[i] that read s < p: at that moment position
     *                          p - capacity had not been released by the consumer while tail >= p, so `capacity`
     *                          positions were claimed and not taken (claimed-but-unpublished ones count as full).
     *   poll returning e:      the getAcquire of sequences[i] that read p + 1.
     *   poll returning null:   the getAcquire of sequences[i] that read s != p + 1. Caveat (inherent to the
     *                          algorithm): while an earlier-claimed offer is unpublished, a poll may return null
     *                          although later offers have already returned true; null then means "the next event
     *                          in delivery order is not yet published", not "empty". It is linearizable when no
     *                          offer is in flight. The consumer's progress depends on every claimant finishing its
     *                          (short, non-blocking, allocation-free) publish step: the ring is lock-free for
     *                          producers and obstruction-prone for the consumer, exactly as Vyukov's queue is.
     *
     * Happens-before. The producer writes events[i] (and, earlier, everything it did to the event) before its
     * setRelease of sequences[i] = p + 1; the consumer's getAcquire reads that value, so the release synchronizes
     * with the acquire and the consumer's plain read of events[i] and all its later use of the event are ordered
     * after. In the other direction, the consumer's plain events[i] = null precedes its setRelease of p + capacity,
     * which the next producer of slot i reads with getAcquire before it CASes and writes events[i]: the two plain
     * writes of events[i] never race, and a producer never overwrites an event not yet read.
     *
     * Why each relaxed access is safe.
     *   events[i] plain read and writes: each is ordered by the release/acquire pair on sequences[i] above; at any
     *     moment exactly one thread (the claimant, or the consumer) has the right to touch the slot.
     *   head plain read by the consumer: only the consumer writes it.
     *   head setRelease / getAcquire: head is read only by size(), which is approximate; no other thread's
     *     correctness depends on it (producers learn that a slot is free from its sequence, not from head). The
     *     release/acquire pair (free on x86, cheap on AArch64) makes size() sound: see below.
     *   tail getVolatile in offer: the value is only a guess that the CAS validates; volatile (rather than opaque)
     *     keeps the fullness verdict tied to a single moment for the linearization argument above. It costs the same
     *     as a plain load on x86 and AArch64 (ldar).
     *   size(): head getAcquire, then tail getVolatile. The consumer wrote head == h after its acquire of a
     *     sequence published by the producer whose CAS set tail >= h, so that CAS happens-before size()'s read of
     *     tail, which therefore sees tail >= h: the difference is never negative. The consumer may move on between
     *     the two reads and producers refill, so the result is clamped to capacity.
     *
     * Fences. None explicit: the release stores and acquire loads above are the only ordering required; the CAS
     * on tail is a full (volatile) read-modify-write.
     *
     * False sharing. head (written by the consumer per event) and tail (CASed by producers) share a cache line
     * and are deliberately not padded apart: padding goes in only when MpscRingBenchmark, run on a machine with at
     * least 4 cores, shows it matters. On the 2-core machine where this was written the threads time-share and the
     * benchmark cannot tell (its figures are dominated by the scheduler), so no such measurement exists yet. Adjacent
     * slots' sequences and references share cache lines by design, as in every array-based ring.
     */

    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle EVENT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(MpscRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(MpscRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] events;
    private final long[] sequences;
    private final int mask;

    /** The next position the consumer takes; written only by the consumer. */
    @SuppressWarnings("unused") // accessed through HEAD
    private long head;

    /** The next position a producer claims; advanced only by CAS. */
    @SuppressWarnings("unused") // accessed through TAIL
    private long tail;

    /**
     * Creates an empty ring.
     *
     * @param capacity the number of events the ring holds, a power of two of at least 2
     * @throws IllegalArgumentException if {@code capacity} is less than 2 or not a power of two
     */
    public MpscRing(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity < 2: capacity=" + capacity);
        }
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity is not a power of two: capacity=" + capacity);
        }
        events = new Object[capacity];
        sequences = new long[capacity];
        mask = capacity - 1;
        for (int i = 0; i < capacity; i++) {
            SEQUENCE.set(sequences, i, (long) i);
        }
        // the constructor's plain stores are published by whatever safe publication hands the ring to other threads
    }

    /**
     * Adds an event if the ring is not full. Safe to call from any thread; never blocks, never allocates.
     *
     * @param event the event, not {@code null}
     * @return {@code true} if the event was added, {@code false} if the ring was full
     * @throws NullPointerException if {@code event} is {@code null}
     */
    public boolean offer(E event) {
        if (event == null) {
            throw new NullPointerException("event == null");
        }
        long position = (long) TAIL.getVolatile(this);
        while (true) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            if (sequence == position) {
                if (TAIL.compareAndSet(this, position, position + 1)) {
                    EVENT.set(events, index, event);
                    SEQUENCE.setRelease(sequences, index, position + 1); // publication
                    return true;
                }
                position = (long) TAIL.getVolatile(this);
            } else if (sequence < position) {
                return false; // slot still holds (or awaits) position - capacity: full
            } else {
                position = (long) TAIL.getVolatile(this); // another producer claimed position: stale tail
            }
        }
    }

    /**
     * Removes and returns the next event. Consumer thread only; never blocks, never allocates.
     *
     * @return the next event, or {@code null} if the ring is empty or the next event is still being offered
     */
    public E poll() {
        long position = (long) HEAD.get(this);
        int index = (int) position & mask;
        long sequence = (long) SEQUENCE.getAcquire(sequences, index);
        if (sequence != position + 1) {
            return null;
        }
        return take(position, index);
    }

    /**
     * Removes up to {@code limit} events and hands each to {@code handler}, in order. Consumer thread only. Stops
     * early when the ring is empty or the next event is still being offered. Each event is removed before the
     * handler sees it: if the handler throws, that event counts as delivered, the exception propagates and the
     * events after it stay in the ring.
     *
     * @param handler receives each event; it may call {@link #offer} but not {@code poll} or {@code drain}
     * @param limit   the most events to remove, at least 0
     * @return the number of events handed to {@code handler}
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public int drain(Consumer<? super E> handler, int limit) {
        Objects.requireNonNull(handler, "handler == null");
        if (limit < 0) {
            throw new IllegalArgumentException("limit < 0: limit=" + limit);
        }
        long position = (long) HEAD.get(this);
        int count = 0;
        while (count < limit) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            if (sequence != position + 1) {
                break;
            }
            E event = take(position, index);
            count++;
            position++;
            handler.accept(event);
        }
        return count;
    }

    /** Takes the published event at {@code position}, clears and releases its slot, and advances head. */
    private E take(long position, int index) {
        @SuppressWarnings("unchecked")
        E event = (E) EVENT.get(events, index);
        EVENT.set(events, index, null); // let the GC collect the event; ordered before the release below
        SEQUENCE.setRelease(sequences, index, position + mask + 1); // free for position + capacity
        HEAD.setRelease(this, position + 1);
        return event;
    }

    /**
     * Returns the number of events in the ring, counting those still being offered. Approximate when other
     * threads are active: a snapshot that may be stale by the time it is returned. Any thread.
     *
     * @return a value between 0 and {@link #capacity()}
     */
    public int size() {
        long taken = (long) HEAD.getAcquire(this);
        long claimed = (long) TAIL.getVolatile(this);
        return (int) Math.min(claimed - taken, mask + 1L);
    }

    /** Returns the most events the ring holds, the {@code capacity} it was created with. */
    public int capacity() {
        return mask + 1;
    }
}
