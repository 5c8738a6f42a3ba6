package io.sluice.shm;

import io.sluice.os.Native;
import io.sluice.os.Doorbell;
import io.sluice.os.FutexWaitable;
import io.sluice.CorruptDataException;
import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.WaitStrategy;
import io.sluice.os.Timeouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

import static io.sluice.shm.SegmentLayout.*;
import static io.sluice.shm.TopicLayout.*;

/**
 * The shared-memory subscriber: reads every publisher's segment of its topic in place. A front over three parts:
 * {@link PublisherSources} (attaching publishers, switching generations, draining those that left, probing their
 * liveness), {@link HeldSamples} (the pin table of its row and the samples bound to it) and the waits of
 * {@link #take(Duration)} and of executors ({@link FutexWaitable}, doorbells); this class joins them into the order in
 * which samples are taken and counts what is lost.
 *
 * <h2>Implementation notes</h2>
 * <b>Taking sequence s</b> of a publisher in order: acquire-load TAIL (s &lt; TAIL means s was committed); skip what
 * the QoS depth or the ring no longer holds (counted lost); read the ring entry of s as a hint for its slot k and pin
 * k ({@link HeldSamples#pin}): the pin either holds s, or s was overwritten (counted lost), or the publisher is stuck
 * deciding about k (try again at the next take). A drained generation whose SUCCESSOR is set is switched from; a
 * generation whose publisher is gone without successor ends at its FINAL_END, past which nothing can be read (counted
 * lost). {@code latest()} and the latest QoS pin the newest sample by publish stamp over all publishers instead.
 *
 * <p><b>Sleeping</b> follows the wake-up protocol in {@link ShmPublisher}: read NOTIFY, set the row's SLEEPING bit (an
 * atomic, a full fence), look for a sample once more, and only then sleep on NOTIFY, at most until the next liveness
 * probe of its publishers is needed ({@code PublisherSources.sleepNanos}: 100 ms after the oldest evidence that one
 * lives, so that a subscriber woken by its publishers at least that often never wakes only to probe).
 */
public final class ShmSubscriber<T> implements Subscriber<T>, FutexWaitable {
    private final Participant owner;
    private final String topic;
    private final Qos qos;
    private final Qos.Kind kind;
    private final WaitStrategy waitStrategy;
    private final WaitStrategy.Idler idler;
    private final TopicFile file;
    private final int row;
    private final SubscriberRow ownRow;
    private final MemorySegment notifyWord;
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);

    private final HeldSamples<T> pins;
    private final PublisherSources<T> publishers;
    private final PublisherSource<T>[] sources;
    private final List<PublisherSource<T>> draining;
    private int lastServed = -1;
    private long lost;
    private long malformed;
    private int takeCount;
    /** Sleeps that ended with nothing to take: timeouts (to probe), spurious wakes (for tests). */
    private long emptyWakes;
    private volatile boolean closed;
    /** The doorbell publishers ring for this subscriber, or null (see {@link #ringOn}). */
    private Doorbell ringing;

    ShmSubscriber(Participant owner, String topic, MessageType<T> type, Qos qos) {
        this.owner = owner;
        this.topic = topic;
        this.qos = qos;
        this.kind = qos.kind();
        this.waitStrategy = qos.waitStrategy() != null ? qos.waitStrategy() : owner.options().waitStrategy();
        this.idler = waitStrategy.blocks() ? null : waitStrategy.idler();
        TopicFile opened = TopicFile.openLocked(owner.domain(), topic, type);
        SubscriberRow claimed = null;
        try {
            opened.reclaimDead(-1, -1);
            claimed = opened.claimSubscriberRow();
            this.ownRow = claimed;
            this.row = claimed.index;
            int joinIncarnation = opened.nextRegistryVersion();
            claimed.activate(joinIncarnation, kind, qos.depth(), (int) ProcessHandle.current().pid(), owner.name());
            this.notifyWord = opened.notifyWord();
            this.pins = new HeldSamples<>(topic, opened, claimed);
            this.publishers = new PublisherSources<>(owner, topic, type, qos, opened, claimed, joinIncarnation, pins);
        } catch (RuntimeException | Error e) { // an Error too: no memory for the above
            if (claimed != null) {
                try {
                    claimed.clear();
                } catch (RuntimeException | Error cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            opened.abandonJoin(e);
            throw e;
        }
        this.file = opened;
        this.sources = publishers.sources;
        this.draining = publishers.draining;
        // Attach the publishers already there before anybody can count this subscriber (subscriberCount() takes the
        // admin lock we hold): a publisher that sees it and publishes at once must reach it. What they publish from
        // the attach on is ours; the admin lock keeps their rows and generations still meanwhile.
        try {
            publishers.refresh(true);
        } catch (RuntimeException e) {
            publishers.lookAgain(); // and report it at the first take
        } catch (Error e) {
            try {
                opened.unlockAdmin();
            } finally {
                try {
                    close(); // a row nobody can close would hold back reliable publishers for the life of this process
                } catch (RuntimeException | Error cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
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
        return closed ? lost : lost + publishers.lost + ownRow.lostElsewhereVolatile();
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
            publishers.refresh();
            Sample<T> sample = kind == Qos.Kind.LATEST ? takeNewestUnseen() : takeInOrder();
            maybeProbeAfterTake(sample);
            return sample;
        } catch (InternalError fault) {
            throw publishers.diagnose(fault);
        }
    }

    @Override
    public Sample<T> take(Duration timeout) {
        Sample<T> sample = take();
        if (sample != null) {
            return sample;
        }
        long timeoutNanos = Timeouts.nanos(timeout);
        if (timeoutNanos <= 0) {
            return null;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        return waitStrategy.blocks() ? blockUntil(deadline) : idleUntil(deadline);
    }

    /** Spins, or backs off, with the strategy's idler between takes. */
    private Sample<T> idleUntil(long deadline) {
        idler.reset();
        while (true) {
            boolean clockDue = idler.idle();
            Sample<T> sample = take();
            if (sample != null) {
                return sample;
            }
            if (clockDue) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    return null;
                }
                publishers.probeIfDue(now);
            }
        }
    }

    /**
     * Sleeps on the topic's futex word; see the wake-up protocol in {@link ShmPublisher}. The liveness probe runs
     * only on the way to sleep, after a look found nothing: never between a wake and the take of what woke it.
     */
    private Sample<T> blockUntil(long deadline) {
        while (true) {
            int seen = file.notifyVolatile();
            ownRow.bitAtomic(SLEEPING_SUBSCRIBERS_OFFSET, true); // a full fence before the look
            Sample<T> sample;
            try {
                sample = take();
                if (sample == null) {
                    long now = System.nanoTime();
                    long remaining = deadline - now;
                    if (remaining <= 0) {
                        return null;
                    }
                    if (publishers.probeIfDue(now)) {
                        sample = take(); // a reclaim may have attached or ended a source: look again
                    }
                    if (sample == null) {
                        Native.futexWait(notifyWord, seen, Math.min(remaining, publishers.sleepNanos(now)), timespec);
                    }
                }
            } finally {
                ownRow.bitAtomic(SLEEPING_SUBSCRIBERS_OFFSET, false);
            }
            if (sample != null) {
                return sample;
            }
            sample = take(); // what the wake brought, before anything else
            long now = System.nanoTime();
            if (sample != null) {
                publishers.sawSample(sample.publisherIndex(), sample.publishNanos(), now); // its publisher lives
                return sample;
            }
            emptyWakes++;
            if (now - deadline >= 0) {
                return null;
            }
        }
    }

    /**
     * The upkeep of {@link #take()}: a take that found nothing probes when due every 256th time, one that found a
     * sample only every 4096th, so that a subscriber that never runs dry still probes now and then while one that
     * keeps up pays for it in its idle time, not between a publish and the user.
     */
    private void maybeProbeAfterTake(Sample<T> sample) {
        if ((++takeCount & (sample == null ? 255 : 4095)) == 0) {
            publishers.probeIfDue(System.nanoTime());
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
        int seen = file.notifyVolatile();
        ownRow.bitAtomic(SLEEPING_SUBSCRIBERS_OFFSET, true);
        return seen;
    }

    @Override
    public void disarmWait() {
        if (!closed) {
            ownRow.bitAtomic(SLEEPING_SUBSCRIBERS_OFFSET, false);
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
        ownRow.bitAtomic(BELL_SUBSCRIBERS_OFFSET, false);
        ownRow.bellRelease(bell.pid(), bell.slot(), bell.fileId());
        ownRow.bitAtomic(BELL_SUBSCRIBERS_OFFSET, true);
    }

    /** Stops the ringing of {@code bell} started by {@link #ringOn}; harmless when closed or ringing another. */
    public void ringOff(Doorbell bell) {
        if (!closed && ringing == bell) {
            ringing = null;
            ownRow.bitAtomic(BELL_SUBSCRIBERS_OFFSET, false);
        }
    }

    /** How many of this subscriber's sleeps ended with nothing to take (for tests). */
    long emptyWakes() {
        return emptyWakes;
    }

    /** How many liveness probes of its publishers this subscriber ran (for tests). */
    long probes() {
        return publishers.probes;
    }

    /** How many times those probes asked a publisher's lock (for tests). */
    long publisherLockProbes() {
        return publishers.lockProbes;
    }

    /** The domain the subscriber's topic lives in. */
    public Domain domain() {
        return owner.domain();
    }

    @Override
    public void maintain(long nowNanos) {
        if (!closed) {
            publishers.probeIfDue(nowNanos);
        }
    }

    private Sample<T> takeInOrder() {
        if (!draining.isEmpty()) {
            for (int i = 0; i < draining.size(); i++) {
                PublisherSource<T> source = draining.get(i);
                Sample<T> sample = takeFrom(source);
                if (sample != null) {
                    return sample;
                }
                if (source.drained()) {
                    publishers.drop(source);
                    draining.remove(i--);
                }
            }
        }
        for (int i = 1; i <= MAX_PUBLISHERS; i++) {
            int index = (lastServed + i) & (MAX_PUBLISHERS - 1);
            PublisherSource<T> source = sources[index];
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
    private Sample<T> takeFrom(PublisherSource<T> source) {
        while (true) {
            SegmentMapping<T> mapping = source.mapping;
            long tail = mapping.tailAcquire();
            long cursor = source.cursor;
            if (cursor >= tail) {
                if (mapping.successor() == 0 || cursor < mapping.tailAcquire() || source.finished) {
                    return null;
                }
                int version = file.registryVersion();
                if (version != source.switchFailedAt && publishers.switchGeneration(source)) {
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
            int held = pins.free();
            Sample<T> sample;
            try {
                sample = pins.pin(held, source.index, mapping, mapping.ringSlot(cursor), cursor);
            } catch (RuntimeException poison) {
                // it cannot be read (its type rejects it, or its header is damaged): released by pin, skipped here,
                // counted, and reported to the caller, so that one bad sample never wedges the subscriber
                source.advance(cursor + 1);
                lost++;
                malformed++;
                throw poison;
            }
            if (sample == null && pins.claimStalled() && !source.left) {
                // its publisher is deciding about that slot and does not finish: stopped, preempted or dead. The
                // sample may yet be kept for us: try again at the next take (from here: what was skipped above is
                // counted already); a death is found by the probe, and a publisher gone never finishes its claim,
                // so then the sample counts as lost below
                source.advance(cursor);
                publishers.probeIfDue(System.nanoTime());
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
        PublisherSource<T> best = null;
        long bestStamp = 0;
        for (PublisherSource<T> source : sources) {
            if (source == null) {
                continue;
            }
            publishers.jumpToNewestGeneration(source);
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
        Sample<T> sample = pinNewest(best, best.mapping);
        if (sample != null) {
            best.lastSeen = sample.sequence();
        }
        return sample;
    }

    @Override
    public Sample<T> latest() {
        checkOpen();
        try {
            return newest();
        } catch (InternalError fault) {
            throw publishers.diagnose(fault);
        }
    }

    private Sample<T> newest() {
        publishers.refresh();
        Sample<T> sample = newestOfAll();
        maybeProbeAfterTake(sample);
        return sample;
    }

    private Sample<T> newestOfAll() {
        PublisherSource<T> best = null;
        SegmentMapping<T> bestMapping = null;
        long bestStamp = 0;
        for (PublisherSource<T> source : sources) {
            if (source == null) {
                continue;
            }
            // an in-order subscriber may still be draining an older generation: the newest sample is in the newest
            SegmentMapping<T> mapping = kind == Qos.Kind.LATEST ? publishers.jumpToNewestGeneration(source)
                : publishers.newestMapping(source);
            long newest = mapping.tailAcquire() - 1;
            if (newest < mapping.startSequence || newest == source.poisoned) {
                continue;
            }
            long stamp = newestStamp(source, mapping, newest);
            if (best == null || stamp - bestStamp > 0) {
                best = source;
                bestMapping = mapping;
                bestStamp = stamp;
            }
        }
        return best == null ? null : pinNewest(best, bestMapping);
    }

    /**
     * Pins the newest sample of {@code source}, retrying while the publisher outruns us. A newest sample that cannot
     * be read is remembered as poisoned (neither {@link #take} nor {@link #latest} offers it again), counted, and
     * reported.
     */
    private Sample<T> pinNewest(PublisherSource<T> source, SegmentMapping<T> mapping) {
        int held = pins.free();
        for (int attempt = 0; attempt < 16; attempt++) {
            long newest = mapping.tailAcquire() - 1;
            if (newest < mapping.startSequence) {
                return null;
            }
            Sample<T> sample;
            try {
                sample = pins.pin(held, source.index, mapping, mapping.ringSlot(newest), newest);
            } catch (RuntimeException poison) {
                source.poisoned = newest;
                source.lastSeen = Math.max(source.lastSeen, newest);
                malformed++;
                throw poison;
            }
            if (sample != null) {
                return sample;
            }
            if (pins.claimStalled()) {
                publishers.probeIfDue(System.nanoTime()); // a publisher stuck in its claim: do not spin on it again now
                return null;
            }
        }
        return null;
    }

    /**
     * The publish stamp of sample {@code newest}, through its ring entry. A ring entry outside the slot pool is a
     * damaged sample like any other: remembered as poisoned (not offered again), counted, and reported once.
     */
    private long newestStamp(PublisherSource<T> source, SegmentMapping<T> mapping, long newest) {
        int slot;
        try {
            slot = mapping.ringSlot(newest);
        } catch (CorruptDataException damaged) {
            source.poisoned = newest;
            malformed++;
            throw damaged;
        }
        return mapping.stampAcquire(slot);
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
        publishers.refresh();
        int count = 0;
        for (int index = 0; index < MAX_PUBLISHERS; index++) {
            if (file.publisher(index).activeAcquire()) {
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
        // unmap before the pins go: a sample still read on another thread then fails cleanly instead of seeing its
        // slot reused under it
        pins.closeAll(publishers.mappings());
        // when the registry stays locked by a stopped participant, leave without waiting for it: our row lock goes
        // with the descriptor, and whoever reclaims the row then clears it
        boolean locked = file.lockAdminOrGiveUp();
        try {
            lost += publishers.lost + ownRow.lostElsewhereVolatile();
            if (!locked) {
                return;
            }
            ownRow.clear();
            file.bumpRegistry();
            file.unlockRow(ownRow.lockByte());
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
}
