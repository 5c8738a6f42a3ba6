package io.sluice.exec;

import io.sluice.os.Doorbell;
import io.sluice.os.FutexWaitable;
import io.sluice.os.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How a blocking executor sleeps on all its sources at once: its own {@link Wakeup} (inboxes, guard conditions,
 * registrations, shutdown) and the futex word of every subscription, in one {@code futex_waitv} call, with the
 * next timer deadline as its timeout. Belongs to one thread.
 *
 * {@snippet :
 * int key = wakeup.key();                 // 1. before the duty cycle looks for work
 * if (lookForWork() == 0) {
 *     waitSet.arm(key, entities);         // 2. announce the sleeper on every subscription's topic
 *     try {
 *         if (lookAtSubscriptions() == 0) {
 *             waitSet.await(deadline);    // 3. sleep unless a word moved since 1 (wakeup) or 2 (topics)
 *         }
 *     } finally {
 *         waitSet.disarm();
 *     }
 * }
 * }
 * Without {@code futex_waitv} (Linux before 5.16, or a seccomp filter that refuses it), or beyond its 128 words, it
 * sleeps on the wakeup alone for at most {@value #FALLBACK_POLL_NANOS} ns at a time, so subscriptions are polled at
 * that interval: slower to react and no longer free of CPU while idle, never stuck.
 */
final class WaitSet {
    static final long FALLBACK_POLL_NANOS = 1_000_000L;
    private static volatile boolean waitvSupported = true;

    private final AbstractExecutor owner;
    private final Wakeup wakeup;
    private long lastMaintenance = System.nanoTime();
    private final MemorySegment waiters;
    private final MemorySegment timespec;
    private final MemorySegment state;
    private final long[] addresses = new long[Native.FUTEX_WAITV_MAX];
    private FutexWaitable[] armed = new FutexWaitable[16];
    private int armedCount;
    private int wordCount;
    private boolean overflow;
    private int key;
    private Doorbell[] bells = NO_BELLS;
    private int bellCount;

    /** Whether waits use {@code futex_waitv} (false once the kernel refused it: the polling fallback). */
    static boolean waitvSupported() {
        return waitvSupported;
    }

    WaitSet(AbstractExecutor owner) {
        this.owner = owner;
        this.wakeup = owner.wakeup;
        Arena arena = Arena.ofAuto();
        this.waiters = arena.allocate((long) Native.FUTEX_WAITV_SIZE * Native.FUTEX_WAITV_MAX, 8);
        this.timespec = arena.allocate(16, 8);
        this.state = arena.allocate(Native.captureStateSize(), 8);
    }

    /** Announces the sleeper on every active entity's word; {@code key} is the wakeup key read before the look. */
    void arm(int key, Entity[] entities) {
        arm(key, entities, NO_BELLS, null, 0);
    }

    private static final Doorbell[] NO_BELLS = new Doorbell[0];

    /**
     * As {@link #arm(int, Entity[])}, and also sleeps on {@code bellCount} doorbells with the keys read before the
     * look; entities whose publishers ring a doorbell ({@link Entity#belled()}) are not announced on their words.
     */
    void arm(int key, Entity[] entities, Doorbell[] bells, int[] bellKeys, int bellCount) {
        this.key = key;
        armedCount = 0;
        overflow = false;
        this.bells = bells;
        this.bellCount = bellCount;
        Native.futexWaitvEntry(waiters, 0, wakeup.word(), key);
        addresses[0] = wakeup.word().address();
        wordCount = 1;
        for (int i = 0; i < bellCount; i++) {
            add(bells[i].word(), bellKeys[i]);
        }
        for (Entity entity : entities) {
            FutexWaitable waitable = entity.waitable();
            if (waitable == null || !entity.isActive() || entity.belled()) {
                continue;
            }
            int seen;
            try {
                seen = waitable.armWait();
            } catch (RuntimeException closed) {
                continue; // a subscriber closed under us: it has nothing to wait for
            }
            if (armedCount == armed.length) {
                armed = java.util.Arrays.copyOf(armed, armed.length * 2);
            }
            armed[armedCount++] = waitable;
            add(waitable.waitWord(), seen);
        }
    }

    private void add(MemorySegment word, int seen) {
        long address = word.address();
        for (int i = 0; i < wordCount; i++) {
            if (addresses[i] == address) {
                return; // the first value read is the older one: if the word moved since, the wait returns at once
            }
        }
        if (wordCount == Native.FUTEX_WAITV_MAX) {
            overflow = true;
            return;
        }
        Native.futexWaitvEntry(waiters, wordCount, word, seen);
        addresses[wordCount++] = address;
    }

    /** Sleeps until a word moves or the {@link System#nanoTime()} deadline; may return early. */
    void await(long deadlineNanos) {
        if (waitvSupported && !overflow) {
            wakeup.enterWait(); // so that signal() issues the FUTEX_WAKE (see Wakeup)
            for (int i = 0; i < bellCount; i++) {
                bells[i].enterWait(); // likewise for the publishers that ring a doorbell
            }
            try {
                if (Native.futexWaitv(waiters, wordCount, deadlineNanos, timespec, state) >= 0) {
                    owner.countWordWake(); // a FUTEX_WAKE ended it, not a timeout, a signal or a word already moved
                }
                return;
            } catch (UnsupportedOperationException e) {
                waitvSupported = false;
            } finally {
                wakeup.exitWait();
                for (int i = 0; i < bellCount; i++) {
                    bells[i].exitWait();
                }
            }
        }
        long remaining = Math.min(deadlineNanos - System.nanoTime(), FALLBACK_POLL_NANOS);
        if (remaining > 0) {
            wakeup.await(key, remaining);
        }
    }

    /** Withdraws every announcement of {@link #arm}. */
    void disarm() {
        for (int i = 0; i < armedCount; i++) {
            try {
                armed[i].disarmWait();
            } catch (RuntimeException closed) {
                // closed under us: closing withdrew the announcement with the subscriber's row
            }
            armed[i] = null;
        }
        armedCount = 0;
    }

    /**
     * The upkeep of {@code entities} (liveness probes of their publishers), at most every
     * {@link AbstractExecutor#MAX_WAIT_NANOS}; whether it ran. Callers run it only on the way to sleep, after a look
     * found nothing: never between a wake and the dispatch of what woke them.
     */
    boolean maintainIfDue(Entity[] entities) {
        long now = System.nanoTime();
        if (now - lastMaintenance < AbstractExecutor.MAX_WAIT_NANOS) {
            return false;
        }
        lastMaintenance = now;
        maintain(entities, now);
        return true;
    }

    private static void maintain(Entity[] entities, long nowNanos) {
        for (Entity entity : entities) {
            FutexWaitable waitable = entity.waitable();
            if (waitable != null && entity.isActive()) {
                try {
                    waitable.maintain(nowNanos);
                } catch (RuntimeException error) {
                    // a failed liveness probe or attach belongs to that subscription, not to the executor
                    entity.owner.report(entity.role, error);
                }
            }
        }
    }
}
