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

    /**
     * The fixed fields of a segment header, copied out of shared memory by {@link #read} (each field read once) or
     * computed by {@link #of} for a new segment. Whoever maps a segment validates this copy ({@link #validate}) and
     * uses only it afterwards: the file can be rewritten at any moment by another process, so a field read again
     * could hold a value nobody checked.
     */
    record Header(long magic, int version, int generation, long fileLength, int slotCount, int ringCapacity,
                  long slotCapacity, long slotStride, long startSequence, int publisherIndex, int incarnation) {
        /** Copies the fixed fields of the header at the start of {@code segment}. */
        static Header read(MemorySegment segment) {
            return new Header(
                segment.get(JAVA_LONG, MAGIC_OFFSET),
                segment.get(JAVA_INT, VERSION_OFFSET),
                segment.get(JAVA_INT, GENERATION_OFFSET),
                segment.get(JAVA_LONG, FILE_LENGTH_OFFSET),
                segment.get(JAVA_INT, SLOT_COUNT_OFFSET),
                segment.get(JAVA_INT, RING_CAPACITY_OFFSET),
                segment.get(JAVA_LONG, SLOT_CAPACITY_OFFSET),
                segment.get(JAVA_LONG, SLOT_STRIDE_OFFSET),
                segment.get(JAVA_LONG, START_SEQUENCE_OFFSET),
                segment.get(JAVA_INT, PUBLISHER_INDEX_OFFSET),
                segment.get(JAVA_INT, INCARNATION_OFFSET));
        }

        /** The header of a new segment. */
        static Header of(int generation, int slotCount, long slotCapacity, long startSequence, int publisherIndex,
                         int incarnation) {
            return new Header(MAGIC, VERSION, generation, SegmentLayout.fileLength(slotCount, slotCapacity), slotCount,
                SegmentLayout.ringCapacity(slotCount), slotCapacity, SegmentLayout.slotStride(slotCapacity),
                startSequence, publisherIndex, incarnation);
        }

        long slotsOffset() {
            return SegmentLayout.slotsOffset(ringCapacity);
        }
    }

    /** Writes the header of a new segment; the ring is zero and every slot is marked WRITING. */
    static void initialize(MemorySegment segment, Header header) {
        segment.set(JAVA_LONG, MAGIC_OFFSET, header.magic());
        segment.set(JAVA_INT, VERSION_OFFSET, header.version());
        segment.set(JAVA_INT, GENERATION_OFFSET, header.generation());
        segment.set(JAVA_LONG, FILE_LENGTH_OFFSET, header.fileLength());
        segment.set(JAVA_INT, SLOT_COUNT_OFFSET, header.slotCount());
        segment.set(JAVA_INT, RING_CAPACITY_OFFSET, header.ringCapacity());
        segment.set(JAVA_LONG, SLOT_CAPACITY_OFFSET, header.slotCapacity());
        segment.set(JAVA_LONG, SLOT_STRIDE_OFFSET, header.slotStride());
        segment.set(JAVA_LONG, START_SEQUENCE_OFFSET, header.startSequence());
        segment.set(JAVA_INT, PUBLISHER_INDEX_OFFSET, header.publisherIndex());
        segment.set(JAVA_INT, INCARNATION_OFFSET, header.incarnation());
        segment.set(JAVA_LONG, TAIL_OFFSET, header.startSequence());
        long slots = header.slotsOffset();
        for (int slot = 0; slot < header.slotCount(); slot++) {
            segment.set(JAVA_LONG, slots + slot * header.slotStride() + SLOT_SEQUENCE, WRITING);
        }
    }

    /**
     * Checks a header copied by {@link Header#read} against itself, its file's size, the generation its name
     * promises and the size of the file system that holds it: a publisher reserves every byte of its segment when
     * it creates it, so a header claiming more than its file system holds is not one (a sparse file can have any
     * size; {@code fileSystemSize} is -1 when the file system does not say).
     *
     * @throws CorruptDataException naming the file, the field and its value
     */
    static void validate(Header header, String file, long fileSize, int expectedGeneration, long fileSystemSize) {
        if (fileSize < RING_OFFSET) {
            throw new CorruptDataException("segment file truncated: file=" + file + ", size=" + fileSize
                + ", minimum=" + RING_OFFSET);
        }
        if (header.magic() != MAGIC) {
            throw new CorruptDataException("segment file has a wrong magic: file=" + file + ", magic=0x"
                + Long.toHexString(header.magic()));
        }
        if (header.version() != VERSION) {
            throw new CorruptDataException("segment file has an unsupported version: file=" + file + ", version="
                + header.version() + ", supported=" + VERSION);
        }
        if (header.generation() != expectedGeneration) {
            throw new CorruptDataException("segment file holds another generation: file=" + file + ", generation="
                + header.generation() + ", expected=" + expectedGeneration);
        }
        int slotCount = header.slotCount();
        if (slotCount < 1 || slotCount > MAX_SLOTS) {
            throw new CorruptDataException("segment slotCount out of range [1, " + MAX_SLOTS + "]: file=" + file
                + ", slotCount=" + slotCount);
        }
        if (header.ringCapacity() != ringCapacity(slotCount)) {
            throw new CorruptDataException("segment ringCapacity does not fit slotCount: file=" + file
                + ", ringCapacity=" + header.ringCapacity() + ", slotCount=" + slotCount);
        }
        long capacity = header.slotCapacity();
        if (capacity < 0 || capacity > MAX_SLOT_CAPACITY) {
            throw new CorruptDataException("segment slotCapacity out of range: file=" + file + ", slotCapacity="
                + capacity);
        }
        if (header.slotStride() != slotStride(capacity)) {
            throw new CorruptDataException("segment slotStride does not fit slotCapacity: file=" + file
                + ", slotStride=" + header.slotStride() + ", slotCapacity=" + capacity);
        }
        long length = header.fileLength();
        long expected = fileLength(slotCount, capacity); // at most MAX_SLOTS strides of MAX_SLOT_CAPACITY: no overflow
        if (length != expected) {
            throw new CorruptDataException("segment fileLength does not fit its slots: file=" + file
                + ", fileLength=" + length + ", expected=" + expected);
        }
        if (fileSystemSize >= 0 && length > fileSystemSize) {
            throw new CorruptDataException("segment fileLength exceeds its file system: file=" + file
                + ", fileLength=" + length + ", fileSystemSize=" + fileSystemSize);
        }
        if (fileSize < length) {
            throw new CorruptDataException("segment file truncated: file=" + file + ", size=" + fileSize
                + ", fileLength=" + length);
        }
        if (header.publisherIndex() < 0 || header.publisherIndex() >= TopicLayout.MAX_PUBLISHERS) {
            throw new CorruptDataException("segment publisherIndex out of range: file=" + file + ", publisherIndex="
                + header.publisherIndex());
        }
        if (header.startSequence() < 0) {
            throw new CorruptDataException("segment startSequence < 0: file=" + file + ", startSequence="
                + header.startSequence());
        }
    }
}
