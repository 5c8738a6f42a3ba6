package io.sluice.exec;

import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;
import io.sluice.os.Native;
import io.sluice.os.Timeouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sensor multiplexer inside one process: one producer, many consumers, each on its own thread and at its own
 * rate, each handed the newest consistent sample; no consumer slows the producer or the others. It hands out the
 * same {@link Publisher} and {@link Subscriber} interfaces as a shared-memory topic with {@link Qos#latest()}, so
 * code written against a subscriber runs unchanged on either (see {@link SensorConsumers}).
 *
 * {@snippet :
 * try (SensorMultiplexer<MemorySegment> depth = SensorMultiplexer.create(MessageType.raw("acme/msg/Depth"),
 *         11 << 20, 3)) {                                   // 11 MB frames, up to 3 consumers
 *     Publisher<MemorySegment> camera = depth.publisher();
 *     Subscriber<MemorySegment> control = depth.subscriber();
 *     try (Loan<MemorySegment> loan = camera.loan(frameBytes)) {
 *         grabInto(loan.segment());                        // writes straight into the buffer
 *         loan.publish();                                  // now the newest
 *     }
 *     try (Sample<MemorySegment> newest = control.take(Duration.ofMillis(100))) {
 *         if (newest != null) {
 *             steer(newest.segment());                     // read in place, never overwritten while held
 *         }
 *     }
 * }
 * }
 *
 * <p><b>Buffers.</b> The multiplexer owns {@code maxConsumers × maxHeld + 2} buffers of {@code maxMessageSize}
 * bytes each, 64-byte aligned, allocated once: every consumer may hold up to {@code maxHeld} samples (1 unless
 * created with more), one buffer is the newest, and one more is always free for the producer to write. Taking
 * more than {@code maxHeld} samples at once throws a {@link SluiceException}.
 *
 * <p><b>Guarantees.</b> {@link Subscriber#take()} returns the newest sample this consumer has not taken yet, or
 * null; older ones are skipped by design ({@link Subscriber#lostCount()} stays 0, as with {@link Qos#latest()}).
 * Sequences a consumer takes strictly increase. Everything the producer wrote to a loan before
 * {@link Loan#publish()} happens-before a consumer's reads of that sample. A sample is never overwritten while
 * held. {@code loan} and {@code publish} never wait for a consumer and never fail because of one; {@code take}
 * never waits for the producer or another consumer. An idle consumer blocked in {@link Subscriber#take(Duration)}
 * uses no CPU; the producer makes a system call only while some consumer sleeps. After warm-up, loan, publish, take
 * and close allocate nothing (as long as message sizes repeat: a new size re-slices the buffer once).
 *
 * <p><b>Threads.</b> The publisher is used by one thread at a time, each subscriber by one thread at a time; samples
 * may be closed from any thread. Close the multiplexer after its users stopped: it frees the buffers, and any later
 * access to a sample fails with an exception (never a crash).
 *
 * @param <T> the message view
 */
public final class SensorMultiplexer<T> implements AutoCloseable {
    /*
     * Implementation note.
     *
     * Algorithm. A multi-buffer "latest value" register: the single-writer, multi-reader triple-buffering scheme
     * generalised to N readers, with reader pin counts instead of reader-owned slots (cf. Simpson's four-slot
     * mechanism, IEE Proc. 1990, and the reference-counted variant in Chen & Burns, "A fully asynchronous
     * reader/writer mechanism for multiprocessor real-time systems", 1997). Two kinds of words:
     *
     *   state[b]  one long per buffer b, on its own cache line:   tag (48 bits) | CLAIMED (1 bit) | pins (15 bits)
     *             tag     the low 48 bits of the sequence the buffer holds, or NO_TAG while it holds none
     *                     (never written, or written and abandoned, or being written)
     *             CLAIMED the producer is writing the buffer
     *             pins    how many samples (of any consumers) hold the buffer
     *   newest    tag << 16 | b of the newest published sample, or NONE before the first publish.
     *
     * Producer, loan:   pick b != newestIndex; v = state[b] (getAcquire); if pins(v) == 0 and !CLAIMED(v):
     *                   CAS state[b] v -> NO_TAG|CLAIMED. Otherwise (or when the CAS fails) try the next buffer.
     *                   Write the payload and the per-buffer plain fields (size, sequence, time, cached views).
     * Producer, publish: state[b] = tag|0|0 (setRelease)       ... the buffer can be pinned from here on
     *                   newest = tag << 16 | b (setRelease)     LINEARIZATION POINT of publish
     *                   NOTIFY += 1 (getAndAdd, a full fence); if WAITERS > 0: FUTEX_WAKE(NOTIFY)
     * Producer, abandon (close of an unpublished loan): state[b] = NO_TAG|0|0 (setRelease).
     * Consumer, take:   n = newest (getAcquire)                 LINEARIZATION POINT of take (and of latest)
     *                   if n == NONE or tag(n) == lastSeen: null (nothing new)
     *                   v = state[index(n)] (getAcquire); if CLAIMED(v) or tag(v) != tag(n): retry from newest
     *                   CAS state[index(n)] v -> v + 1 (one pin); on failure retry from newest
     *                   read the plain per-buffer fields; lastSeen = tag(n)
     * Consumer, close:  state[b] -= 1 (getAndAdd)               the buffer is free again when pins reach 0
     *
     * Invariants.
     *   I1 (exclusion) A buffer is CLAIMED, or pinned, or neither; never both: the producer claims only from
     *      pins == 0 and !CLAIMED by a CAS on the whole word; a consumer pins only from !CLAIMED with a matching
     *      tag by a CAS on the whole word. Both are read-modify-writes of one word, so they are totally ordered:
     *      the one that comes second fails. Hence a pinned buffer is never reused (a held sample is never
     *      overwritten) and a buffer being written is never handed out.
     *   I2 (tag) A buffer whose tag is t holds exactly the payload published with sequence t: the tag is set by
     *      the release store that ends the writing and cleared (NO_TAG|CLAIMED) by the CAS that starts the next.
     *      A consumer that pinned with tag t therefore reads sample t, complete.
     *   I3 (newest) newest names a buffer that holds its tag and is not CLAIMED: the producer never claims the
     *      buffer it last published (it keeps its index in a plain field of its own). So a consumer's retry means
     *      newest moved on, and a consumer that keeps failing does so only because the producer keeps publishing
     *      or other consumers keep pinning: take is lock-free.
     *   I4 (room) Pins at any instant are at most maxConsumers × maxHeld: a consumer pins only when it holds fewer
     *      than maxHeld samples, transient pins included (a pin is taken into the sample slot the consumer found
     *      free first). With maxConsumers × maxHeld + 2 buffers, at any instant some buffer is neither pinned, nor
     *      newest, nor (the producer being single) claimed: loan always finds one. A pass over the buffers can
     *      still miss, when consumers pin buffers they did not hold at its start (a stale newest read that
     *      succeeds on an older, not yet reused buffer); each consumer does that at most once per take, so a
     *      stalled or slow consumer can never make a pass fail. loan is lock-free, never waits for a consumer.
     *   Not invariant: that a consumer's sample is the newest while it is held (it is the newest at the
     *   linearization point of take; the producer goes on publishing into other buffers), and that a consumer sees
     *   every sequence (skipping is the point).
     *
     * Why each relaxed access is safe.
     *   - The per-buffer plain fields (sizes, sequences, publish times, cached slices and views) are written by the
     *     producer only while it holds the buffer CLAIMED, before the release store of state[b]; a consumer reads
     *     them only after its CAS (a volatile read-modify-write) read that store's value (tag t). The consumer
     *     reads the payload under the same happens-before edge. No other thread writes them while the buffer is
     *     pinned (I1).
     *   - newestIndex, sequence and the loan fields are the producer's own (one thread at a time).
     *   - lastSeen and the consumer's scratch fields belong to the consumer's thread.
     *   - A consumer's reads of the payload happen-before the producer's next claim of the buffer: the unpin is a
     *     volatile read-modify-write whose value the producer's claim CAS reads.
     *   - A sample slot's state goes HELD -> CLOSING (CAS, by whichever thread closes it) -> FREE (setRelease, after
     *     the unpin); the consumer thread reuses a slot only after reading FREE (getAcquire).
     *
     * Blocking. A consumer with nothing new reads NOTIFY, then increments WAITERS (full fence), looks once more,
     * and sleeps in FUTEX_WAIT(NOTIFY, value read). A Dekker pair with the producer's "store newest, NOTIFY += 1
     * (full fence), read WAITERS": either the consumer's look sees the new newest, or the producer sees the waiter
     * and wakes it (and if NOTIFY moved before the wait, FUTEX_WAIT returns at once). The same protocol, split in
     * armWait/disarmWait, lets an executor or SensorConsumers sleep on NOTIFY with other words (FutexWaitable).
     *
     * Sequences. Tags are 48 bits; the producer refuses to publish its 2^48 - 1st sample (at a sample per 10 ns,
     * that is 32 days of nothing but publishing). Sample.sequence() is the full 64-bit sequence.
     */

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int STRIDE = 8; // longs per state word: one 64-byte cache line each
    private static final int PIN_BITS = 15;
    private static final long PIN_MASK = (1L << PIN_BITS) - 1;
    private static final long CLAIMED = 1L << PIN_BITS;
    private static final int TAG_SHIFT = PIN_BITS + 1;
    private static final long NO_TAG = (1L << 48) - 1;
    private static final long NONE = -1L;
    private static final int INDEX_BITS = 16;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final int NEWEST = 8; // in the padded words array
    private static final long NOTIFY_OFFSET = 0;
    private static final long WAITERS_OFFSET = 4;
    private static final int CLAIM_PASSES = 1 << 16;

    /** The most buffers a multiplexer may have: {@code maxConsumers × maxHeld + 2} must not exceed it. */
    public static final int MAX_BUFFERS = (int) PIN_MASK;

    private final String name;
    private final MessageType<T> type;
    private final long maxMessageSize;
    private final int maxConsumers;
    private final int maxHeld;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] buffers;
    private final long[] states;
    private final long[] words = new long[2 * STRIDE + 1];
    private final MemorySegment signal;
    private final AtomicInteger consumers = new AtomicInteger();

    // plain per-buffer fields, see the note: written under CLAIMED, read under a pin
    private final long[] sequences;
    private final long[] publishNanos;
    private final MemorySegment[] readSlices;
    private final Object[] readViews;
    private final MemorySegment[] writeSlices;
    private final Object[] writeViews;

    private final Producer producer;
    private volatile boolean closed;

    private SensorMultiplexer(String name, MessageType<T> type, long maxMessageSize, int maxConsumers, int maxHeld) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize < 0: maxMessageSize=" + maxMessageSize);
        }
        if (maxConsumers < 1) {
            throw new IllegalArgumentException("maxConsumers < 1: maxConsumers=" + maxConsumers);
        }
        if (maxHeld < 1 || maxHeld > Subscriber.MAX_HELD) {
            throw new IllegalArgumentException("maxHeld out of range [1, " + Subscriber.MAX_HELD + "]: maxHeld="
                + maxHeld);
        }
        long bufferCount = (long) maxConsumers * maxHeld + 2;
        if (bufferCount > MAX_BUFFERS) {
            throw new IllegalArgumentException("maxConsumers * maxHeld + 2 > " + MAX_BUFFERS + ": maxConsumers="
                + maxConsumers + ", maxHeld=" + maxHeld);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxConsumers = maxConsumers;
        this.maxHeld = maxHeld;
        int count = (int) bufferCount;
        buffers = new MemorySegment[count];
        states = new long[count * STRIDE];
        sequences = new long[count];
        publishNanos = new long[count];
        readSlices = new MemorySegment[count];
        readViews = new Object[count];
        writeSlices = new MemorySegment[count];
        writeViews = new Object[count];
        try {
            for (int b = 0; b < count; b++) {
                buffers[b] = arena.allocate(Math.max(maxMessageSize, 1), 64);
                states[b * STRIDE] = NO_TAG << TAG_SHIFT;
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
        // the futex word lives apart from the buffers: a consumer asleep on it must not keep close() from freeing them
        signal = Arena.ofAuto().allocate(64, 64);
        words[NEWEST] = NONE;
        producer = new Producer();
        VarHandle.releaseFence(); // the plain initial stores; publication of `this` to other threads does the rest
    }

    /**
     * A multiplexer whose consumers hold one sample at a time, named after the type.
     *
     * @param maxMessageSize the largest message, in bytes
     * @param maxConsumers   how many subscribers may be open at once
     */
    public static <T> SensorMultiplexer<T> create(MessageType<T> type, long maxMessageSize, int maxConsumers) {
        return create(Objects.requireNonNull(type, "type").name(), type, maxMessageSize, maxConsumers, 1);
    }

    /**
     * A multiplexer whose consumers may hold up to {@code maxHeld} samples at once (a latest() beside a take, a
     * handler that keeps the previous frame); it allocates {@code maxConsumers × maxHeld + 2} buffers.
     *
     * @param name the topic name its publisher and subscribers report
     */
    public static <T> SensorMultiplexer<T> create(String name, MessageType<T> type, long maxMessageSize,
                                                  int maxConsumers, int maxHeld) {
        return new SensorMultiplexer<>(name, type, maxMessageSize, maxConsumers, maxHeld);
    }

    /** The one publisher (the same object on every call). */
    public Publisher<T> publisher() {
        checkOpen();
        return producer;
    }

    /**
     * A new consumer. Its first {@code take} returns the newest sample published so far, if any.
     *
     * @throws SluiceException when {@code maxConsumers} subscribers are open already
     */
    public Subscriber<T> subscriber() {
        checkOpen();
        while (true) {
            int current = consumers.get();
            if (current >= maxConsumers) {
                throw new SluiceException("consumers >= maxConsumers: consumers=" + current + ", maxConsumers="
                    + maxConsumers + ", topic=" + name);
            }
            if (consumers.compareAndSet(current, current + 1)) {
                return new Consumer();
            }
        }
    }

    /** How many buffers it owns: {@code maxConsumers × maxHeld + 2}. */
    public int bufferCount() {
        return buffers.length;
    }

    /** The largest message, in bytes. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Closes the publisher and frees the buffers. Call it after the consumers stopped: a sample read afterwards
     * throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close();
        wakeAll();
        arena.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("multiplexer closed: topic=" + name);
        }
    }

    private long state(int buffer) {
        return (long) LONGS.getAcquire(states, buffer * STRIDE);
    }

    private void wakeAll() {
        INT.getAndAdd(signal, NOTIFY_OFFSET, 1);
        if ((int) INT.getVolatile(signal, WAITERS_OFFSET) > 0) {
            Native.futexWakeAll(signal);
        }
    }

    // ------------------------------------------------------------------------------------------ producer

    private final class Producer implements Publisher<T> {
        private final Writing writing = new Writing();
        private int newestIndex = -1;
        private long nextSequence;
        private int cursor;
        /** The claimed buffer of the open loan, or -1. */
        private int loaned = -1;
        private boolean open = true;

        @Override
        public String topic() {
            return name;
        }

        @Override
        public Loan<T> loan(long size) {
            if (!open) {
                throw new IllegalStateException("publisher closed: topic=" + name);
            }
            if (size < 0 || size > maxMessageSize) {
                throw new IllegalArgumentException("size out of range [0, " + maxMessageSize + "]: size=" + size);
            }
            if (loaned >= 0) {
                throw new IllegalStateException("a loan is open: close or publish it first, topic=" + name);
            }
            int buffer = claim();
            loaned = buffer;
            MemorySegment slice = writeSlices[buffer];
            if (slice == null || slice.byteSize() != size) {
                slice = buffers[buffer].asSlice(0, size);
                writeSlices[buffer] = slice;
                @SuppressWarnings("unchecked")
                T view = (T) writeViews[buffer];
                writeViews[buffer] = view == null ? type.wrap(slice) : type.rewrap(view, slice);
            }
            return writing;
        }

        @Override
        public Loan<T> loan(MessageShape<T> shape) {
            loan(shape.byteSize());
            try {
                shape.initialize(writeSlices[loaned]);
            } catch (RuntimeException | Error e) {
                abandon();
                throw e;
            }
            return writing;
        }

        /** Claims a buffer that is neither newest nor pinned; see I4 in the note. */
        private int claim() {
            int count = buffers.length;
            for (int attempt = 0; attempt < CLAIM_PASSES * count; attempt++) {
                int buffer = cursor;
                cursor = buffer + 1 == count ? 0 : buffer + 1;
                if (buffer == newestIndex) {
                    continue;
                }
                long state = state(buffer);
                if ((state & (PIN_MASK | CLAIMED)) == 0
                    && LONGS.compareAndSet(states, buffer * STRIDE, state, (NO_TAG << TAG_SHIFT) | CLAIMED)) {
                    return buffer;
                }
            }
            // unreachable while I4 holds; a guard against a broken invariant rather than a hang
            throw new SluiceException("no free buffer after " + CLAIM_PASSES + " passes: buffers=" + count
                + ", topic=" + name);
        }

        T message() {
            checkLoaned();
            @SuppressWarnings("unchecked")
            T view = (T) writeViews[loaned];
            return view;
        }

        MemorySegment segment() {
            checkLoaned();
            return writeSlices[loaned];
        }

        private void checkLoaned() {
            if (loaned < 0) {
                throw new IllegalStateException("no open loan: it was published or closed, topic=" + name);
            }
        }

        void publish() {
            checkLoaned();
            int buffer = loaned;
            long sequence = nextSequence;
            if (sequence >= NO_TAG) {
                throw new SluiceException("sequence >= 2^48 - 1: sequence=" + sequence + ", topic=" + name);
            }
            MemorySegment written = writeSlices[buffer];
            long size = type.encodedSize(written);
            if (size < 0 || size > written.byteSize()) {
                throw new IllegalStateException("encodedSize out of range [0, " + written.byteSize() + "]: size="
                    + size + ", topic=" + name);
            }
            MemorySegment read = readSlices[buffer];
            if (read == null || read.byteSize() != size) {
                read = buffers[buffer].asSlice(0, size).asReadOnly();
                readSlices[buffer] = read;
                @SuppressWarnings("unchecked")
                T view = (T) readViews[buffer];
                readViews[buffer] = view == null ? type.wrap(read) : type.rewrap(view, read);
            }
            sequences[buffer] = sequence;
            publishNanos[buffer] = System.nanoTime();
            LONGS.setRelease(states, buffer * STRIDE, sequence << TAG_SHIFT);          // pinnable from here
            LONGS.setRelease(words, NEWEST, (sequence << INDEX_BITS) | buffer);       // linearization point
            newestIndex = buffer;
            nextSequence = sequence + 1;
            loaned = -1;
            wakeAll();
        }

        /** Gives an unpublished loan back. */
        void abandon() {
            if (loaned >= 0) {
                LONGS.setRelease(states, loaned * STRIDE, NO_TAG << TAG_SHIFT); // holds no sample: never pinned
                loaned = -1;
            }
        }

        @Override
        public int subscriberCount() {
            return consumers.get();
        }

        @Override
        public long publishedCount() {
            return nextSequence;
        }

        /** Refuses loans from now on (an open loan is given back); samples already published stay readable. */
        @Override
        public void close() {
            abandon();
            open = false;
        }
    }

    /** The one loan object of the producer, reused: a view of the producer's open loan. */
    private final class Writing implements Loan<T> {
        @Override
        public T message() {
            return producer.message();
        }

        @Override
        public MemorySegment segment() {
            return producer.segment();
        }

        @Override
        public void publish() {
            producer.publish();
        }

        @Override
        public void close() {
            producer.abandon();
        }
    }

    private int publisherCount() {
        return producer.open ? 1 : 0;
    }

    // ------------------------------------------------------------------------------------------ consumers

    private static final VarHandle HELD_STATE;

    static {
        try {
            HELD_STATE = MethodHandles.lookup().findVarHandle(SensorMultiplexer.Held.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int CLOSING = 2;

    private final class Consumer implements Subscriber<T>, FutexWaitable {
        private final Held[] held;
        private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);
        private long lastSeen = NONE;
        private volatile boolean open = true;

        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of an inner class of a generic class
        Consumer() {
            held = new SensorMultiplexer.Held[maxHeld];
            for (int i = 0; i < maxHeld; i++) {
                held[i] = new Held();
            }
        }

        @Override
        public String topic() {
            return name;
        }

        @Override
        public Qos qos() {
            return Qos.latest();
        }

        @Override
        public Sample<T> take() {
            return pinNewest(true);
        }

        @Override
        public Sample<T> latest() {
            return pinNewest(false);
        }

        private Sample<T> pinNewest(boolean unseenOnly) {
            checkConsumerOpen();
            Held slot = freeSlot();
            while (true) {
                long newest = (long) LONGS.getAcquire(words, NEWEST); // linearization point of take and latest
                if (newest == NONE) {
                    return null;
                }
                long tag = newest >>> INDEX_BITS;
                if (unseenOnly && tag == lastSeen) {
                    return null;
                }
                int buffer = (int) (newest & INDEX_MASK);
                long state = state(buffer);
                if ((state & CLAIMED) != 0 || state >>> TAG_SHIFT != tag) {
                    Thread.onSpinWait();
                    continue; // reclaimed: newest has moved on (I3)
                }
                if (LONGS.compareAndSet(states, buffer * STRIDE, state, state + 1)) {
                    if (unseenOnly) {
                        lastSeen = tag;
                    }
                    slot.bind(buffer);
                    return slot;
                }
            }
        }

        private Held freeSlot() {
            for (Held slot : held) {
                if (slot.state() == FREE) {
                    return slot;
                }
            }
            throw new SluiceException("subscriber holds too many samples: held=" + maxHeld + ", topic=" + name
                + "; close samples before taking more");
        }

        @Override
        public Sample<T> take(Duration timeout) {
            Sample<T> sample = take();
            if (sample != null) {
                return sample;
            }
            long remaining = Timeouts.nanos(timeout);
            if (remaining <= 0) {
                return null;
            }
            long deadline = System.nanoTime() + remaining;
            while (true) {
                int seen = armWait();
                try {
                    sample = take();
                    if (sample != null || closed || !open) {
                        return sample;
                    }
                    Native.futexWait(signal, seen, remaining, timespec);
                } finally {
                    disarmWait();
                }
                sample = take();
                remaining = deadline - System.nanoTime();
                if (sample != null || remaining <= 0) {
                    return sample;
                }
            }
        }

        @Override
        public long lostCount() {
            return 0; // skipping is the latest() semantics, not a loss
        }

        @Override
        public int publisherCount() {
            return closed ? 0 : SensorMultiplexer.this.publisherCount();
        }

        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            for (Held slot : held) {
                slot.close();
                while (slot.state() == CLOSING) {
                    Thread.onSpinWait(); // another thread is closing it: its unpin is a few instructions away (I4)
                }
            }
            consumers.decrementAndGet();
        }

        private void checkConsumerOpen() {
            if (!open) {
                throw new IllegalStateException("subscriber closed: topic=" + name);
            }
            checkOpen();
        }

        // FutexWaitable: the blocking protocol of the note, for waiting on several words at once

        @Override
        public MemorySegment waitWord() {
            return signal.asSlice(NOTIFY_OFFSET, 4);
        }

        @Override
        public int armWait() {
            int seen = (int) INT.getAcquire(signal, NOTIFY_OFFSET);
            INT.getAndAdd(signal, WAITERS_OFFSET, 1); // full fence before the caller looks again
            return seen;
        }

        @Override
        public void disarmWait() {
            INT.getAndAdd(signal, WAITERS_OFFSET, -1);
        }

        @Override
        public void maintain(long nowNanos) {
            // nothing to probe: the producer lives in this process
        }
    }

    /** A sample slot of a consumer, reused: FREE -> HELD (consumer thread) -> CLOSING -> FREE (any thread). */
    private final class Held implements Sample<T> {
        @SuppressWarnings("unused") // through STATE
        private int state = FREE;
        private int buffer;

        int state() {
            return (int) HELD_STATE.getAcquire(this);
        }

        void bind(int buffer) {
            this.buffer = buffer;
            HELD_STATE.setRelease(this, HELD);
        }

        @Override
        public T message() {
            @SuppressWarnings("unchecked")
            T view = (T) readViews[buffer];
            return view;
        }

        @Override
        public MemorySegment segment() {
            return readSlices[buffer];
        }

        @Override
        public long sequence() {
            return sequences[buffer];
        }

        @Override
        public long publishNanos() {
            return publishNanos[buffer];
        }

        @Override
        public int publisherIndex() {
            return 0;
        }

        @Override
        public void close() {
            if (HELD_STATE.compareAndSet(this, HELD, CLOSING)) {
                LONGS.getAndAdd(states, buffer * STRIDE, -1L); // unpin: a volatile RMW the producer's claim reads
                HELD_STATE.setRelease(this, FREE);
            }
        }
    }
}
