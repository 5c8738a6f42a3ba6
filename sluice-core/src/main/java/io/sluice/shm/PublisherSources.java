package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.MessageType;
import io.sluice.Qos;

import java.util.ArrayList;
import java.util.List;

import static io.sluice.shm.TopicLayout.MAX_PUBLISHERS;
import static io.sluice.shm.TopicLayout.STATE_ACTIVE;

/**
 * The publishers of a topic as one subscriber sees them: which incarnations it is attached to, which generation of
 * each it reads, and those that left but still hold samples it is owed.
 *
 * <h2>Implementation notes</h2>
 * Every take first compares REGISTRY_VERSION (one acquire load) with the version last read; on a change
 * {@link #refresh} rereads the publisher rows: a new incarnation is attached (its segment mapped read-only), a new
 * generation of a known publisher is switched to once the old one is drained (its TAIL is final once its SUCCESSOR is
 * set), a publisher that left is drained of what it published and then dropped. A publisher that died is found by
 * probing its row lock every {@link #PROBE_INTERVAL_NANOS} while the subscriber takes or spins, by
 * {@link #QUIET_NANOS} after the last evidence of its life while the subscriber sleeps ({@link #sleepNanos}), and at
 * every {@link io.sluice.os.FutexWaitable#MAINTENANCE_INTERVAL_NANOS} of an executor's upkeep; its row and files are
 * reclaimed. A publisher with fresh evidence of life is not asked ({@link #probe}).
 * How an attach orders its cursor before its look at TAIL, so that a reliable subscriber loses nothing from its
 * first moment, is told at {@link #start} and in {@link ShmPublisher}.
 *
 * <p>Used by the subscriber's taking thread only (the constructor's attach runs under the admin lock).
 *
 * @param <T> the message view
 */
final class PublisherSources<T> {
    static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    /** The longest a subscriber goes without evidence that its publishers live, asleep or not (two intervals). */
    static final long QUIET_NANOS = 2 * PROBE_INTERVAL_NANOS;
    private static final long ATTACH_RETRY_NANOS = 100_000_000L;

    private final Participant owner;
    private final String topic;
    private final MessageType<T> type;
    private final Qos qos;
    private final Qos.Kind kind;
    private final boolean inOrder;
    private final TopicFile file;
    private final SubscriberRow ownRow;
    private final int row;
    private final int joinIncarnation;
    private final HeldSamples<T> pins;

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
    final PublisherSource<T>[] sources = new PublisherSource[MAX_PUBLISHERS];
    final List<PublisherSource<T>> draining = new ArrayList<>();
    private int registrySeen = -1;
    /** When to try again to attach a publisher whose segment could not be mapped; 0 when none failed. */
    private long attachRetryAt;
    private long lastProbe;
    /** How many probes ran, and how many publisher locks they asked (for tests). */
    long probes;
    long lockProbes;
    /** Samples lost to generations and publishers this subscriber could not reach. */
    long lost;

    PublisherSources(Participant owner, String topic, MessageType<T> type, Qos qos, TopicFile file,
                     SubscriberRow ownRow, int joinIncarnation, HeldSamples<T> pins) {
        this.owner = owner;
        this.topic = topic;
        this.type = type;
        this.qos = qos;
        this.kind = qos.kind();
        this.inOrder = kind != Qos.Kind.LATEST;
        this.file = file;
        this.ownRow = ownRow;
        this.row = ownRow.index;
        this.joinIncarnation = joinIncarnation;
        this.pins = pins;
        this.lastProbe = System.nanoTime();
    }

    /** Forgets the registry version seen, so that the next {@link #refresh} rereads the rows and reports a failure. */
    void lookAgain() {
        registrySeen = -1;
        attachRetryAt = 0;
    }

    /** Every mapping held, for the subscriber's close. */
    List<SegmentMapping<T>> mappings() {
        List<SegmentMapping<T>> all = new ArrayList<>();
        for (PublisherSource<T> source : sources) {
            if (source != null) {
                all.add(source.mapping);
                if (source.newest != null) {
                    all.add(source.newest);
                }
            }
        }
        for (PublisherSource<T> source : draining) {
            all.add(source.mapping);
            if (source.newest != null) {
                all.add(source.newest);
            }
        }
        return all;
    }

    /**
     * A read of a mapping faulted: HotSpot reports SIGBUS on a mapped file as InternalError. Name the file when one
     * shrank under its mapping (somebody truncated it); otherwise it is not ours to explain.
     */
    RuntimeException diagnose(InternalError fault) {
        List<PublisherSource<T>> all = new ArrayList<>(draining);
        for (PublisherSource<T> source : sources) {
            if (source != null) {
                all.add(source);
            }
        }
        for (PublisherSource<T> source : all) {
            String shrinkage = source.mapping.shrinkage();
            if (shrinkage != null) {
                CorruptDataException corrupt = new CorruptDataException(shrinkage + ", topic=" + topic);
                corrupt.initCause(fault);
                return corrupt;
            }
        }
        throw fault;
    }

    /** Rereads the publisher rows when the registry changed since the last look. */
    void refresh() {
        refresh(false);
    }

    /**
     * Rereads the publisher rows when the registry changed since the last look. A new publisher incarnation is
     * attached under the topic's admin lock ({@code adminHeld}: the caller holds it already), so that attaching and
     * a reclaimer charging the subscribers that never attached to a dead publisher ({@link TopicFile#chargeUnattached})
     * exclude each other: each sample is either read or charged, never both. When the lock is busy, the attach waits
     * for a later take.
     */
    void refresh(boolean adminHeld) {
        int version = file.registryVersion();
        if (version == registrySeen && (attachRetryAt == 0 || System.nanoTime() - attachRetryAt < 0)) {
            return;
        }
        registrySeen = version;
        RuntimeException failure = null;
        boolean locked = false;
        try {
            for (int index = 0; index < MAX_PUBLISHERS; index++) {
                PublisherRow publisher = file.publisher(index);
                int state = publisher.stateAcquire();
                int incarnation = publisher.incarnationAcquire();
                PublisherSource<T> source = sources[index];
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
                        state = publisher.stateAcquire();
                        incarnation = publisher.incarnationAcquire();
                        if (state != STATE_ACTIVE || incarnation == 0) {
                            continue;
                        }
                    }
                    try {
                        sources[index] = attach(index, incarnation, publisher.generationAcquire(),
                            publisher.historyAcquire());
                        if (sources[index] == null && !file.isAlive(publisher.lockByte())) {
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
    private void retireSource(PublisherSource<T> source) {
        source.left = true;
        if (inOrder && !source.drained()) {
            draining.add(source);
        } else {
            drop(source);
        }
    }

    void drop(PublisherSource<T> source) {
        if (inOrder) {
            long unread = source.mapping.tailAcquire() - source.cursor;
            if (unread > 0) {
                lost += unread;
            }
        }
        pins.retire(source.mapping);
        retireNewest(source);
    }

    private void retireNewest(PublisherSource<T> source) {
        if (source.newest != null) {
            pins.retire(source.newest);
            source.newest = null;
        }
    }

    /**
     * The mapping holding the publisher's newest sample, for {@code latest()} on an in-order subscriber: the one the
     * subscriber drains when that is the publisher's current generation, else the current generation, mapped aside
     * (and kept until the subscriber switches to it or past it) without moving the subscriber's cursor.
     */
    SegmentMapping<T> newestMapping(PublisherSource<T> source) {
        SegmentMapping<T> mapping = source.mapping;
        if (mapping.successor() == 0 || source.left) {
            return mapping;
        }
        PublisherRow publisher = file.publisher(source.index);
        int generation = publisher.generationAcquire();
        if (publisher.incarnationAcquire() != source.incarnation
            || !TopicFile.generationAfter(generation, mapping.generation)) {
            return mapping; // the publisher left, or the row is being changed: the drained generation will do
        }
        if (source.newest != null && source.newest.generation == generation) {
            return source.newest;
        }
        SegmentMapping<T> newest = SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), generation),
            generation, type);
        if (newest == null) {
            return source.newest != null ? source.newest : mapping; // moved on again: look next time
        }
        if (newest.publisherIndex != source.index || newest.incarnation != source.incarnation) {
            newest.release();
            return mapping;
        }
        retireNewest(source);
        source.newest = newest;
        return newest;
    }

    /** Generation {@code generation} of {@code source}'s publisher: mapped aside by {@link #newestMapping}, or opened. */
    private SegmentMapping<T> open(PublisherSource<T> source, int generation) {
        SegmentMapping<T> newest = source.newest;
        if (newest != null && newest.generation == generation) {
            source.newest = null;
            return newest;
        }
        return SegmentMapping.open(owner.domain().segmentPath(file.topicBase(), generation), generation, type);
    }

    private PublisherSource<T> attach(int index, int incarnation, int generation, int history) {
        boolean first = joinIncarnation - incarnation < 0; // we were here before it: everything it publishes is ours
        SegmentMapping<T> mapping = null;
        if (first) {
            int firstGeneration = file.publisher(index).firstGenerationAcquire();
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
        try {
            return start(index, incarnation, history, first, mapping);
        } catch (RuntimeException | Error e) {
            // a fault in the mapping (InternalError on SIGBUS): the source is not kept, nor the cursor entry that
            // names its incarnation (a publisher would wait for it, a reclaimer would not charge us), and the rows
            // are read again at the next take
            ownRow.cursorEntryVolatile(index, 0, 0, 0);
            registrySeen = -1;
            mapping.release();
            throw e;
        }
    }

    /** Where a subscriber starts in the newly attached {@code mapping}; see {@link #attach}. */
    private PublisherSource<T> start(int index, int incarnation, int history, boolean first,
                                     SegmentMapping<T> mapping) {
        if (first) {
            long start = mapping.startSequence;
            if (inOrder && start > 0) {
                lost += start; // its first generations are gone: what they held is counted, not skipped silently
            }
            PublisherSource<T> source = new PublisherSource<>(ownRow, inOrder, index, incarnation, mapping, start);
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
        PublisherSource<T> source = new PublisherSource<>(ownRow, inOrder, index, incarnation, mapping,
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
    boolean switchGeneration(PublisherSource<T> source) {
        int generation = kind == Qos.Kind.LATEST ? 0 : source.mapping.successor();
        if (generation != 0 && !TopicFile.generationAfter(generation, source.mapping.generation)) {
            source.switchFailedAt = file.registryVersion(); // reported once; not followed round in a circle
            throw new CorruptDataException("segment SUCCESSOR does not come after its generation: file="
                + source.mapping.path + ", successor=" + generation + ", generation=" + source.mapping.generation);
        }
        SegmentMapping<T> next = generation == 0 ? null : open(source, generation);
        if (next == null) {
            PublisherRow publisher = file.publisher(source.index);
            generation = publisher.generationAcquire();
            int incarnation = publisher.incarnationAcquire();
            if (incarnation != source.incarnation || generation == source.mapping.generation) {
                return false; // the publisher left; refresh() will notice
            }
            next = open(source, generation);
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
        pins.retire(source.mapping);
        source.mapping = next;
        if (source.newest != null && !TopicFile.generationAfter(source.newest.generation, next.generation)) {
            retireNewest(source); // switched past it
        }
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_SWITCHED.hit();
        }
        source.publishGeneration();
        if (next.startSequence > source.cursor) {
            if (inOrder) {
                lost += next.startSequence - source.cursor;
            }
            source.advance(next.startSequence);
        }
        return true;
    }

    SegmentMapping<T> jumpToNewestGeneration(PublisherSource<T> source) {
        SegmentMapping<T> mapping = source.mapping;
        if (mapping.successor() != 0) {
            switchGeneration(source);
        }
        return source.mapping;
    }

    /** Probes when {@link #PROBE_INTERVAL_NANOS} have passed since the last probe; whether it probed. */
    boolean probeIfDue(long now) {
        if (now - lastProbe >= PROBE_INTERVAL_NANOS) {
            probe(now);
            return true;
        }
        return false;
    }

    /**
     * A sample taken at {@code now} from publisher {@code publisherIndex}, published at {@code stamp}: evidence that
     * the publisher was alive then (never later than the take, whatever stamp a damaged segment holds).
     */
    void sawSample(int publisherIndex, long stamp, long now) {
        PublisherSource<T> source = sources[publisherIndex];
        if (source != null) {
            source.sawAliveAt(stamp - now < 0 ? stamp : now);
        }
    }

    /**
     * How long a subscriber with nothing to take may sleep from {@code now} before its next probe is needed: until
     * {@link #QUIET_NANOS} after the oldest evidence that an attached publisher is alive, and not before the next
     * probe is due; {@link #PROBE_INTERVAL_NANOS} when none is attached. A subscriber that a publisher wakes more
     * often than every {@link #QUIET_NANOS} never wakes to probe.
     */
    long sleepNanos(long now) {
        long oldest = 0;
        boolean any = false;
        for (PublisherSource<T> source : sources) {
            if (source != null && (!any || source.aliveAt - oldest < 0)) {
                oldest = source.aliveAt;
                any = true;
            }
        }
        if (!any) {
            return PROBE_INTERVAL_NANOS;
        }
        long wakeAt = oldest + QUIET_NANOS;
        if (wakeAt - (lastProbe + PROBE_INTERVAL_NANOS) < 0) {
            wakeAt = lastProbe + PROBE_INTERVAL_NANOS;
        }
        return Math.max(1, Math.min(QUIET_NANOS, wakeAt - now));
    }

    /**
     * Probes the liveness of every attached publisher; a dead one's row and files are reclaimed. A publisher with
     * fresh evidence of life is not asked (a lock probe is a system call): its TAIL moved since the last probe, or a
     * sample taken from it or its lock said so within the last {@link #PROBE_INTERVAL_NANOS}. A streaming publisher
     * so costs its subscribers no probe at all; a dead one gives no more evidence and is asked at the probe after
     * next at the latest. A sleeping subscriber wakes by {@link #QUIET_NANOS} after the oldest evidence
     * ({@link #sleepNanos}), so, asleep or probing every interval, it finds a death within {@link #QUIET_NANOS}.
     */
    private void probe(long now) {
        long previous = lastProbe;
        lastProbe = now;
        probes++;
        for (PublisherSource<T> source : sources) {
            if (source == null) {
                continue;
            }
            if (source.publishedSinceLastProbe()) {
                source.sawAliveAt(previous); // it committed a sample after the previous probe
                continue;
            }
            if (now - source.aliveAt < PROBE_INTERVAL_NANOS) {
                continue;
            }
            lockProbes++;
            if (file.isAlive(file.publisher(source.index).lockByte())) {
                source.sawAliveAt(now);
            } else {
                file.reclaimDeadIfAdminFree(-1, row);
                refresh();
                return;
            }
        }
    }
}
