package io.sluice.exec;

import io.sluice.os.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Wakes one executor thread that blocks when it has nothing to do: producers {@link #signal()} after making work
 * available (an event offered to the loop's ring, a guard condition set), the executor's idle strategy
 * {@link #await}s when a duty cycle found nothing.
 *
 * {@snippet :
 * int key = wakeup.key();          // before looking for work
 * if (lookForWork() == 0) {
 *     wakeup.await(key, timeout);  // returns at once if anybody signalled since key()
 * }
 * }
 */
public final class Wakeup {
    /*
     * Implementation note: an event count on a futex word (a 32-bit sequence) plus a count of waiters, both in a
     * small native segment so that the kernel can sleep on the word.
     *
     * signal():  SEQUENCE.getAndAdd(+1)           (full fence)    then  WAITERS.getVolatile > 0 ? FUTEX_WAKE
     * await(k):  WAITERS.getAndAdd(+1)            (full fence)    then  FUTEX_WAIT(word, k)     then WAITERS -1
     *
     * FUTEX_WAIT sleeps only while the word still equals k, checked atomically by the kernel. A signal after
     * key() either changes the word before the waiter's FUTEX_WAIT (which then returns at once) or comes after
     * the waiter's increment of WAITERS; by the two full fences (a Dekker pair), a signaller that reads WAITERS
     * after its increment of SEQUENCE sees the waiter, or the waiter's FUTEX_WAIT sees the new SEQUENCE. So no
     * signal given after key() is lost, and a signaller pays the system call only while somebody waits. The
     * sequence wraps around; only equality with k matters, and 2^32 signals between key() and await() cannot
     * happen in practice (a timeout bounds every wait anyway).
     *
     * Happens-before: what a producer wrote before signal() happens-before what the woken thread reads after
     * await() returns, through the volatile read-modify-writes on SEQUENCE.
     */
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long SEQUENCE = 0;
    private static final long WAITERS = 4;

    private final MemorySegment words = Arena.ofAuto().allocate(64, 64);
    private final MemorySegment word = words.asSlice(SEQUENCE, 4);
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);

    /** The futex word itself, for a thread that waits on it together with other words. */
    MemorySegment word() {
        return word;
    }

    /** Counts a waiter that sleeps on {@link #word()} with other words; a full fence, as in {@link #await}. */
    void enterWait() {
        INT.getAndAdd(words, WAITERS, 1);
    }

    /** Ends {@link #enterWait()}. */
    void exitWait() {
        INT.getAndAdd(words, WAITERS, -1);
    }

    /** The current key: read it before looking for work, and wait with it when there was none. */
    public int key() {
        return (int) INT.getAcquire(words, SEQUENCE);
    }

    /** Wakes the waiting thread, if any; cheap (no system call) while nobody waits. Any thread may call it. */
    public void signal() {
        INT.getAndAdd(words, SEQUENCE, 1);
        if ((int) INT.getVolatile(words, WAITERS) > 0) {
            Native.futexWakeAll(word);
        }
    }

    /**
     * Sleeps until a {@link #signal()} after {@code key} was read, or {@code timeoutNanos} passed; returns at once
     * when there was such a signal already. May return early (spurious wakes); callers look for work again. One
     * waiting thread at a time.
     */
    public void await(int key, long timeoutNanos) {
        INT.getAndAdd(words, WAITERS, 1);
        try {
            if ((int) INT.getVolatile(words, SEQUENCE) == key) {
                Native.futexWait(word, key, timeoutNanos, timespec);
            }
        } finally {
            INT.getAndAdd(words, WAITERS, -1);
        }
    }
}
