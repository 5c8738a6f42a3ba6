package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.Sample;
import io.sluice.SluiceException;

import java.lang.foreign.MemorySegment;

import static io.sluice.shm.SegmentLayout.CLAIMING;
import static io.sluice.shm.SegmentLayout.SLOT_SEQUENCE;
import static io.sluice.shm.TopicLayout.MAX_HELD;
import static io.sluice.shm.TopicLayout.pinValue;

/**
 * The samples a subscriber holds: the {@link TopicLayout#MAX_HELD} entries of its row's pin table (PINS and the
 * HELD_MASK bits), the {@link Sample} object bound to each entry, and the segment mappings those samples keep mapped.
 *
 * <h2>Implementation notes</h2>
 * <b>Pinning sequence s</b> in slot k: set bit {@code held} in HELD_MASK (atomic), store the pin (generation, k)
 * (volatile), then read SLOT_SEQUENCE[k] (volatile). Equal to s: the sample is ours and stays intact until the pin
 * is cleared (see the handshake in {@link ShmPublisher} and {@link SlotProtocol}). CLAIMING: the publisher is deciding
 * about k right now; re-read (a bounded spin) until it either restores s or moves on; past the bound the pin is
 * undone and {@link #claimStalled()} says so. Anything else: s was overwritten; the pin is undone. Release: clear the
 * pin (release store), then the mask bit (atomic).
 *
 * <p>Threads: {@link #free}, {@link #pin} and {@link #retire} run on the subscriber's taking thread; a sample may be
 * closed on another thread. A sample's {@code open} flag is volatile and cleared before its pin goes, so the taker
 * reuses the entry only after the sample is done with it. Mappings are retired and unmapped under {@code retireLock},
 * which a closing sample takes too: a mapping is unmapped once it is retired and no open sample is on it.
 */
final class HeldSamples<T> {
    /**
     * How long a pin waits out a slot in CLAIMING (a live publisher resolves it within its pin scan, microseconds):
     * past it the publisher is stopped, preempted or dead, and the take moves on instead of spinning.
     */
    private static final int CLAIM_SPIN_LIMIT = 1_000;

    private final String topic;
    private final TopicFile file;
    private final SubscriberRow row;
    private final long heldMaskOffset;
    private final SampleImpl[] samples;
    private final Object retireLock = new Object();
    /** Set by the last {@link #pin} that gave up on a slot its publisher left in CLAIMING. */
    private boolean claimStalled;
    private volatile boolean closed;

    HeldSamples(String topic, TopicFile file, SubscriberRow row) {
        this.topic = topic;
        this.file = file;
        this.row = row;
        this.heldMaskOffset = row.heldMaskOffset();
        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of an inner class of a generic class
        SampleImpl[] pool = new HeldSamples.SampleImpl[MAX_HELD];
        for (int held = 0; held < MAX_HELD; held++) {
            pool[held] = new SampleImpl(held);
        }
        this.samples = pool;
    }

    /**
     * A free entry of the table (PINS and HELD_MASK bit).
     *
     * @throws SluiceException when every entry holds a sample
     */
    int free() {
        int mask = row.heldMaskVolatile();
        int free = ~mask & ((1 << MAX_HELD) - 1);
        if (free == 0) {
            throw new SluiceException("subscriber holds too many samples: topic=" + topic + ", held=" + MAX_HELD
                + "; close samples before taking more");
        }
        return Integer.numberOfTrailingZeros(free);
    }

    /**
     * Pins {@code slot} in entry {@code held} (from {@link #free}) and checks it holds {@code sequence}; returns the
     * bound sample, or null when the slot has moved on (the pin is undone). When the sample cannot be read — a length
     * outside its slot, or a message its type rejects — the pin is undone and the exception thrown.
     */
    Sample<T> pin(int held, int publisherIndex, SegmentMapping<T> mapping, int slot, long sequence) {
        SlotProtocol.pin(file.memory, heldMaskOffset, held, row.pinOffset(held), pinValue(mapping.generation, slot));
        long current = SlotProtocol.settledSequence(mapping.memory, mapping.slotOffset(slot) + SLOT_SEQUENCE,
            CLAIM_SPIN_LIMIT);
        claimStalled = current == CLAIMING;
        if (current != sequence) {
            unpin(held);
            return null;
        }
        long slotOffset = mapping.slotOffset(slot);
        long length = SlotProtocol.length(mapping.memory, slotOffset);
        if (length < 0 || length > mapping.slotCapacity) {
            unpin(held);
            throw new CorruptDataException("sample length out of range [0, slotCapacity]: file=" + mapping.path
                + ", slot=" + slot + ", length=" + length + ", slotCapacity=" + mapping.slotCapacity);
        }
        long stamp = SlotProtocol.stamp(mapping.memory, slotOffset);
        SampleImpl sample = samples[held];
        try {
            sample.bind(mapping, slot, sequence, length, stamp, publisherIndex);
        } catch (RuntimeException rejected) {
            unpin(held);
            throw rejected;
        }
        return sample;
    }

    /** Whether the last {@link #pin} gave up on a slot its publisher left in CLAIMING. */
    boolean claimStalled() {
        return claimStalled;
    }

    private void unpin(int held) {
        SlotProtocol.unpin(file.memory, heldMaskOffset, held, row.pinOffset(held));
    }

    /** Unmaps {@code mapping} now, or when the last sample on it closes. */
    void retire(SegmentMapping<T> mapping) {
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

    /**
     * The subscriber closes: every sample is closed (its pin stays; the row goes soon), then {@code mappings} are
     * retired, so that a sample still read on another thread fails cleanly instead of seeing its slot reused.
     */
    void closeAll(Iterable<SegmentMapping<T>> mappings) {
        closed = true;
        for (SampleImpl sample : samples) {
            sample.open = false;
        }
        synchronized (retireLock) {
            for (SegmentMapping<T> mapping : mappings) {
                retire(mapping);
            }
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
