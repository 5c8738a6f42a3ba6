package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import io.sluice.WaitStrategy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.sluice.shm.SegmentLayout.*;
import static io.sluice.shm.TopicFile.INT;
import static io.sluice.shm.TopicFile.LONG;
import static io.sluice.shm.TopicLayout.*;

/**
 * The shared-memory subscriber: reads every publisher's segment of its topic in place.
 *
 * <h2>Implementation notes</h2>
 * <b>Taking sequence s</b> of a publisher: acquire-load TAIL (s &lt; TAIL means s was committed); read the ring entry
 * of s as a hint for its slot k; set a bit in HELD_MASK (atomic), store the pin (generation, k) (volatile), then read
 * SLOT_SEQUENCE[k] (volatile). Equal to s: the sample is ours and stays intact until the pin is cleared (see the
 * handshake in {@link ShmPublisher}). CLAIMING: the publisher is deciding about k right now; re-read (a bounded spin)
 * until it either restores s or moves on. Anything else: s was overwritten; the pin is cleared and the loss counted.
 * Release: clear the pin (release store), then the mask bit (atomic).
 *
 * <p><b>Publishers come and go.</b> Every take first compares REGISTRY_VERSION (one acquire load) with the version
 * it last read; on a change it rereads the publisher rows: a new incarnation is attached (its segment mapped
 * read-only), a new generation of a known publisher is switched to once the old one is drained (its TAIL is final
 * once its SUCCESSOR is set), a publisher that left is drained of what it published and then dropped. A publisher
 * that died is found by probing its row lock every {@link #PROBE_INTERVAL_NANOS} while the subscriber takes or spins
 * and at least every {@link #MAX_SLEEP_NANOS} while it sleeps, and its row and
 * files are reclaimed.
 *
 * <p><b>Mappings</b> of generations the subscriber has moved past are unmapped when the last sample on them closes.
 */
public final class ShmSubscriber<T> implements Subscriber<T>, FutexWaitable {
    static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    /** Longest futex sleep: an idle subscriber wakes this often to probe its publishers' liveness. */
    private static final long MAX_SLEEP_NANOS = PROBE_INTERVAL_NANOS;
    /**
     * How long a pin waits out a slot in CLAIMING (a live publisher resolves it within its pin scan, microseconds):
     * past it the publisher is stopped, preempted or dead, and the take moves on instead of spinning.
     */
    private static final int CLAIM_SPIN_LIMIT = 1_000;
    private static final long ATTACH_RETRY_NANOS = 100_000_000L;

    private final Participant owner;
    private final String topic;
    private final MessageType<T> type;
    private final Qos qos;
    private final Qos.Kind kind;
    private final WaitStrategy waitStrategy;
    private final TopicFile file;
    private final int row;
    private final int joinIncarnation;
    private final long heldMaskOffset;
    private final MemorySegment notifyWord;
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);

    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of an inner class of a generic class
    private final Source[] sources = new ShmSubscriber.Source[MAX_PUBLISHERS];
    private final List<Source> draining = new ArrayList<>();
    private final SampleImpl[] samples;
    private final Object retireLock = new Object();
    private int registrySeen = -1;
    /** When to try again to attach a publisher whose segment could not be mapped; 0 when none failed. */
    private long attachRetryAt;
    private int lastServed = -1;
    private long lost;
    private long malformed;
    /** Set by the last {@link #pin} that gave up on a slot its publisher left in CLAIMING. */
    private boolean claimStalled;
    private long lastProbe;
    private int takeCount;
    private volatile boolean closed;
    /** The doorbell publishers ring for this subscriber, or null (see {@link #ringOn}). */
    private Doorbell ringing;

    ShmSubscriber(Participant owner, String topic, MessageType<T> type, Qos qos) {
        this.owner = owner;
        this.topic = topic;
        this.type = type;
        this.qos = qos;
        this.kind = qos.kind();
        this.waitStrategy = qos.waitStrategy() != null ? qos.waitStrategy() : owner.options().waitStrategy();
        @SuppressWarnings({"unchecked", "rawtypes"})
        SampleImpl[] pool = new ShmSubscriber.SampleImpl[MAX_HELD];
        for (int held = 0; held < MAX_HELD; held++) {
            pool[held] = new SampleImpl(held);
        }
        this.samples = pool;
        TopicFile opened = TopicFile.openLocked(owner.domain(), topic, type);
        try {
            opened.reclaimDead(-1, -1);
            int freeRow = -1;
            for (int candidate = 0; candidate < MAX_SUBSCRIBERS && freeRow < 0; candidate++) {
                if ((int) INT.getVolatile(opened.memory, subscriberRow(candidate) + S_STATE) == STATE_FREE
                    && opened.tryLockRow(SUBSCRIBER_LOCK_BASE + candidate)) {
                    freeRow = candidate;
                }
            }
            if (freeRow < 0) {
                throw new SluiceException("too many subscribers on topic " + topic + ": maxSubscribers="
                    + MAX_SUBSCRIBERS);
            }
            this.row = freeRow;
            long base = subscriberRow(row);
            this.joinIncarnation = opened.nextRegistryVersion();
            opened.memory.asSlice(base, SUBSCRIBER_ROW_LENGTH).fill((byte) 0);
            INT.set(opened.memory, base + S_INCARNATION, joinIncarnation);
            INT.set(opened.memory, base + S_QOS, kind.ordinal() + 1);
            INT.set(opened.memory, base + S_DEPTH, qos.depth());
            INT.set(opened.memory, base + S_PID, (int) ProcessHandle.current().pid());
            opened.writeName(base + S_NAME, owner.name());
            INT.setRelease(opened.memory, base + S_STATE, STATE_ACTIVE);
            opened.setSubscriberBit(ACTIVE_SUBSCRIBERS_OFFSET, row, true);
            if (kind == Qos.Kind.RELIABLE) {
                opened.setSubscriberBit(RELIABLE_SUBSCRIBERS_OFFSET, row, true);
            }
        } catch (RuntimeException e) {
            opened.unlockAdmin();
            opened.close();
            throw e;
        }
        this.file = opened;
        this.heldMaskOffset = subscriberRow(row) + S_HELD_MASK;
        this.notifyWord = opened.notifyWord();
        this.lastProbe = System.nanoTime();
        // Attach the publishers already there before anybody can count this subscriber (subscriberCount() takes the
        // admin lock we hold): a publisher that sees it and publishes at once must reach it. What they publish from
        // the attach on is ours; the admin lock keeps their rows and generations still meanwhile.
        try {
            refresh(true);
        } catch (RuntimeException e) {
            registrySeen = -1; // look again, and report it, at the first take
            attachRetryAt = 0;
        } catch (Error e) {
            opened.unlockAdmin();
            close(); // a row nobody can close would hold back reliable publishers for the life of this process
            throw e;
        }
        try {
            opened.bumpRegistry();
        } finally {
            opened.unlockAdmin();
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Qos qos() {
        return qos;
    }

    @Override
    public long lostCount() {
        return closed ? lost : lost + (long) LONG.getVolatile(file.memory, subscriberRow(row) + S_LOST_ELSEWHERE);
    }

    @Override
    public long malformedCount() {
        return malformed;
    }

    // ------------------------------------------------------------------------------------------ taking

    @Override
    public Sample<T> take() {
        checkOpen();
        try {
            refresh();
            if ((++takeCount & 255) == 0) {
                probeIfDue(System.nanoTime());
            }
            return kind == Qos.Kind.LATEST ? takeNewestUnseen() : takeInOrder();
        } catch (InternalError fault) {
            throw diagnose(fault);
        }
    }

    /**
     * A read of a mapping faulted: HotSpot reports SIGBUS on a mapped file as InternalError. Name the file when one
     * shrank under its mapping (somebody truncated it); otherwise it is not ours to explain.
     */
    private RuntimeException diagnose(InternalError fault) {
        List<Source> all = new ArrayList<>(draining);
        for (Source source : sources) {
            if (source != null) {
                all.add(source);
            }
        }
        for (Source source : all) {
            String shrinkage = source.mapping.shrinkage();
            if (shrinkage != null) {
                CorruptDataException corrupt = new CorruptDataException(shrinkage + ", topic=" + topic);
                corrupt.initCause(fault);
                return corrupt;
            }
        }
        throw fault;
    }

    @Override
    public Sample<T> take(Duration timeout) {
        Sample<T> sample = take();
        if (sample != null) {
            return sample;
        }
        long timeoutNanos = timeout.toNanos();
        if (timeoutNanos <= 0) {
            return null;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        return switch (waitStrategy) {
            case SPIN -> spinUntil(deadline);
            case BACKOFF -> backoffUntil(deadline);
            case BLOCK -> blockUntil(deadline);
        };
    }

    private Sample<T> spinUntil(long deadline) {
        for (int spins = 1; ; spins++) {
            Thread.onSpinWait();
            Sample<T> sample = take();
            if (sample != null) {
                return sample;
            }
            if ((spins & 1023) == 0) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    return null;
                }
                probeIfDue(now);
            }
        }
    }

    private Sample<T> backoffUntil(long deadline) {
        long park = 1_000;
        for (int attempt = 0; ; attempt++) {
            if (attempt < 200) {
                Thread.onSpinWait();
            } else if (attempt < 220) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, 1_000_000);
            }
            Sample<T> sample = take();
            if (sample != null) {
                return sample;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return null;
            }
            probeIfDue(now);
        }
    }

    /** Sleeps on the topic's futex word; see the wake-up protocol in {@link ShmPublisher}. */
    private Sample<T> blockUntil(long deadline) {
        MemorySegment registry = file.memory;
        while (true) {
            int seen = (int) INT.getVolatile(registry, (long) NOTIFY_OFFSET);
            file.setSubscriberBit(SLEEPING_SUBSCRIBERS_OFFSET, row, true); // atomic: a full fence before the look
            Sample<T> sample;
            try {
                sample = take();
                if (sample == null) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return null;
                    }
                    Native.futexWait(notifyWord, seen, Math.min(remaining, MAX_SLEEP_NANOS), timespec);
                }
            } finally {
                file.setSubscriberBit(SLEEPING_SUBSCRIBERS_OFFSET, row, false);
            }
            if (sample != null) {
                return sample;
            }
            long now = System.nanoTime();
            probeIfDue(now);
            if (now - deadline >= 0) {
                return take();
            }
        }
    }

    // ------------------------------------------------------------------------------- executors' wait (FutexWaitable)

    @Override
    public MemorySegment waitWord() {
        return notifyWord;
    }

    /** As {@link #blockUntil}: read the word, then set the SLEEPING bit (atomic: a full fence before the look). */
    @Override
    public int armWait() {
        checkOpen();
        int seen = (int) INT.getVolatile(file.memory, (long) NOTIFY_OFFSET);
        file.setSubscriberBit(SLEEPING_SUBSCRIBERS_OFFSET, row, true);
        return seen;
    }

    @Override
    public void disarmWait() {
        if (!closed) {
            file.setSubscriberBit(SLEEPING_SUBSCRIBERS_OFFSET, row, false);
        }
    }

    /**
     * Has publishers ring {@code bell} after each publish from now on, in place of the topic's own word: an executor
     * that drives many subscribers sleeps on its one bell. The row names the bell before its BELL bit is set (an
     * atomic, a full fence), so a publisher that sees the bit reads the bell. Replaces a previous bell.
     */
    public void ringOn(Doorbell bell) {
        checkOpen();
        if (bell == ringing) {
            return;
        }
        if (ringing != null) {
            throw new IllegalStateException("subscriber already rings another doorbell: topic=" + topic
                + "; an executor that shares it waits on the topic's word instead");
        }
        ringing = bell;
        long base = subscriberRow(row);
        file.setSubscriberBit(BELL_SUBSCRIBERS_OFFSET, row, false);
        INT.setRelease(file.memory, base + S_BELL_PID, bell.pid());
        INT.setRelease(file.memory, base + S_BELL_SLOT, bell.slot());
        INT.setRelease(file.memory, base + S_BELL_FILE_ID, bell.fileId());
        file.setSubscriberBit(BELL_SUBSCRIBERS_OFFSET, row, true);
    }

    /** Stops the ringing of {@code bell} started by {@link #ringOn}; harmless when closed or ringing another. */
    public void ringOff(Doorbell bell) {
        if (!closed && ringing == bell) {
            ringing = null;
            file.setSubscriberBit(BELL_SUBSCRIBERS_OFFSET, row, false);
        }
    }

    /** The domain the subscriber's topic lives in. */
    public Domain domain() {
        return owner.domain();
    }

    @Override
    public void maintain(long nowNanos) {
        if (!closed) {
            probeIfDue(nowNanos);
        }
    }

    private Sample<T> takeInOrder() {
        if (!draining.isEmpty()) {
            for (int i = 0; i < draining.size(); i++) {
                Source source = draining.get(i);
                Sample<T> sample = takeFrom(source);
                if (sample != null) {
                    return sample;
                }
                if (source.drained()) {
                    drop(source);
                    draining.remove(i--);
                }
            }
        }
        for (int i = 1; i <= MAX_PUBLISHERS; i++) {
            int index = (lastServed + i) & (MAX_PUBLISHERS - 1);
            Source source = sources[index];
            if (source != null) {
                Sample<T> sample = takeFrom(source);
                if (sample != null) {
                    lastServed = index;
                    return sample;
                }
            }
        }
        return null;
    }

    /** The next sample of {@code source} in order, counting what was skipped; null when it has none now. */
    private Sample<T> takeFrom(Source source) {
        while (true) {
            SegmentMapping<T> mapping = source.mapping;
            long tail = mapping.tailAcquire();
            long cursor = source.cursor;
            if (cursor >= tail) {
                if (mapping.successor() == 0 || cursor < mapping.tailAcquire() || source.finished) {
                    return null;
                }
                int version = file.registryVersion();
                if (version != source.switchFailedAt && switchGeneration(source)) {
                    continue;
                }
                long end = mapping.finalEnd();
                if (end >= 0) {
                    // the publisher is gone with the generations after this one: count what we cannot reach
                    lost += Math.max(0, end - cursor);
                    source.advance(Math.max(cursor, end));
                    source.finished = true;
                } else {
                    // the next generation cannot be opened now; try again once the registry changes (the publisher
                    // moved on, left, or its death was reclaimed and this generation sealed), not on every take
                    source.switchFailedAt = version;
                }
                return null;
            }
            long limit = kind == Qos.Kind.QUEUE ? Math.min(qos.depth(), mapping.ringMask + 1L) : mapping.ringMask + 1L;
            if (tail - cursor > limit) {
                lost += tail - cursor - limit;
                cursor = tail - limit;
            }
            int held = freeHeld();
            SampleImpl sample;
            try {
                sample = pin(held, source, mapping, mapping.ringSlot(cursor), cursor);
            } catch (RuntimeException poison) {
                // it cannot be read (its type rejects it, or its header is damaged): released by pin, skipped here,
                // counted, and reported to the caller, so that one bad sample never wedges the subscriber
                source.advance(cursor + 1);
                lost++;
                malformed++;
                throw poison;
            }
            if (sample == null && claimStalled && !source.left) {
                // its publisher is deciding about that slot and does not finish: stopped, preempted or dead. The
                // sample may yet be kept for us: try again at the next take (from here: what was skipped above is
                // counted already); a death is found by the probe, and a publisher gone never finishes its claim,
                // so then the sample counts as lost below
                source.advance(cursor);
                probeIfDue(System.nanoTime());
                return null;
            }
            source.advance(cursor + 1);
            if (sample != null) {
                return sample;
            }
            lost++;
        }
    }

    private Sample<T> takeNewestUnseen() {
        Source best = null;
        long bestStamp = 0;
        for (Source source : sources) {
            if (source == null) {
                continue;
            }
            jumpToNewestGeneration(source);
            SegmentMapping<T> mapping = source.mapping;
            long newest = mapping.tailAcquire() - 1;
            if (newest < mapping.startSequence || newest <= source.lastSeen || newest == source.poisoned) {
                continue;
            }
            long stamp = newestStamp(source, mapping, newest);
            if (best == null || stamp - bestStamp > 0) {
                best = source;
                bestStamp = stamp;
            }
        }
        if (best == null) {
            return null;
        }
        SampleImpl sample = pinNewest(best);
        if (sample != null) {
            best.lastSeen = sample.sequence;
        }
        return sample;
    }

    @Override
    public Sample<T> latest() {
        checkOpen();
        try {
            return newest();
        } catch (InternalError fault) {
            throw diagnose(fault);
        }
    }

    private Sample<T> newest() {
        refresh();
        if ((++takeCount & 255) == 0) {
            probeIfDue(System.nanoTime());
        }
        Source best = null;
        long bestStamp = 0;
        for (Source source : sources) {
            if (source == null) {
                continue;
            }
            SegmentMapping<T> mapping = kind == Qos.Kind.LATEST ? jumpToNewestGeneration(source) : source.mapping;
            long newest = mapping.tailAcquire() - 1;
            if (newest < mapping.startSequence || newest == source.poisoned) {
                continue;
            }
            long stamp = newestStamp(source, mapping, newest);
            if (best == null || stamp - bestStamp > 0) {
                best = source;
                bestStamp = stamp;
            }
        }
        return best == null ? null : pinNewest(best);
    }

    /**
     * Pins the newest sample of {@code source}, retrying while the publisher outruns us. A newest sample that cannot
     * be read is remembered as poisoned (neither {@link #take} nor {@link #latest} offers it again), counted, and
     * reported.
     */
    private SampleImpl pinNewest(Source source) {
        SegmentMapping<T> mapping = source.mapping;
        int held = freeHeld();
        for (int attempt = 0; attempt < 16; attempt++) {
            long newest = mapping.tailAcquire() - 1;
            if (newest < mapping.startSequence) {
                return null;
            }
            SampleImpl sample;
            try {
                sample = pin(held, source, mapping, mapping.ringSlot(newest), newest);
            } catch (RuntimeException poison) {
                source.poisoned = newest;
                source.lastSeen = Math.max(source.lastSeen, newest);
                malformed++;
                throw poison;
            }
            if (sample != null) {
                return sample;
            }
            if (claimStalled) {
                probeIfDue(System.nanoTime()); // a publisher stuck in its claim: do not spin on it again now
                return null;
            }
        }
        return null;
    }

    /**
     * The publish stamp of sample {@code newest}, through its ring entry. A ring entry outside the slot pool is a
     * damaged sample like any other: remembered as poisoned (not offered again), counted, and reported once.
     */
    private long newestStamp(Source source, SegmentMapping<T> mapping, long newest) {
        int slot;
        try {
            slot = mapping.ringSlot(newest);
        } catch (CorruptDataException damaged) {
            source.poisoned = newest;
            malformed++;
            throw damaged;
        }
        return (long) LONG.getAcquire(mapping.memory, mapping.slotOffset(slot) + SLOT_TIMESTAMP);
    }

    /** A free entry of the held-sample table (PINS and HELD_MASK bit). */
    private int freeHeld() {
        int mask = (int) INT.getVolatile(file.memory, heldMaskOffset);
        int free = ~mask & ((1 << MAX_HELD) - 1);
        if (free == 0) {
            throw new SluiceException("subscriber holds too many samples: topic=" + topic + ", held=" + MAX_HELD
                + "; close samples before taking more");
        }
        return Integer.numberOfTrailingZeros(free);
    }

    /**
     * Pins {@code slot} in entry {@code held} (from {@link #freeHeld}) and checks it holds {@code sequence}; returns
     * the bound sample, or null when the slot has moved on (the pin is undone). When the sample cannot be read — a
     * length outside its slot, or a message its type rejects — the pin is undone and the exception thrown.
     */
    private SampleImpl pin(int held, Source source, SegmentMapping<T> mapping, int slot, long sequence) {
        SlotProtocol.pin(file.memory, heldMaskOffset, held, TopicLayout.pin(row, held),
            pinValue(mapping.generation, slot));
        long current = SlotProtocol.settledSequence(mapping.memory, mapping.slotOffset(slot) + SLOT_SEQUENCE,
            CLAIM_SPIN_LIMIT);
        claimStalled = current == CLAIMING;
        if (current != sequence) {
            unpin(held);
            return null;
        }
        long slotOffset = mapping.slotOffset(slot);
        long length = mapping.memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, slotOffset + SLOT_LENGTH);
        if (length < 0 || length > mapping.slotCapacity) {
            unpin(held);
            throw new CorruptDataException("sample length out of range [0, slotCapacity]: file=" + mapping.path
                + ", slot=" + slot + ", length=" + length + ", slotCapacity=" + mapping.slotCapacity);
        }
        long stamp = mapping.memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, slotOffset + SLOT_TIMESTAMP);
        SampleImpl sample = samples[held];
        try {
            sample.bind(mapping, slot, sequence, length, stamp, source.index);
        } catch (RuntimeException rejected) {
            unpin(held);
            throw rejected;
        }
        return sample;
    }

    private void unpin(int held) {
        SlotProtocol.unpin(file.memory, heldMaskOffset, held, TopicLayout.pin(row, held));
    }

    // --------------------------------------------------------------------------- publishers come and go

    /** Rereads the publisher rows when the registry changed since the last look. */
    private void refresh() {
        refresh(false);
    }

    /**
     * Rereads the publisher rows when the registry changed since the last look. A new publisher incarnation is
     * attached under the topic's admin lock ({@code adminHeld}: the caller holds it already), so that attaching and
     * a reclaimer charging the subscribers that never attached to a dead publisher ({@link TopicFile#chargeUnattached})
     * exclude each other: each sample is either read or charged, never both. When the lock is busy, the attach waits
     * for a later take.
     */
    private void refresh(boolean adminHeld) {
        int version = file.registryVersion();
        if (version == registrySeen && (attachRetryAt == 0 || System.nanoTime() - attachRetryAt < 0)) {
            return;
        }
        registrySeen = version;
        MemorySegment registry = file.memory;
        RuntimeException failure = null;
        boolean locked = false;
        try {
            for (int index = 0; index < MAX_PUBLISHERS; index++) {
                long base = publisherRow(index);
                int state = (int) INT.getAcquire(registry, base + P_STATE);
                int incarnation = (int) INT.getAcquire(registry, base + P_INCARNATION);
                Source source = sources[index];
                if (source != null && (state != STATE_ACTIVE || source.incarnation != incarnation)) {
                    sources[index] = null;
                    retireSource(source);
                    source = null;
                }
                if (state == STATE_ACTIVE && source == null && incarnation != 0) {
                    if (!adminHeld && !locked) {
                        locked = file.tryLockAdmin();
                        if (!locked) {
                            registrySeen = -1; // somebody changes the registry right now: attach at a later take
                            break;
                        }
                        // the row may have changed before we got the lock: read it again under the lock
                        state = (int) INT.getAcquire(registry, base + P_STATE);
                        incarnation = (int) INT.getAcquire(registry, base + P_INCARNATION);
                        if (state != STATE_ACTIVE || incarnation == 0) {
                            continue;
                        }
                    }
                    try {
                        sources[index] = attach(index, incarnation,
                            (int) INT.getAcquire(registry, base + P_GENERATION),
                            (int) INT.getAcquire(registry, base + P_HISTORY));
                        if (sources[index] == null && !file.isAlive(PUBLISHER_LOCK_BASE + index)) {
                            // under the admin lock a live publisher's row always names a file: this one died
                            // between activating its row and naming its segment; reclaim it now rather than
                            // failing to attach at every take until somebody else does
                            file.reclaimDead(-1, row);
                        }
                    } catch (RuntimeException e) {
                        failure = failure == null ? e : failure; // the other publishers still attach
                    }
                }
            }
        } finally {
            if (locked) {
                file.unlockAdmin();
            }
        }
        if (failure == null) {
            attachRetryAt = 0;
            return;
        }
        boolean first = attachRetryAt == 0;
        attachRetryAt = System.nanoTime() + ATTACH_RETRY_NANOS; // it may be transient (no descriptors, no memory)
        if (first) {
            throw failure; // reported once; retried quietly until it attaches
        }
    }

    /** A publisher left: in-order subscribers finish what it published, the others let it go now. */
    private void retireSource(Source source) {
        source.left = true;
        if (kind != Qos.Kind.LATEST && !source.drained()) {
            draining.add(source);
        } else {
            drop(source);
        }
    }

    private void drop(Source source) {
        if (kind != Qos.Kind.LATEST) {
            long unread = source.mapping.tailAcquire() - source.cursor;
            if (unread > 0) {
                lost += unread;
            }
        }
        retire(source.mapping);
    }

    private Source attach(int index, int incarnation, int generation, int history) {
        boolean first = joinIncarnation - incarnation < 0; // we were here before it: everything it publishes is ours
        SegmentMapping<T> mapping = null;
        if (first) {
            int firstGeneration = (int) INT.getAcquire(file.memory, publisherRow(index) + P_FIRST_GENERATION);
            mapping = SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), firstGeneration),
                firstGeneration, type);
        }
        if (mapping == null) {
            mapping = SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), generation), generation, type);
        }
        if (mapping == null) {
            registrySeen = -1; // moved on or left meanwhile: look again next time
            return null;
        }
        if (mapping.publisherIndex != index || mapping.incarnation != incarnation) {
            mapping.release();
            throw new CorruptDataException("segment belongs to another publisher: file=" + mapping.path
                + ", publisherIndex=" + mapping.publisherIndex + ", incarnation=" + mapping.incarnation
                + ", expected publisherIndex=" + index + ", incarnation=" + incarnation);
        }
        if (first) {
            long start = mapping.startSequence;
            if (kind != Qos.Kind.LATEST && start > 0) {
                lost += start; // its first generations are gone: what they held is counted, not skipped silently
            }
            Source source = new Source(index, incarnation, mapping, start);
            source.publishCursor();
            return source;
        }
        // A publisher that was there first owes us what it publishes from now on. Its flow control sees us only once
        // our cursor names its incarnation, so that cursor is stored before we decide where we start: a provisional
        // one (a lower bound of the start), a full fence, then the look at TAIL. Any slot reuse that did not see the
        // provisional cursor read the cursors after storing a TAIL our look sees, and so reused a slot older than
        // our start (see "A subscriber attaching" in ShmPublisher); every later one respects the cursor.
        // a late joiner is owed the publisher's history, but a queue subscriber no more of it than its depth holds
        long keep = Math.max(0, kind == Qos.Kind.QUEUE ? Math.min(history, qos.depth()) : history);
        Source source = new Source(index, incarnation, mapping,
            Math.max(mapping.startSequence, mapping.tailAcquire() - keep));
        source.publishCursor();
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_ATTACH_CURSOR_STORED.hit();
        }
        long tail = mapping.tailVolatile();
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_ATTACH_TAIL_READ.hit();
        }
        source.advance(Math.max(source.cursor, tail - keep));
        return source;
    }

    /**
     * The old generation is drained and has a successor: move to it, or, when its file is already gone, to the
     * publisher's current generation (counting what lay between as lost).
     */
    private boolean switchGeneration(Source source) {
        int generation = kind == Qos.Kind.LATEST ? 0 : source.mapping.successor();
        if (generation != 0 && !TopicFile.generationAfter(generation, source.mapping.generation)) {
            source.switchFailedAt = file.registryVersion(); // reported once; not followed round in a circle
            throw new CorruptDataException("segment SUCCESSOR does not come after its generation: file="
                + source.mapping.path + ", successor=" + generation + ", generation=" + source.mapping.generation);
        }
        SegmentMapping<T> next = generation == 0 ? null
            : SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), generation), generation, type);
        if (next == null) {
            generation = (int) INT.getAcquire(file.memory, publisherRow(source.index) + P_GENERATION);
            int incarnation = (int) INT.getAcquire(file.memory, publisherRow(source.index) + P_INCARNATION);
            if (incarnation != source.incarnation || generation == source.mapping.generation) {
                return false; // the publisher left; refresh() will notice
            }
            next = SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), generation), generation, type);
            if (next == null) {
                return false;
            }
        }
        if (next.publisherIndex != source.index || next.incarnation != source.incarnation) {
            next.release();
            throw new CorruptDataException("successor segment belongs to another publisher: file=" + next.path
                + ", publisherIndex=" + next.publisherIndex + ", incarnation=" + next.incarnation
                + ", expected publisherIndex=" + source.index + ", incarnation=" + source.incarnation);
        }
        retire(source.mapping);
        source.mapping = next;
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_SWITCHED.hit();
        }
        source.publishGeneration();
        if (next.startSequence > source.cursor) {
            if (kind != Qos.Kind.LATEST) {
                lost += next.startSequence - source.cursor;
            }
            source.advance(next.startSequence);
        }
        return true;
    }

    private SegmentMapping<T> jumpToNewestGeneration(Source source) {
        SegmentMapping<T> mapping = source.mapping;
        if (mapping.successor() != 0) {
            switchGeneration(source);
        }
        return source.mapping;
    }

    /** Unmaps {@code mapping} now, or when the last sample on it closes. */
    private void retire(SegmentMapping<T> mapping) {
        synchronized (retireLock) {
            mapping.retired = true;
            releaseIfUnused(mapping);
        }
    }

    private void releaseIfUnused(SegmentMapping<T> mapping) {
        if (mapping.unmapped) {
            return;
        }
        for (SampleImpl sample : samples) {
            if (sample.open && sample.mapping == mapping) {
                return;
            }
        }
        mapping.unmapped = true;
        mapping.release();
    }

    private void probeIfDue(long now) {
        if (now - lastProbe >= PROBE_INTERVAL_NANOS) {
            maybeProbe();
        }
    }

    /** Probes the liveness of every attached publisher; a dead one's row and files are reclaimed. */
    private void maybeProbe() {
        lastProbe = System.nanoTime();
        for (Source source : sources) {
            if (source != null && !file.isAlive(PUBLISHER_LOCK_BASE + source.index)) {
                file.reclaimDeadIfAdminFree(-1, row);
                refresh();
                return;
            }
        }
    }

    @Override
    public int publisherCount() {
        checkOpen();
        if (!file.lockAdminOrGiveUp()) {
            return file.countLivePublishers(); // a stopped holder: count, reclaim later
        }
        try {
            file.reclaimDead(-1, row);
        } finally {
            file.unlockAdmin();
        }
        refresh();
        int count = 0;
        for (int index = 0; index < MAX_PUBLISHERS; index++) {
            if ((int) INT.getAcquire(file.memory, publisherRow(index) + P_STATE) == STATE_ACTIVE) {
                count++;
            }
        }
        return count;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("subscriber closed: topic=" + topic);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SampleImpl sample : samples) {
            sample.open = false;
        }
        // unmap before the pins go: a sample still read on another thread then fails cleanly instead of seeing its
        // slot reused under it
        synchronized (retireLock) {
            for (Source source : sources) {
                if (source != null) {
                    retire(source.mapping);
                }
            }
            for (Source source : draining) {
                retire(source.mapping);
            }
        }
        // when the registry stays locked by a stopped participant, leave without waiting for it: our row lock goes
        // with the descriptor, and whoever reclaims the row then clears it
        boolean locked = file.lockAdminOrGiveUp();
        try {
            lost += (long) LONG.getVolatile(file.memory, subscriberRow(row) + S_LOST_ELSEWHERE);
            if (!locked) {
                return;
            }
            file.clearSubscriberRow(row);
            file.bumpRegistry();
            file.unlockRow(SUBSCRIBER_LOCK_BASE + row);
            file.reclaimDead(-1, row);
            if (!file.anyOtherAlive(-1, row)) {
                file.removeTopicFiles();
            }
        } finally {
            if (locked) {
                file.unlockAdmin();
            }
            file.close();
            owner.forget(this);
        }
    }

    /** One publisher incarnation as this subscriber sees it. */
    private final class Source {
        final int index;
        final int incarnation;
        final long cursorOffset;
        SegmentMapping<T> mapping;
        long cursor;
        long lastSeen = -1;
        /** The newest sample that could not be read (latest and newest skip it), or -1. */
        long poisoned = -1;
        /** The registry version at which switching to the next generation last failed, or 0. */
        int switchFailedAt;
        /** Its publisher is gone and nothing more of it can be read. */
        boolean finished;
        /** Its publisher left the registry; what it published is being drained. */
        boolean left;

        Source(int index, int incarnation, SegmentMapping<T> mapping, long cursor) {
            this.index = index;
            this.incarnation = incarnation;
            this.mapping = mapping;
            this.cursor = cursor;
            this.cursorOffset = TopicLayout.cursor(row, index);
        }

        /**
         * Makes the cursor known to the publisher (reliable flow control, and which generations it may remove):
         * cursor and generation first, then whose they are, with a volatile store that orders it before the
         * caller's next look at the segment.
         */
        void publishCursor() {
            LONG.setRelease(file.memory, cursorOffset, cursor);
            INT.setRelease(file.memory, cursorOffset + CURSOR_GENERATION, mapping.generation);
            INT.setVolatile(file.memory, cursorOffset + CURSOR_INCARNATION, incarnation);
        }

        /** After a switch: tells an in-order source's publisher that the old generation's file is no longer needed. */
        void publishGeneration() {
            if (kind != Qos.Kind.LATEST && !left) {
                INT.setRelease(file.memory, cursorOffset + CURSOR_GENERATION, mapping.generation);
            }
        }

        /**
         * Moves on; in-order subscribers publish the cursor (flow control, and when old generations may go) — except
         * for a publisher that left: its row, and so the cursor word, may already belong to its successor.
         */
        void advance(long next) {
            cursor = next;
            if (kind != Qos.Kind.LATEST && !left) {
                LONG.setRelease(file.memory, cursorOffset, next);
            }
        }

        boolean drained() {
            return finished || (cursor >= mapping.tailAcquire() && mapping.successor() == 0);
        }
    }

    private final class SampleImpl implements Sample<T> {
        private final int held;
        volatile boolean open;
        SegmentMapping<T> mapping;
        private int slot;
        private long sequence;
        private long length;
        private long stamp;
        private int publisher;
        private T view;

        SampleImpl(int held) {
            this.held = held;
        }

        void bind(SegmentMapping<T> mapping, int slot, long sequence, long length, long stamp, int publisher) {
            this.mapping = mapping;
            this.slot = slot;
            this.sequence = sequence;
            this.length = length;
            this.stamp = stamp;
            this.publisher = publisher;
            this.view = mapping.view(slot, length);
            this.open = true;
        }

        @Override
        public T message() {
            check();
            return view;
        }

        @Override
        public MemorySegment segment() {
            check();
            return mapping.slice(slot, length); // made on demand: a take that reads message() allocates nothing
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public long publishNanos() {
            return stamp;
        }

        @Override
        public int publisherIndex() {
            return publisher;
        }

        private void check() {
            if (!open) {
                throw new IllegalStateException("sample closed: topic=" + topic + ", sequence=" + sequence);
            }
        }

        @Override
        public void close() {
            if (!open) {
                return;
            }
            SegmentMapping<T> on = mapping; // read before the pin goes: then the taker may rebind this object
            open = false;
            if (closed) {
                return;
            }
            unpin(held);
            if (on.retired) {
                synchronized (retireLock) {
                    releaseIfUnused(on);
                }
            }
        }
    }
}
