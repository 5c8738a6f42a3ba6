package io.sluice.exec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One-shot and periodic timers on a hashed timing wheel, driven by the one thread that polls it.
 *
 * {@snippet :
 * NanoClock clock = NanoClock.system();
 * TimerWheel timers = TimerWheel.create(clock.nanoTime());
 * long heartbeat = timers.schedulePeriodic(clock.nanoTime() + 10_000_000, 10_000_000);   // every 10 ms
 * ExpiryHandler handler = (timerId, deadline, missedSinceLast) -> {
 *     if (timerId == heartbeat) {
 *         // publish; missedSinceLast > 0 says the loop was late by whole periods
 *     }
 * };
 * while (running) {
 *     timers.poll(clock.nanoTime(), handler, 64);
 *     long sleep = timers.nextDeadline() - clock.nanoTime();   // Long.MAX_VALUE - now when no timer is scheduled
 *     // wait for other work at most `sleep` nanoseconds
 * }
 * }
 *
 * <p><b>Threading.</b> Not thread-safe and without locks: every method must be called by the thread that owns
 * the wheel (an event loop). Handlers run on that thread, inside {@link #poll}, and may schedule and cancel,
 * but must not poll.
 *
 * <p><b>Time.</b> Deadlines and {@code now} are absolute readings of one {@link NanoClock}, compared as signed
 * longs. A timer fires at the first poll whose {@code now} is at or after its deadline; a deadline already in
 * the past fires at the next poll. Timers fire in deadline order, ties in the order they were scheduled (a
 * periodic timer keeps the place of its first scheduling). The tick only buckets timers: it never delays or
 * rounds a deadline.
 *
 * <p><b>Periodic timers</b> are drift-free: the k-th deadline is exactly {@code first + k × period}, never
 * {@code lastFire + period}. When a poll comes later than one or more further deadlines, the timer fires
 * <em>once</em>, for the latest deadline at or before {@code now}, reports the skipped deadlines as
 * {@code missedSinceLast} (their running total is {@link #missedPeriods}), and its next deadline is the first
 * multiple after {@code now}. ROS 2 skips missed periods the same way ({@code rcl_timer_call} moves the next call
 * time forward by whole periods); it fires for the earliest missed deadline and may leave the next one equal to
 * {@code now}, where this wheel reports the current one and keeps the next one strictly in the future. A periodic
 * timer whose next deadline would overflow a long fires a last time and is retired.
 *
 * <p><b>Ids.</b> A timer id holds the entry's index and a generation bumped whenever the entry is freed, so the
 * id of a timer that fired or was cancelled never cancels or queries a later timer (until one entry has been
 * reused 2<sup>31</sup> times). Ids are positive; 0 is never an id.
 *
 * <p><b>Allocation.</b> Timers live in parallel primitive arrays indexed by entry (no object per timer). The
 * arrays double when more timers are live than ever before; once they hold the peak number of live timers,
 * {@link #schedule}, {@link #schedulePeriodic}, {@link #cancel}, {@link #poll} and {@link #nextDeadline} allocate
 * nothing.
 */
public final class TimerWheel {
    /*
     * Implementation note.
     *
     * Algorithm: hashed timing wheel, scheme 6 of Varghese & Lauck, "Hashed and Hierarchical Timing Wheels: Data
     * Structures for the Efficient Implementation of a Timer Facility" (SOSP 1987). A timer with deadline d
     * belongs to tick floorDiv(d, tickNanos) and hangs in slot (tick & mask). Instead of a rounds counter each
     * entry stores its absolute tick, so timers one or many rotations away share a slot without bookkeeping.
     *
     * Each slot is a doubly linked list (next/prev index arrays, heads/tails per slot) kept sorted by
     * (deadline, sequence). Insertion walks back from the tail, which is O(1) when timers are scheduled in
     * roughly increasing deadline order (the common case, and always the case for a periodic re-arm).
     *
     * Invariants:
     *  - cursorTick never decreases; every tick below it has been drained.
     *  - every live entry has ticks[i] >= cursorTick and ticks[i] == max(floorDiv(deadline, tick), cursorTick
     *    at insertion), so an entry scheduled in the past is clamped onto the cursor tick and fires next poll;
     *  - in a slot, sorted by deadline implies sorted by ticks[] (clamped entries have the smallest deadlines),
     *    so the entries due in tick t are a prefix of slot (t & mask): poll never scans a far-future entry, and
     *    the minimum deadline of the whole wheel is the minimum over the slot heads.
     * Not invariant: cursorTick may lag behind the last poll's now by any number of ticks when a poll stopped at
     * its limit.
     *
     * A poll walks ticks from the cursor to floorDiv(now, tick). After a whole rotation of ticks with nothing
     * due it jumps to the smallest head tick, so a loop that slept for hours costs O(slots) per timer it fires,
     * not O(ticks slept).
     */

    /** Default tick: 1 ms. */
    public static final long DEFAULT_TICK_NANOS = 1_000_000L;
    /** Default number of slots: 512, so one rotation spans 512 ms with the default tick. */
    public static final int DEFAULT_SLOTS = 512;
    /** Default number of timer entries allocated up front. */
    public static final int DEFAULT_CAPACITY = 64;

    private static final int NONE = -1;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final int GENERATION_MASK = 0x7fff_ffff;

    private final long tickNanos;
    private final int mask;
    private final int[] heads;
    private final int[] tails;

    private long[] deadlines;
    private long[] periods;       // 0 for a one-shot timer
    private long[] sequences;     // scheduling order, breaks ties between equal deadlines
    private long[] ticks;         // absolute tick the entry is filed under
    private long[] missed;        // running total of missed periods
    private int[] next;           // slot list, or free list for free entries
    private int[] prev;
    private int[] generations;
    private boolean[] live;

    private int freeHead = NONE;
    private int size;
    private long cursorTick;
    private long nextSequence;
    private long cachedNextDeadline = Long.MAX_VALUE;
    private boolean nextDeadlineKnown = true;

    private TimerWheel(long startNanos, long tickNanos, int slots, int initialCapacity) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos <= 0: tickNanos=" + tickNanos);
        }
        if (slots < 1 || slots > MAX_CAPACITY || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots is not a power of two in [1, 2^30]: slots=" + slots);
        }
        if (initialCapacity < 1 || initialCapacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("initialCapacity not in [1, 2^30]: initialCapacity=" + initialCapacity);
        }
        this.tickNanos = tickNanos;
        this.mask = slots - 1;
        this.heads = new int[slots];
        this.tails = new int[slots];
        Arrays.fill(heads, NONE);
        Arrays.fill(tails, NONE);
        this.cursorTick = Math.floorDiv(startNanos, tickNanos);
        this.deadlines = new long[0];
        this.periods = new long[0];
        this.sequences = new long[0];
        this.ticks = new long[0];
        this.missed = new long[0];
        this.next = new int[0];
        this.prev = new int[0];
        this.generations = new int[0];
        this.live = new boolean[0];
        grow(initialCapacity);
    }

    /**
     * A wheel with the default tick ({@value #DEFAULT_TICK_NANOS} ns) and {@value #DEFAULT_SLOTS} slots.
     *
     * @param startNanos the current time of the clock that will drive the wheel
     */
    public static TimerWheel create(long startNanos) {
        return new TimerWheel(startNanos, DEFAULT_TICK_NANOS, DEFAULT_SLOTS, DEFAULT_CAPACITY);
    }

    /**
     * A wheel with the given resolution; deadlines further away than {@code tickNanos × slots} are fine.
     *
     * @param startNanos      the current time of the clock that will drive the wheel
     * @param tickNanos       width of a slot in nanoseconds, &gt; 0
     * @param slots           number of slots, a power of two
     * @param initialCapacity timer entries allocated up front, &ge; 1; the wheel grows beyond it when needed
     */
    public static TimerWheel create(long startNanos, long tickNanos, int slots, int initialCapacity) {
        return new TimerWheel(startNanos, tickNanos, slots, initialCapacity);
    }

    /**
     * Schedules a one-shot timer.
     *
     * @param deadlineNanos when it fires; a deadline in the past fires at the next poll
     * @return the timer id, passed to the handler and accepted by {@link #cancel}
     */
    public long schedule(long deadlineNanos) {
        return add(deadlineNanos, 0);
    }

    /**
     * Schedules a periodic timer whose k-th deadline is {@code firstDeadlineNanos + k × periodNanos}.
     *
     * @param firstDeadlineNanos the first deadline; may be in the past (see the class comment for late polls)
     * @param periodNanos        the period, &gt; 0
     * @return the timer id, the same for every expiry, valid until cancelled
     */
    public long schedulePeriodic(long firstDeadlineNanos, long periodNanos) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("periodNanos <= 0: periodNanos=" + periodNanos);
        }
        return add(firstDeadlineNanos, periodNanos);
    }

    /**
     * Cancels a scheduled timer.
     *
     * @return true if it was scheduled; false if it already fired (one-shot), was cancelled or never existed
     */
    public boolean cancel(long timerId) {
        int entry = entryOf(timerId);
        if (entry == NONE) {
            return false;
        }
        if (nextDeadlineKnown && deadlines[entry] == cachedNextDeadline) {
            nextDeadlineKnown = false;
        }
        unlink(entry);
        release(entry);
        return true;
    }

    /** @return true while the timer may still fire: scheduled, not yet fired if one-shot, not cancelled */
    public boolean isScheduled(long timerId) {
        return entryOf(timerId) != NONE;
    }

    /**
     * @return how many deadlines of this periodic timer passed without firing because polls came late, in total
     *         since it was scheduled; 0 for a one-shot timer; -1 when the id names no scheduled timer
     */
    public long missedPeriods(long timerId) {
        int entry = entryOf(timerId);
        return entry == NONE ? -1 : missed[entry];
    }

    /** @return the number of scheduled timers */
    public int size() {
        return size;
    }

    /**
     * Fires, in deadline order, the timers whose deadline is at or before {@code nowNanos}, at most
     * {@code limit} of them; the rest stay due and fire at the next poll. A periodic timer fires at most once per
     * poll. A timer that a handler schedules with a deadline at or before {@code nowNanos} may fire within the
     * same poll. If the handler throws, the exception propagates, the expiry it was handling counts as done, and
     * the other due timers fire at the next poll.
     *
     * @param nowNanos the current time of the clock
     * @param handler  receives each expiry
     * @param limit    the maximum number of expiries, &ge; 1
     * @return the number of expiries handled
     */
    public int poll(long nowNanos, ExpiryHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: limit=" + limit);
        }
        long nowTick = Math.floorDiv(nowNanos, tickNanos);
        int fired = 0;
        int idleTicks = 0;
        while (true) {
            int firedInTick = drainTick(nowNanos, handler, limit - fired);
            fired += firedInTick;
            if (fired >= limit || cursorTick >= nowTick) {
                break;
            }
            // every entry filed under a tick before nowTick has a deadline before now: the tick is drained
            cursorTick++;
            idleTicks = firedInTick == 0 ? idleTicks + 1 : 0;
            if (size == 0) {
                cursorTick = nowTick;
            } else if (idleTicks > mask) {
                // a whole rotation with nothing due: jump to the next tick that holds anything
                cursorTick = Math.min(Math.max(smallestHeadTick(), cursorTick), nowTick);
                idleTicks = 0;
            }
        }
        return fired;
    }

    /**
     * @return the earliest deadline of all scheduled timers (possibly in the past, when a poll is due), or
     *         {@link Long#MAX_VALUE} when none is scheduled
     */
    public long nextDeadline() {
        if (!nextDeadlineKnown) {
            long earliest = Long.MAX_VALUE;
            for (int head : heads) {
                if (head != NONE && deadlines[head] < earliest) {
                    earliest = deadlines[head];
                }
            }
            cachedNextDeadline = earliest;
            nextDeadlineKnown = true;
        }
        return cachedNextDeadline;
    }

    /** Fires the due prefix of the cursor tick's slot, re-reading the head after each handler call. */
    private int drainTick(long nowNanos, ExpiryHandler handler, int budget) {
        int slot = (int) (cursorTick & mask);
        int fired = 0;
        while (fired < budget) {
            int entry = heads[slot];
            if (entry == NONE || ticks[entry] != cursorTick || deadlines[entry] > nowNanos) {
                return fired;
            }
            long timerId = idOf(entry);
            long deadline = deadlines[entry];
            long period = periods[entry];
            long skipped = 0;
            unlink(entry);
            nextDeadlineKnown = false;
            if (period == 0) {
                release(entry);
            } else {
                // now >= deadline, so the difference is exact as an unsigned long even across the sign boundary
                skipped = Long.divideUnsigned(nowNanos - deadline, period);
                deadline += skipped * period;   // the latest deadline <= now, still first + k × period
                if (deadline > Long.MAX_VALUE - period) {
                    release(entry);
                } else {
                    missed[entry] += skipped;
                    deadlines[entry] = deadline + period;
                    link(entry);
                }
            }
            fired++;
            handler.onExpiry(timerId, deadline, skipped);
        }
        return fired;
    }

    private long add(long deadlineNanos, long periodNanos) {
        if (freeHead == NONE) {
            if (deadlines.length >= MAX_CAPACITY) {
                throw new IllegalStateException("timers >= " + MAX_CAPACITY + ": size=" + size);
            }
            grow(deadlines.length * 2);
        }
        int entry = freeHead;
        freeHead = next[entry];
        live[entry] = true;
        deadlines[entry] = deadlineNanos;
        periods[entry] = periodNanos;
        sequences[entry] = nextSequence++;
        missed[entry] = 0;
        size++;
        link(entry);
        if (nextDeadlineKnown && deadlineNanos < cachedNextDeadline) {
            cachedNextDeadline = deadlineNanos;
        }
        return idOf(entry);
    }

    /** Files the entry under its tick, keeping the slot sorted by (deadline, sequence). */
    private void link(int entry) {
        long tick = Math.max(Math.floorDiv(deadlines[entry], tickNanos), cursorTick);
        ticks[entry] = tick;
        int slot = (int) (tick & mask);
        int before = tails[slot];
        while (before != NONE && precedes(entry, before)) {
            before = prev[before];
        }
        int after = before == NONE ? heads[slot] : next[before];
        prev[entry] = before;
        next[entry] = after;
        if (before == NONE) {
            heads[slot] = entry;
        } else {
            next[before] = entry;
        }
        if (after == NONE) {
            tails[slot] = entry;
        } else {
            prev[after] = entry;
        }
    }

    private void unlink(int entry) {
        int slot = (int) (ticks[entry] & mask);
        int before = prev[entry];
        int after = next[entry];
        if (before == NONE) {
            heads[slot] = after;
        } else {
            next[before] = after;
        }
        if (after == NONE) {
            tails[slot] = before;
        } else {
            prev[after] = before;
        }
    }

    private void release(int entry) {
        live[entry] = false;
        int generation = (generations[entry] + 1) & GENERATION_MASK;
        generations[entry] = generation == 0 ? 1 : generation;
        next[entry] = freeHead;
        freeHead = entry;
        size--;
    }

    private boolean precedes(int a, int b) {
        return deadlines[a] < deadlines[b] || (deadlines[a] == deadlines[b] && sequences[a] < sequences[b]);
    }

    private long smallestHeadTick() {
        long smallest = Long.MAX_VALUE;
        for (int head : heads) {
            if (head != NONE && ticks[head] < smallest) {
                smallest = ticks[head];
            }
        }
        return smallest;
    }

    private long idOf(int entry) {
        return ((long) generations[entry] << 32) | entry;
    }

    private int entryOf(long timerId) {
        long index = timerId & 0xffff_ffffL;
        int generation = (int) (timerId >>> 32);
        if (index >= deadlines.length) {
            return NONE;
        }
        int entry = (int) index;
        return live[entry] && generations[entry] == generation ? entry : NONE;
    }

    private void grow(int capacity) {
        int old = deadlines.length;
        deadlines = Arrays.copyOf(deadlines, capacity);
        periods = Arrays.copyOf(periods, capacity);
        sequences = Arrays.copyOf(sequences, capacity);
        ticks = Arrays.copyOf(ticks, capacity);
        missed = Arrays.copyOf(missed, capacity);
        next = Arrays.copyOf(next, capacity);
        prev = Arrays.copyOf(prev, capacity);
        generations = Arrays.copyOf(generations, capacity);
        live = Arrays.copyOf(live, capacity);
        for (int entry = capacity - 1; entry >= old; entry--) {
            generations[entry] = 1;
            next[entry] = freeHead;
            freeHead = entry;
        }
    }
}
