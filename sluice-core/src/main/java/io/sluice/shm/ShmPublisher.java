package io.sluice.shm;

import io.sluice.os.Doorbell;
import io.sluice.os.BellRinger;
import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.SluiceException;
import io.sluice.os.Timeouts;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static io.sluice.shm.SegmentLayout.*;
import static io.sluice.shm.TopicLayout.*;

/**
 * The shared-memory publisher: the single writer of its own segment.
 *
 * <h2>Implementation notes</h2>
 * <b>Slot reuse.</b> The publisher keeps, in its own memory, the slots in the order it published them; a loan
 * takes the oldest slot that no subscriber pins, that is not part of the history kept for late joiners, and whose
 * sample every reliable subscriber has taken. Reuse follows a Dekker-style handshake with the subscribers'
 * pins, both sides using sequentially consistent (volatile) accesses:
 * <pre>
 *   publisher                                   subscriber
 *   SLOT_SEQUENCE[k] = CLAIMING   (volatile)     HELD_MASK |= bit j    (atomic)
 *   read HELD_MASK, PINS of every subscriber     PINS[j] = (gen, k)    (volatile)
 *   if some pin names (gen, k):                  s = SLOT_SEQUENCE[k]  (volatile)
 *       SLOT_SEQUENCE[k] = old sequence          while s == CLAIMING: re-read (bounded spin)
 *   else: SLOT_SEQUENCE[k] = WRITING, reuse k    accept only if s == the wanted sequence
 * </pre>
 * In the total order of those accesses either the subscriber's pin store precedes the publisher's pin scan — the
 * publisher sees the pin and leaves the slot — or the publisher's CLAIMING store precedes the subscriber's read of
 * SLOT_SEQUENCE, and the subscriber does not accept the slot (it waits out CLAIMING: the sequence comes back if the
 * publisher saw the pin, or is WRITING when it did not). Hence a pinned slot is never rewritten (invariant 1).
 *
 * <p><b>Commit.</b> See {@link SegmentLayout}: payload, length and timestamp, then release-store of
 * SLOT_SEQUENCE, the ring entry, then release-store of TAIL. Then a full fence and a read of the SLEEPING bitmap:
 * when somebody may sleep, NOTIFY is incremented and a futex wake issued. A subscriber sets its SLEEPING bit (atomic,
 * a full fence) before its last look at TAIL and sleeps only while NOTIFY keeps the value it read before — so either
 * the publisher sees the sleeper, or the sleeper sees the sample; no wake-up is lost. A bit per subscriber, not a
 * counter, so that a subscriber killed at any point leaves nothing to drift: its bit goes with its row.
 *
 * <p><b>Reliable subscribers.</b> Each writes its CURSOR (next sequence it takes) with a release store; the
 * publisher reads it with an acquire load and does not reuse a slot holding a sequence at or after it, nor run more
 * than DEPTH ahead of it. A reliable subscriber that joined before this publisher and has not attached yet is taken
 * as being at the publisher's first sequence. While it waits the publisher probes the slow subscriber's liveness,
 * so a dead one stops blocking it within a few milliseconds.
 *
 * <p><b>A subscriber attaching to a running publisher</b> stores a provisional cursor naming this incarnation
 * (volatile), then reads TAIL (volatile), then stores its start, at or after the provisional one. The publisher
 * stores TAIL, then a full fence (in {@code publish}), then reads the cursors in its next slot search. So a slot
 * search that missed the provisional cursor read it after a TAIL store the subscriber's read saw: the slot it
 * reused held a sequence below TAIL − history, before the subscriber's start. Every later search respects the
 * cursor. Hence a reliable subscriber loses nothing from its start on. The attach itself happens under the admin
 * lock, before the subscriber's registry bump: a publisher that counts it ({@code subscriberCount()} locks) already
 * finds it attached.
 *
 * <p><b>Generations.</b> A growth (a loan larger than the slots) creates the next generation, carries the history
 * samples into it, names it as SUCCESSOR of the old one and in the registry row, and keeps the old one's file until
 * every in-order subscriber has mapped a later one (its CURSOR_GENERATION). Closing (or the reclaim of a dead
 * publisher) seals every generation file still there with FINAL_END before removing it, so a subscriber left in one
 * counts what it can no longer reach.
 *
 * <p>Not invariant: SLOT_SEQUENCE of a slot that is not pinned may change at any time; SLEEPING may show a
 * subscriber that died asleep until its row is reclaimed (an extra wake costs one system call).
 */
public final class ShmPublisher<T> implements Publisher<T> {
    private static final long MAINTENANCE_INTERVAL_NANOS = 20_000_000L;
    /** How often a publisher probes the subscribers that cost it something (see {@link #maybeMaintain}). */
    private static final long SUBSCRIBER_PROBE_INTERVAL_NANOS = 100_000_000L;
    private static final long WAIT_PROBE_INTERVAL_NANOS = 5_000_000L;
    private static final long BLOCKED = Long.MIN_VALUE;
    /** Every publisher numbers its samples from here; generations continue the numbering. */
    private static final long FIRST_SEQUENCE = 0;
    private static final int SPIN_ATTEMPTS = 2_000;
    private static final int YIELD_ATTEMPTS = 100;

    private final Participant owner;
    private final String topic;
    private final MessageType<T> type;
    private final PublisherOptions options;
    private final long maxMessageSize;
    private final TopicFile file;
    private final int row;
    private final PublisherRow ownRow;
    /** Dead subscriber rows passed over while the admin lock is busy: a bit per row (see reclaimDeadSubscribers). */
    private final long[] passedOver = new long[MAX_SUBSCRIBERS / 64];
    /** The incarnation each passed-over row had when found dead. */
    private final int[] passedOverIncarnation = new int[MAX_SUBSCRIBERS];
    private boolean anyPassedOver;
    private final int incarnation;
    private final int slotCount;
    private final int history;
    /** Rings the doorbells of subscribers whose executors sleep on one word for many topics. */
    private final BellRinger bells;

    private SegmentMapping<T> segment;
    private long tail;
    /** Slots by age: order[(orderHead + i) mod slotCount] for i &lt; orderSize; fresh slots first. */
    private final int[] order;
    private int orderHead;
    private int orderSize;
    private final long[] slotSequence;
    private final LoanImpl[] loans;
    private int outstanding;
    /** Files of generations this publisher has left, kept until no in-order subscriber still needs them. */
    private final java.util.ArrayDeque<RetiredGeneration> retired = new java.util.ArrayDeque<>();
    private long lastMaintenance;
    private long lastSubscriberProbe;
    private long publishCount;
    /** What the upkeep after a publish met, thrown by the next loan (see {@link #maintainAfterPublish}). */
    private Throwable deferredFailure;
    private boolean closed;

    @SuppressWarnings({"unchecked", "rawtypes"}) // the array of an inner class of a generic class
    ShmPublisher(Participant owner, String topic, MessageType<T> type, PublisherOptions options,
                 long maxMessageSize) {
        this.owner = owner;
        this.topic = topic;
        this.type = type;
        this.options = options;
        this.maxMessageSize = maxMessageSize;
        this.slotCount = options.effectiveSlots();
        this.history = options.history();
        this.order = new int[slotCount];
        this.slotSequence = new long[slotCount];
        this.loans = new ShmPublisher.LoanImpl[slotCount];
        long initialCapacity = Math.min(Math.max(options.initialSize(), 0), maxMessageSize);
        // the slots are reserved before the admin lock is taken: others wait for it only while the row is claimed
        SegmentMapping<T> draft = SegmentMapping.draft(owner.domain().directory(), slotCount, initialCapacity,
            FIRST_SEQUENCE, type);
        TopicFile opened;
        try {
            opened = TopicFile.openLocked(owner.domain(), topic, type);
        } catch (RuntimeException e) {
            draft.release();
            throw e;
        }
        SegmentMapping<T> named = null;
        PublisherRow claimed = null;
        try {
            opened.reclaimDead(-1, -1);
            claimed = opened.claimPublisherRow();
            this.ownRow = claimed;
            this.row = claimed.index;
            this.incarnation = opened.nextRegistryVersion();
            int generation = opened.nextGeneration();
            // the row is active (and its lock ours) before the segment has a name: a death from here on leaves a
            // dead row, which any participant reclaims with whatever files it names
            claimed.activate(generation, incarnation, (int) ProcessHandle.current().pid(), history, owner.name());
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_ROW_ACTIVE.hit();
            }
            SegmentMapping<T> toName = draft;
            draft = null;
            named = toName.publishAs(owner.domain().segmentPath(opened.topicBase(), generation), generation, row,
                incarnation);
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_CREATED_SEGMENT.hit();
            }
            int version = opened.bumpRegistry();
            if (version != incarnation) {
                throw new IllegalStateException("registry moved under the admin lock: version=" + version
                    + ", expected=" + incarnation);
            }
            this.segment = named;
        } catch (RuntimeException | Error e) { // an Error too: a fault in a mapping (SIGBUS), or no memory
            try {
                if (draft != null) {
                    draft.release();
                }
                if (named != null) {
                    owner.domain().unlinkQuietly(named.path);
                    named.release();
                }
                if (claimed != null) {
                    claimed.clear();
                }
            } catch (RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            opened.abandonJoin(e);
            throw e;
        }
        opened.unlockAdmin();
        this.file = opened;
        this.bells = new BellRinger(owner.domain().directory());
        this.tail = FIRST_SEQUENCE;
        resetSlots();
        this.lastMaintenance = System.nanoTime();
    }

    private void resetSlots() {
        for (int slot = 0; slot < slotCount; slot++) {
            loans[slot] = new LoanImpl(slot);
        }
        resetOrder();
    }

    /** Every slot fresh, in index order: for a new segment or generation. */
    private void resetOrder() {
        for (int slot = 0; slot < slotCount; slot++) {
            order[slot] = slot;
            slotSequence[slot] = WRITING;
        }
        orderHead = 0;
        orderSize = slotCount;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Loan<T> loan(MessageShape<T> shape) {
        Loan<T> loan = loan(shape.byteSize());
        shape.initialize(loan.segment());
        return loan;
    }

    @Override
    public Loan<T> loan(long size) {
        if (closed) {
            throw new IllegalStateException("publisher closed: topic=" + topic);
        }
        if (size < 0 || size > maxMessageSize) {
            throw new IllegalArgumentException("loan size out of range [0, maxMessageSize]: size=" + size
                + ", maxMessageSize=" + maxMessageSize);
        }
        if (deferredFailure != null) {
            throwDeferredFailure();
        }
        if (size > segment.slotCapacity) {
            grow(size);
        }
        int slot = acquireSlot();
        LoanImpl loan = loans[slot];
        loan.open(size);
        outstanding++;
        return loan;
    }

    /**
     * Finds a reusable slot, following the handshake in the class notes. Waits only for reliable subscribers:
     * spinning first (a subscriber draining the ring frees a slot within microseconds), then yielding, then parking;
     * a subscriber that makes no progress for {@link #WAIT_PROBE_INTERVAL_NANOS} has its liveness probed.
     */
    private int acquireSlot() {
        long deadline = 0;
        long lastProgress = 0;
        long lastFloor = 0;
        boolean reclaimed = false;
        for (int attempt = 0; ; attempt++) {
            long reliableFloor = reliableFloor();
            if (reliableFloor != BLOCKED) {
                long historyFloor = tail - history;
                int position = orderHead;
                for (int i = 0; i < orderSize; i++, position = next(position)) {
                    int slot = order[position];
                    long held = slotSequence[slot];
                    if (held >= 0 && (held >= historyFloor || held >= reliableFloor)) {
                        break; // every later slot holds a newer sample
                    }
                    if (held >= 0 && !claim(slot, held)) {
                        continue; // pinned by a subscriber: try the next oldest
                    }
                    SlotProtocol.take(segment.memory, segment.slotOffset(slot) + SLOT_SEQUENCE);
                    removeFromOrder(i);
                    return slot;
                }
            }
            if (reliableFloor == Long.MAX_VALUE) {
                // every slot is pinned or kept as history: only the death of a subscriber could free one
                if (!reclaimed) {
                    reclaimed = true;
                    reclaimDeadSubscribers();
                    continue;
                }
                if (attempt < SPIN_ATTEMPTS) {
                    Thread.onSpinWait(); // a pin may be a subscriber's brief look at a stale ring entry
                    continue;
                }
                throw new SluiceException("no free slot on topic " + topic + ": all " + slotCount
                    + " slots are held by subscribers or kept as history (history=" + history
                    + "); raise PublisherOptions.slots or close samples sooner");
            }
            if (attempt < SPIN_ATTEMPTS) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = Timeouts.deadline(now, options.reliableTimeout());
                lastProgress = now;
                lastFloor = reliableFloor;
            } else if (reliableFloor != lastFloor) {
                lastFloor = reliableFloor;
                lastProgress = now;
            } else if (now - lastProgress >= WAIT_PROBE_INTERVAL_NANOS) {
                lastProgress = now;
                reclaimDeadSubscribers(); // no progress: is the slow subscriber still alive?
            }
            if (now - deadline >= 0) {
                throw new PublishTimeoutException("reliable subscriber did not make room in time: topic=" + topic
                    + ", timeout=" + options.reliableTimeout() + ", sequence=" + tail);
            }
            if (attempt < SPIN_ATTEMPTS + YIELD_ATTEMPTS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    private int next(int position) {
        return position + 1 == slotCount ? 0 : position + 1;
    }

    /** Handshake for reusing {@code slot} that holds {@code held}: true when no subscriber pins it. */
    private boolean claim(int slot, long held) {
        long pin = pinValue(segment.generation, slot);
        long sequenceOffset = segment.slotOffset(slot) + SLOT_SEQUENCE;
        SlotProtocol.beginClaim(segment.memory, sequenceOffset);
        if (FaultPoint.ENABLED) {
            FaultPoint.PUBLISHER_CLAIMING.hit();
        }
        if (isPinned(pin)) {
            SlotProtocol.keep(segment.memory, sequenceOffset, held);
            return false;
        }
        return true;
    }

    private boolean isPinned(long pin) {
        MemorySegment registry = file.memory;
        for (int subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            SubscriberRow other = file.subscriber(subscriber);
            if (SlotProtocol.rowPins(registry, other.heldMaskOffset(), other.pinOffset(0), pin)
                && !passedOver(subscriber)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lowest sequence a reliable subscriber has not taken yet, capped so that the publisher runs at most its
     * depth ahead; {@link #BLOCKED} when one is a full depth behind; Long.MAX_VALUE when none holds it back.
     */
    private long reliableFloor() {
        long floor = Long.MAX_VALUE;
        for (int subscriber = file.nextSubscriber(RELIABLE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = file.nextSubscriber(RELIABLE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            long cursor = file.position(subscriber, row, incarnation, FIRST_SEQUENCE);
            if (cursor == Long.MAX_VALUE || passedOver(subscriber)) {
                continue;
            }
            // a depth below 1 is no depth a subscriber can ask for (Qos checks it): a damaged row counts as 1
            int depth = Math.max(1, file.subscriber(subscriber).depthVolatile());
            if (tail - cursor >= depth) {
                return BLOCKED; // as far behind as its depth allows: no publish until it moves
            }
            floor = Math.min(floor, cursor);
        }
        return floor;
    }


    /**
     * Reclaims dead subscribers that hold this publisher back. When the admin lock is busy — possibly held by a
     * participant stopped with it (SIGSTOP, a debugger) — the dead are not reclaimed but passed over: a subscriber
     * that pins slots or holds reliable flow control and whose row lock probes free is dead, can read nothing more,
     * and is owed nothing, so its pins and cursor stop counting until whoever gets the lock reclaims its row
     * (SHM-FORMAT, section 10.4). A row is passed over only while it keeps the incarnation found dead.
     */
    private void reclaimDeadSubscribers() {
        if (file.reclaimDeadIfAdminFree(row, -1)) {
            return;
        }
        for (int subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            SubscriberRow other = file.subscriber(subscriber);
            int joined = other.incarnationVolatile();
            if ((other.heldMaskVolatile() != 0 || other.bitVolatile(RELIABLE_SUBSCRIBERS_OFFSET))
                && !passedOver(subscriber) && !file.isAlive(other.lockByte())) {
                passedOver[subscriber >>> 6] |= 1L << subscriber;
                passedOverIncarnation[subscriber] = joined;
                anyPassedOver = true;
            }
        }
    }

    /** Whether subscriber row {@code subscriber} is dead and passed over (see {@link #reclaimDeadSubscribers}). */
    private boolean passedOver(int subscriber) {
        if (!anyPassedOver || (passedOver[subscriber >>> 6] & (1L << subscriber)) == 0) {
            return false;
        }
        if (passedOverIncarnation[subscriber] == file.subscriber(subscriber).incarnationVolatile()) {
            return true;
        }
        passedOver[subscriber >>> 6] &= ~(1L << subscriber); // reclaimed (or its row taken again) meanwhile
        return false;
    }

    private void removeFromOrder(int i) {
        // shift the i entries before it one place towards the tail, then drop the head
        int position = orderHead + i;
        if (position >= slotCount) {
            position -= slotCount;
        }
        for (int j = i; j > 0; j--) {
            int previous = position == 0 ? slotCount - 1 : position - 1;
            order[position] = order[previous];
            position = previous;
        }
        orderHead = next(orderHead);
        orderSize--;
    }

    private void appendToOrder(int slot) {
        int position = orderHead + orderSize;
        order[position >= slotCount ? position - slotCount : position] = slot;
        orderSize++;
    }

    /** A slot given back unpublished is the oldest of all: it holds nothing anyone wants. */
    private void prependToOrder(int slot) {
        orderHead = orderHead == 0 ? slotCount - 1 : orderHead - 1;
        order[orderHead] = slot;
        orderSize++;
    }

    /** The bytes of the loan the message takes, as its type says; throws when the type rejects the message. */
    private long encodedLength(LoanImpl loan) {
        long length = type.encodedSize(segment.slice(loan.slot, loan.size));
        if (length < 0 || length > loan.size) {
            throw new IllegalStateException("message type " + type.name() + " says the message holds " + length
                + " bytes of a loan of " + loan.size);
        }
        return length;
    }

    private void publish(LoanImpl loan, long length) {
        int slot = loan.slot;
        long sequence = tail;
        MemorySegment memory = segment.memory;
        long slotOffset = segment.slotOffset(slot);
        SlotProtocol.commitSlot(memory, slotOffset, length, System.nanoTime(), sequence);
        SlotProtocol.commitRing(memory, segment.ringEntryOffset(sequence), slot);
        if (FaultPoint.ENABLED) {
            FaultPoint.PUBLISHER_SEQUENCE_STORED.hit();
        }
        SlotProtocol.commitTail(memory, sequence + 1);
        if (FaultPoint.ENABLED) {
            FaultPoint.PUBLISHER_TAIL_STORED.hit();
        }
        tail = sequence + 1;
        slotSequence[slot] = sequence;
        appendToOrder(slot);
        outstanding--;
        publishCount++;
        VarHandle.fullFence();
        if (file.anySleeping()) {
            file.wakeAll();
        }
        if (file.anyBelled()) {
            ringBells();
        }
        if ((publishCount & 7) == 0) {
            maintainAfterPublish();
        }
    }

    /**
     * {@link #maybeMaintain} every 8th publish, once the sample is committed and its subscribers are woken: off the
     * path from a loan to the subscribers. The sample is published whatever the upkeep meets, so a failure is not
     * thrown from this publish (its caller would believe the publish failed) but from the next loan.
     */
    private void maintainAfterPublish() {
        try {
            maybeMaintain();
        } catch (RuntimeException | Error failure) {
            deferredFailure = failure;
        }
    }

    /** Throws what the upkeep after the last publish met; the publisher stays usable. */
    private void throwDeferredFailure() {
        Throwable failure = deferredFailure;
        deferredFailure = null;
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) failure;
    }

    /** Rings the doorbell of every subscriber whose BELL bit is set (see {@link Doorbell} for the protocol). */
    private void ringBells() {
        for (int word = 0; word < MAX_SUBSCRIBERS / 64; word++) {
            long bits = file.belledWord(word);
            while (bits != 0) {
                int subscriber = word * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                SubscriberRow named = file.subscriber(subscriber);
                bells.ring(named.bellPidAcquire(), named.bellSlotAcquire(), named.bellFileIdAcquire());
            }
        }
    }

    private void giveBack(LoanImpl loan) {
        slotSequence[loan.slot] = WRITING;
        prependToOrder(loan.slot);
        outstanding--;
    }

    /**
     * Moves to a new generation whose slots hold {@code size} bytes: subscribers finish the old one and follow.
     * Sequences continue, so cursors and history stay valid.
     */
    private void grow(long size) {
        if (outstanding != 0) {
            throw new IllegalStateException("cannot grow the slots while loans are outstanding: outstanding="
                + outstanding + ", size=" + size + ", slotCapacity=" + segment.slotCapacity);
        }
        long capacity = Math.min(maxMessageSize, Math.max(size, segment.slotCapacity + segment.slotCapacity / 2));
        SegmentMapping<T> old = segment;
        int kept = (int) Math.min(history, tail - old.startSequence);
        // reserved, mapped and filled with the history outside the admin lock; named under it
        SegmentMapping<T> draft = SegmentMapping.draft(owner.domain().directory(), slotCount, capacity, tail - kept,
            type);
        try {
            carryHistory(old, draft, kept);
            file.lockAdmin();
        } catch (RuntimeException e) {
            draft.release();
            throw e;
        }
        SegmentMapping<T> grown;
        try {
            int generation = file.nextGeneration();
            grown = draft.publishAs(owner.domain().segmentPath(file.topicBase(), generation), generation, row,
                incarnation);
            if (FaultPoint.ENABLED) {
                FaultPoint.GROW_CREATED.hit();
            }
            old.successorRelease(generation);
            if (FaultPoint.ENABLED) {
                FaultPoint.GROW_SUCCESSOR_SET.hit();
            }
            ownRow.generationRelease(generation);
            file.bumpRegistry();
        } finally {
            file.unlockAdmin();
        }
        if (FaultPoint.ENABLED) {
            FaultPoint.GROW_REGISTERED.hit();
        }
        segment = grown;
        retired.add(new RetiredGeneration(old.path, old.generation, tail));
        old.release();
        unlinkRetiredGenerations();
        resetOrder();
        for (int slot = 0; slot < kept; slot++) {
            // the carried samples are the newest: they leave the fresh slots' place at the head of the order
            removeFromOrder(0);
            slotSequence[slot] = tail - kept + slot;
            appendToOrder(slot);
        }
    }

    /**
     * Copies the newest {@code kept} samples (the history a late joiner is owed) from {@code old} into the first
     * slots of {@code grown}, which starts at their first sequence, and commits them there before any subscriber
     * can see the new generation: a subscriber that joins after a growth still gets its history, in the same
     * sequences and with the same stamps. The only copy Sluice makes of a payload, once per growth.
     */
    private void carryHistory(SegmentMapping<T> old, SegmentMapping<T> grown, int kept) {
        long first = tail - kept;
        for (int i = 0; i < kept; i++) {
            long sequence = first + i;
            int from = -1;
            for (int slot = 0; slot < slotCount && from < 0; slot++) {
                if (slotSequence[slot] == sequence) {
                    from = slot;
                }
            }
            if (from < 0) {
                throw new IllegalStateException("history sample not in any slot: sequence=" + sequence);
            }
            long source = old.slotOffset(from);
            long target = grown.slotOffset(i);
            long length = SlotProtocol.length(old.memory, source);
            MemorySegment.copy(old.memory, source + SLOT_HEADER_LENGTH, grown.memory, target + SLOT_HEADER_LENGTH,
                length);
            SlotProtocol.commitSlot(grown.memory, target, length, SlotProtocol.stamp(old.memory, source), sequence);
            SlotProtocol.commitRing(grown.memory, grown.ringEntryOffset(sequence), i);
        }
        SlotProtocol.commitTail(grown.memory, tail);
    }

    /**
     * Every few publishes, at most every {@link #MAINTENANCE_INTERVAL_NANOS}: removes old generations nobody needs, and
     * every {@link #SUBSCRIBER_PROBE_INTERVAL_NANOS} probes the subscribers that cost this publisher something if
     * they are dead — reliable ones (flow control), in-order ones while old generations are kept, ones whose SLEEPING
     * bit makes every publish issue a futex wake, ones whose pins take slots out of the pool — and reclaims the dead.
     * A subscriber killed while asleep or holding samples is so reclaimed within a bounded number of publishes,
     * whatever its QoS, without anybody else having to look.
     */
    private void maybeMaintain() {
        long now = System.nanoTime();
        if (now - lastMaintenance < MAINTENANCE_INTERVAL_NANOS) {
            return;
        }
        lastMaintenance = now;
        if (now - lastSubscriberProbe >= SUBSCRIBER_PROBE_INTERVAL_NANOS) {
            lastSubscriberProbe = now;
            if (anyCostlyDeadSubscriber()) {
                reclaimDeadSubscribers();
            }
        }
        unlinkRetiredGenerations();
    }

    /** Probes the lock of every subscriber that costs this publisher something (allocation-free). */
    private boolean anyCostlyDeadSubscriber() {
        boolean keepsGenerations = !retired.isEmpty();
        for (int subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            SubscriberRow other = file.subscriber(subscriber);
            boolean costly = other.bitVolatile(SLEEPING_SUBSCRIBERS_OFFSET)
                || other.bitVolatile(RELIABLE_SUBSCRIBERS_OFFSET)
                || other.bitVolatile(BELL_SUBSCRIBERS_OFFSET)
                || other.heldMaskVolatile() != 0
                || (keepsGenerations && other.inOrderVolatile());
            if (costly && !file.isAlive(other.lockByte())) {
                return true;
            }
        }
        return false;
    }

    /** A generation the publisher has moved past: its file, its number and the sequence after its last sample. */
    private record RetiredGeneration(java.nio.file.Path path, int generation, long endSequence) {
    }

    /**
     * Removes the files of old generations that every in-order subscriber has moved past: it has mapped a later
     * generation (its CURSOR_GENERATION). Having read a generation to its end is not enough: until it switches, a
     * subscriber still needs the file, so that whoever removes the publisher's files at its close or death can seal
     * it with the end of the stream and the subscriber counts what it can no longer reach. A subscriber that joined
     * before this publisher and has not attached yet walks every generation from the first.
     */
    private void unlinkRetiredGenerations() {
        while (!retired.isEmpty() && !anySubscriberNeeds(retired.peekFirst().generation())) {
            owner.domain().unlinkQuietly(retired.pollFirst().path());
        }
    }

    private boolean anySubscriberNeeds(int generation) {
        for (int subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = file.nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            if (!file.subscriber(subscriber).inOrderVolatile()) {
                continue;
            }
            boolean needs = file.attached(subscriber, row, incarnation)
                ? !TopicFile.generationAfter(file.mappedGeneration(subscriber, row), generation)
                : file.joinedBefore(subscriber, incarnation);
            if (needs) {
                return true;
            }
        }
        return false;
    }

    /** Waits, up to the reliable timeout, until every reliable subscriber has taken everything published. */
    private void flushReliable() {
        long deadline = Timeouts.deadline(System.nanoTime(), options.reliableTimeout());
        long nextProbe = System.nanoTime() + WAIT_PROBE_INTERVAL_NANOS;
        while (true) {
            long floor = reliableFloor();
            if (floor == Long.MAX_VALUE || (floor != BLOCKED && floor >= tail)) {
                return;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return;
            }
            if (now - nextProbe >= 0) {
                nextProbe = now + WAIT_PROBE_INTERVAL_NANOS;
                reclaimDeadSubscribers();
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public int subscriberCount() {
        if (!file.lockAdminOrGiveUp()) {
            return file.countLiveSubscribers(); // a stopped holder: count, reclaim later
        }
        try {
            file.reclaimDead(row, -1);
            return file.countSubscriberBits(ACTIVE_SUBSCRIBERS_OFFSET);
        } finally {
            file.unlockAdmin();
        }
    }

    @Override
    public long publishedCount() {
        return publishCount;
    }

    /** Sequence the next publish will get. */
    public long nextSequence() {
        return tail;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flushReliable();
        // when the registry stays locked by a stopped participant, leave without waiting for it: our row lock goes
        // with the descriptor, and whoever reclaims the row then seals, charges and removes our files
        boolean locked = file.lockAdminOrGiveUp();
        try {
            if (!locked) {
                return;
            }
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_CLOSE_LOCKED.hit();
            }
            // the row stays ACTIVE until the end: a closer that dies midway is reclaimed like any dead publisher
            // charge first, while the files are there: a closer that dies now leaves them for a reclaimer, which
            // seals them and charges again, idempotently (see TopicFile.chargeUnattached)
            file.chargeUnattached(row, incarnation, tail - FIRST_SEQUENCE);
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_CLOSE_CHARGED.hit();
            }
            for (RetiredGeneration generation : retired) {
                SegmentMapping.seal(generation.path(), tail); // subscribers still in it learn where the stream ends
                owner.domain().unlinkQuietly(generation.path());
            }
            retired.clear();
            SegmentMapping.seal(segment.path, tail);
            owner.domain().unlinkQuietly(segment.path);
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_CLOSE_UNLINKED.hit();
            }
            ownRow.clear();
            if (FaultPoint.ENABLED) {
                FaultPoint.PUBLISHER_CLOSE_ROW_CLEARED.hit();
            }
            file.bumpRegistry();
            file.unlockRow(ownRow.lockByte());
            file.reclaimDead(row, -1);
            if (!file.anyOtherAlive(row, -1)) {
                file.removeTopicFiles();
            }
        } finally {
            if (locked) {
                file.unlockAdmin();
            }
            segment.release();
            bells.close();
            file.close();
            owner.forget(this);
        }
    }

    private final class LoanImpl implements Loan<T> {
        private final int slot;
        private long size;
        private boolean open;

        private LoanImpl(int slot) {
            this.slot = slot;
        }

        private void open(long size) {
            this.size = size;
            this.open = true;
        }

        @Override
        public T message() {
            check();
            return segment.view(slot, size);
        }

        @Override
        public MemorySegment segment() {
            check();
            return segment.slice(slot, size);
        }

        @Override
        public void publish() {
            check();
            long length = encodedLength(this); // throws when the type rejects the message: the loan stays open
            open = false;
            ShmPublisher.this.publish(this, length);
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                giveBack(this);
            }
        }

        private void check() {
            if (!open) {
                throw new IllegalStateException("loan already published or closed: topic=" + topic);
            }
        }
    }

    /** For tests and tools: the registry row this publisher owns. */
    public int row() {
        return row;
    }
}
