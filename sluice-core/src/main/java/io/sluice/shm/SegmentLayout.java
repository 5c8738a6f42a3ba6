package io.sluice.shm;

import io.sluice.CorruptDataException;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Layout of one publisher's segment, {@code <topic>.<generation>.seg}: its slots and the ring of descriptors that
 * orders them. One publisher writes it; subscribers map it read-only.
 *
 * <pre>
 *   0: MAGIC "SLUICE-S" (8) | VERSION (4) | GENERATION (4) | FILE_LENGTH (8) | SLOT_COUNT (4) | RING_CAPACITY (4)
 *  32: SLOT_CAPACITY (8, payload bytes per slot) | SLOT_STRIDE (8) | START_SEQUENCE (8)
 *  56: PUBLISHER_INDEX (4) | INCARNATION (4)
 * 128: TAIL (8): the next sequence to publish; release-stored after a sample is committed   own cache line
 * 192: SUCCESSOR (4): generation that replaced this segment, 0 while current
 * 200: FINAL_END (8): 1 + the sequence after the publisher's last sample, written into every generation it left
 *      when it closed or its death was reclaimed, just before the files are removed; 0 while unknown
 * 4096: RING: RING_CAPACITY x int slot index; entry (seq &amp; (RING_CAPACITY - 1)) names the slot of seq
 * SLOTS_OFFSET (page aligned): SLOT_COUNT x SLOT_STRIDE:
 *     +0 SLOT_SEQUENCE (8): the sequence the slot holds, or CLAIMING / WRITING
 *     +8 SLOT_LENGTH (8)   +16 SLOT_TIMESTAMP (8, System.nanoTime at publish)
 *     +64 payload (SLOT_CAPACITY bytes)
 * </pre>
 *
 * Commit protocol (publisher): write payload, SLOT_LENGTH and SLOT_TIMESTAMP; release-store SLOT_SEQUENCE = seq;
 * store the ring entry; release-store TAIL = seq + 1. A subscriber acquire-loads TAIL, reads the ring entry as a
 * hint, pins the slot and accepts it only if SLOT_SEQUENCE still equals the sequence it wants (see
 * {@link ShmPublisher} for why a pinned slot cannot be overwritten).
 */
public final class SegmentLayout {
    public static final long MAGIC = 0x532d45434955_4c53L; // "SLUICE-S" little endian
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int GENERATION_OFFSET = 12;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int SLOT_COUNT_OFFSET = 24;
    public static final int RING_CAPACITY_OFFSET = 28;
    public static final int SLOT_CAPACITY_OFFSET = 32;
    public static final int SLOT_STRIDE_OFFSET = 40;
    public static final int START_SEQUENCE_OFFSET = 48;
    public static final int PUBLISHER_INDEX_OFFSET = 56;
    public static final int INCARNATION_OFFSET = 60;
    public static final int TAIL_OFFSET = 128;
    public static final int SUCCESSOR_OFFSET = 192;
    public static final int FINAL_END_OFFSET = 200;
    public static final int RING_OFFSET = 4096;

    public static final int SLOT_SEQUENCE = 0;
    public static final int SLOT_LENGTH = 8;
    public static final int SLOT_TIMESTAMP = 16;
    public static final int SLOT_HEADER_LENGTH = 64;

    /** SLOT_SEQUENCE while the publisher checks that nobody pins the slot it wants to reuse. */
    public static final long CLAIMING = -2;
    /** SLOT_SEQUENCE while the slot is loaned and being written, or was never written. */
    public static final long WRITING = -1;

    public static final int MAX_SLOTS = 1 << 16;
    public static final long MAX_SLOT_CAPACITY = 1L << 40;

    private SegmentLayout() {
    }

    public static int ringCapacity(int slotCount) {
        return Integer.highestOneBit(Math.max(1, slotCount) * 2 - 1);
    }

    public static long slotsOffset(int ringCapacity) {
        return alignLong(RING_OFFSET + (long) ringCapacity * Integer.BYTES, 4096);
    }

    /** Slots of small messages are packed on cache lines; slots of a page or more start on a page. */
    public static long slotStride(long slotCapacity) {
        long raw = SLOT_HEADER_LENGTH + slotCapacity;
        return raw >= 4096 ? alignLong(raw, 4096) : alignLong(raw, 64);
    }

    public static long fileLength(int slotCount, long slotCapacity) {
        return slotsOffset(ringCapacity(slotCount)) + slotCount * slotStride(slotCapacity);
    }

    static long alignLong(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** Writes the header of a new segment; the ring is zero and every slot is marked WRITING. */
    static void initialize(MemorySegment segment, int generation, int slotCount, long slotCapacity, long startSequence,
                           int publisherIndex, int incarnation) {
        int ringCapacity = ringCapacity(slotCount);
        long stride = slotStride(slotCapacity);
        segment.set(JAVA_LONG, MAGIC_OFFSET, MAGIC);
        segment.set(JAVA_INT, VERSION_OFFSET, VERSION);
        segment.set(JAVA_INT, GENERATION_OFFSET, generation);
        segment.set(JAVA_LONG, FILE_LENGTH_OFFSET, fileLength(slotCount, slotCapacity));
        segment.set(JAVA_INT, SLOT_COUNT_OFFSET, slotCount);
        segment.set(JAVA_INT, RING_CAPACITY_OFFSET, ringCapacity);
        segment.set(JAVA_LONG, SLOT_CAPACITY_OFFSET, slotCapacity);
        segment.set(JAVA_LONG, SLOT_STRIDE_OFFSET, stride);
        segment.set(JAVA_LONG, START_SEQUENCE_OFFSET, startSequence);
        segment.set(JAVA_INT, PUBLISHER_INDEX_OFFSET, publisherIndex);
        segment.set(JAVA_INT, INCARNATION_OFFSET, incarnation);
        segment.set(JAVA_LONG, TAIL_OFFSET, startSequence);
        long slots = slotsOffset(ringCapacity);
        for (int slot = 0; slot < slotCount; slot++) {
            segment.set(JAVA_LONG, slots + slot * stride + SLOT_SEQUENCE, WRITING);
        }
    }

    /**
     * Checks a mapped segment's header against itself, its file's size and the generation its name promises.
     *
     * @throws CorruptDataException naming the file, the field and its value
     */
    static void validate(MemorySegment segment, String file, long fileSize, int expectedGeneration) {
        if (fileSize < RING_OFFSET) {
            throw new CorruptDataException("segment file truncated: file=" + file + ", size=" + fileSize
                + ", minimum=" + RING_OFFSET);
        }
        long magic = segment.get(JAVA_LONG, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptDataException("segment file has a wrong magic: file=" + file + ", magic=0x"
                + Long.toHexString(magic));
        }
        int version = segment.get(JAVA_INT, VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptDataException("segment file has an unsupported version: file=" + file + ", version="
                + version + ", supported=" + VERSION);
        }
        int generation = segment.get(JAVA_INT, GENERATION_OFFSET);
        if (generation != expectedGeneration) {
            throw new CorruptDataException("segment file holds another generation: file=" + file + ", generation="
                + generation + ", expected=" + expectedGeneration);
        }
        int slotCount = segment.get(JAVA_INT, SLOT_COUNT_OFFSET);
        if (slotCount < 1 || slotCount > MAX_SLOTS) {
            throw new CorruptDataException("segment slotCount out of range [1, " + MAX_SLOTS + "]: file=" + file
                + ", slotCount=" + slotCount);
        }
        int ringCapacity = segment.get(JAVA_INT, RING_CAPACITY_OFFSET);
        if (ringCapacity != ringCapacity(slotCount)) {
            throw new CorruptDataException("segment ringCapacity does not fit slotCount: file=" + file
                + ", ringCapacity=" + ringCapacity + ", slotCount=" + slotCount);
        }
        long capacity = segment.get(JAVA_LONG, SLOT_CAPACITY_OFFSET);
        if (capacity < 0 || capacity > MAX_SLOT_CAPACITY) {
            throw new CorruptDataException("segment slotCapacity out of range: file=" + file + ", slotCapacity="
                + capacity);
        }
        long stride = segment.get(JAVA_LONG, SLOT_STRIDE_OFFSET);
        if (stride != slotStride(capacity)) {
            throw new CorruptDataException("segment slotStride does not fit slotCapacity: file=" + file
                + ", slotStride=" + stride + ", slotCapacity=" + capacity);
        }
        long length = segment.get(JAVA_LONG, FILE_LENGTH_OFFSET);
        long expected = fileLength(slotCount, capacity);
        if (length != expected) {
            throw new CorruptDataException("segment fileLength does not fit its slots: file=" + file
                + ", fileLength=" + length + ", expected=" + expected);
        }
        if (fileSize < length) {
            throw new CorruptDataException("segment file truncated: file=" + file + ", size=" + fileSize
                + ", fileLength=" + length);
        }
        int publisher = segment.get(JAVA_INT, PUBLISHER_INDEX_OFFSET);
        if (publisher < 0 || publisher >= TopicLayout.MAX_PUBLISHERS) {
            throw new CorruptDataException("segment publisherIndex out of range: file=" + file + ", publisherIndex="
                + publisher);
        }
        long start = segment.get(JAVA_LONG, START_SEQUENCE_OFFSET);
        if (start < 0) {
            throw new CorruptDataException("segment startSequence < 0: file=" + file + ", startSequence=" + start);
        }
    }
}
