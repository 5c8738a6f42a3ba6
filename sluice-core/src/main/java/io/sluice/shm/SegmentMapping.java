package io.sluice.shm;

import io.sluice.os.Native;
import io.sluice.CorruptDataException;
import io.sluice.MessageType;
import io.sluice.SluiceException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.sluice.shm.SegmentLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One process's mapping of one segment generation, with the header values it validated in final fields, and a
 * per-slot cache of message views so that traffic allocates nothing once warm, whatever the lengths of its messages.
 *
 * <p>Opening a generation: the file is opened through {@link Native#openChecked} (a regular file of the user, mode
 * 0600, never a FIFO that could block the open); its header page is mapped and its fixed fields copied out once
 * ({@link SegmentLayout.Header#read}); the copy is validated against the size {@code statx} gave at the open and
 * against the file system's size; then exactly the validated {@code fileLength} is mapped, and the fields come
 * from the copy, never from the mapping again: another process can rewrite the header at any time, and a value
 * read twice could be one nobody checked (a slot count of 2^31 to size arrays by).
 *
 * <p>Subscribers map segments read-only: nothing they do can damage a publisher's data. The mapping lives until
 * {@link #release()} is called by its owner and every sample or loan on it is closed.
 */
final class SegmentMapping<T> {
    /** Slices kept per slot: a power of two. */
    private static final int SLICES = 4;

    final Path path;
    final int generation;
    final MemorySegment memory;
    final int slotCount;
    final int ringMask;
    final long slotCapacity;
    final long slotStride;
    final long slotsOffset;
    final long startSequence;
    final int publisherIndex;
    final int incarnation;
    private final Arena arena;
    /** Kept open by subscribers to tell a file that shrank under the mapping; -1 for the publisher's own. */
    private final int fd;
    private final MessageType<T> type;
    /** Per slot: its whole room, made once; views re-point within it (see {@link #view}). */
    private final MemorySegment[] rooms;
    private final long[] viewLengths;
    private final Object[] views;
    /** Per slot, {@link #SLICES} ways: the exact bytes of its last few lengths, made when someone asks for them. */
    private final MemorySegment[] slices;
    private final byte[] nextWay;
    /** Set when the owner has moved past this generation; it is unmapped once no sample uses it. */
    volatile boolean retired;
    /** Guarded by the owner's retire lock. */
    boolean unmapped;

    /** {@code header} is validated (or was computed for a new segment): nothing is read from {@code memory}. */
    private SegmentMapping(Path path, Arena arena, MemorySegment memory, MessageType<T> type, int fd,
                           SegmentLayout.Header header) {
        this.path = path;
        this.fd = fd;
        this.generation = header.generation();
        this.arena = arena;
        this.memory = memory;
        this.type = type;
        this.slotCount = header.slotCount();
        this.ringMask = header.ringCapacity() - 1;
        this.slotCapacity = header.slotCapacity();
        this.slotStride = header.slotStride();
        this.slotsOffset = header.slotsOffset();
        this.startSequence = header.startSequence();
        this.publisherIndex = header.publisherIndex();
        this.incarnation = header.incarnation();
        this.rooms = new MemorySegment[slotCount];
        this.viewLengths = new long[slotCount];
        java.util.Arrays.fill(viewLengths, -1);
        this.views = new Object[slotCount];
        this.slices = new MemorySegment[slotCount * SLICES];
        this.nextWay = new byte[slotCount];
    }

    /**
     * Prepares a new generation outside any lock: an unnamed file ({@code O_TMPFILE}, 0600) in {@code directory},
     * its memory reserved ({@code posix_fallocate}, which for a large generation takes long), mapped read-write, its
     * header written but for the fields only the admin lock decides (generation, publisher index, incarnation). A
     * process that dies meanwhile leaves nothing: the file has no name. {@link #publishAs} names it.
     */
    static <T> SegmentMapping<T> draft(Path directory, int slotCount, long slotCapacity, long startSequence,
                                       MessageType<T> type) {
        long length = fileLength(slotCount, slotCapacity);
        int fd;
        try {
            fd = Native.openUnnamed(directory, 0600);
        } catch (IOException e) {
            throw new SluiceException("cannot create segment in " + directory + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try {
            Native.fchmod(fd, 0600); // whatever the umask
            Native.allocate(fd, length);
            MemorySegment memory = Native.map(fd, length, true, arena);
            SegmentLayout.Header header = SegmentLayout.Header.of(0, slotCount, slotCapacity, startSequence, 0, 0);
            SegmentLayout.initialize(memory, header);
            return new SegmentMapping<>(null, arena, memory, type, fd, header);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Native.close(fd);
            throw new SluiceException("cannot create segment of " + length + " bytes in " + directory + ": "
                + e.getMessage(), e);
        }
    }

    /**
     * Under the admin lock: writes the generation, publisher index and incarnation into a {@link #draft}'s header and
     * links it as {@code path}. Returns the publisher's mapping of the named generation; the draft object is spent
     * (on failure it is released, and nothing is left).
     */
    SegmentMapping<T> publishAs(Path path, int generation, int publisherIndex, int incarnation) {
        try {
            memory.set(JAVA_INT, GENERATION_OFFSET, generation);
            memory.set(JAVA_INT, PUBLISHER_INDEX_OFFSET, publisherIndex);
            memory.set(JAVA_INT, INCARNATION_OFFSET, incarnation);
            Native.link(fd, path);
        } catch (IOException | RuntimeException e) {
            release();
            throw new SluiceException("cannot name segment " + path + ": " + e.getMessage(), e);
        }
        Native.close(fd);
        return new SegmentMapping<>(path, arena, memory, type, -1, SegmentLayout.Header.of(generation, slotCount,
            slotCapacity, startSequence, publisherIndex, incarnation));
    }

    /**
     * Maps an existing generation read-only and validates it; returns null when its file is gone (its publisher
     * moved on to a newer generation or left).
     *
     * @throws CorruptDataException when the file is not a valid segment of that generation, or not a file of ours
     */
    static <T> SegmentMapping<T> open(Path path, int generation, MessageType<T> type) {
        Native.CheckedFile opened;
        try {
            opened = Native.openChecked(path, Native.O_RDONLY, Native.Creation.EXISTING);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SluiceException("cannot open segment: " + e.getMessage(), e);
        }
        int fd = opened.fd();
        Arena arena = Arena.ofShared();
        boolean keep = false;
        try {
            long size = opened.size();
            if (size < RING_OFFSET) {
                throw new CorruptDataException("segment file truncated: file=" + path + ", size=" + size
                    + ", minimum=" + RING_OFFSET);
            }
            SegmentLayout.Header header;
            try (Arena headerOnly = Arena.ofConfined()) {
                header = SegmentLayout.Header.read(Native.map(fd, RING_OFFSET, false, headerOnly));
            }
            SegmentLayout.validate(header, path.toString(), size, generation, Native.fileSystemSize(fd));
            MemorySegment memory = Native.map(fd, header.fileLength(), false, arena);
            SegmentMapping<T> mapping = new SegmentMapping<>(path, arena, memory, type, fd, header);
            keep = true;
            return mapping;
        } catch (IOException e) {
            arena.close();
            throw new SluiceException("cannot map segment " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } finally {
            if (!keep) {
                Native.close(fd);
            }
        }
    }

    /** Whose a segment file is, by its header; {@code valid} is false for a file that is not a segment. */
    /**
     * Whose a segment file is, and the furthest its stream is known to reach: its TAIL, or the end an earlier seal
     * wrote into FINAL_END when that is further (the newer generations it was computed from may be gone since).
     */
    record Owner(boolean valid, int publisherIndex, int incarnation, long knownEnd) {
    }

    /**
     * Reads whose the segment file at {@code path} is, each field once; null when the file is gone, could not be
     * read (an I/O error says nothing about whose it is) or is not a file of ours (a FIFO, a symlink, another
     * user's): callers leave such a file alone.
     */
    static Owner readOwner(Path path) {
        Native.CheckedFile opened;
        try {
            opened = Native.openChecked(path, Native.O_RDONLY, Native.Creation.EXISTING);
        } catch (IOException | CorruptDataException e) {
            return null;
        }
        int fd = opened.fd();
        try (Arena arena = Arena.ofConfined()) {
            if (opened.size() < RING_OFFSET) {
                return new Owner(false, -1, 0, 0);
            }
            MemorySegment header = Native.map(fd, RING_OFFSET, false, arena);
            if (header.get(JAVA_LONG, MAGIC_OFFSET) != MAGIC || header.get(JAVA_INT, VERSION_OFFSET) != VERSION) {
                return new Owner(false, -1, 0, 0);
            }
            long tail = (long) TopicFile.LONG.getAcquire(header, (long) TAIL_OFFSET);
            long sealedEnd = (long) TopicFile.LONG.getAcquire(header, (long) FINAL_END_OFFSET) - 1;
            return new Owner(true, header.get(JAVA_INT, PUBLISHER_INDEX_OFFSET), header.get(JAVA_INT, INCARNATION_OFFSET),
                Math.max(tail, sealedEnd));
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            Native.close(fd);
        }
    }

    /**
     * Writes FINAL_END into the header of the segment file at {@code path}, so that subscribers still reading it
     * learn where its publisher's stream ended once the following generations are gone. Best effort: a file that is
     * gone, or not a file of ours, is left as it is.
     */
    static void seal(Path path, long endSequence) {
        Native.CheckedFile opened;
        try {
            opened = Native.openChecked(path, Native.O_RDWR, Native.Creation.EXISTING);
        } catch (IOException | CorruptDataException e) {
            return;
        }
        int fd = opened.fd();
        try (Arena arena = Arena.ofConfined()) {
            if (opened.size() >= RING_OFFSET) {
                MemorySegment header = Native.map(fd, RING_OFFSET, true, arena);
                if (header.get(JAVA_LONG, MAGIC_OFFSET) == MAGIC) {
                    raiseFinalEnd(header, endSequence + 1);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // a damaged file: subscribers of it will not learn the end, and count nothing more
        } finally {
            Native.close(fd);
        }
    }

    /**
     * Raises FINAL_END to {@code value}, never lowers it: whoever seals knows an end at most as far as the true one
     * (a closer knows it exactly; a reclaimer computes it from the files still there), so the furthest is right. A
     * CAS, because two reclaimers of different topics' sweeps may seal one file at once.
     */
    private static void raiseFinalEnd(MemorySegment header, long value) {
        long current = (long) TopicFile.LONG.getVolatile(header, (long) FINAL_END_OFFSET);
        while (current == 0 || current < value) {
            long witness = (long) TopicFile.LONG.compareAndExchange(header, (long) FINAL_END_OFFSET, current, value);
            if (witness == current) {
                return;
            }
            current = witness;
        }
    }

    /** The sequence after the publisher's last sample once it is known (see {@link #seal}); -1 before. */
    long finalEnd() {
        return (long) TopicFile.LONG.getAcquire(memory, (long) FINAL_END_OFFSET) - 1;
    }

    /** When a subscriber's read faulted: whether the file shrank below the mapping, with its size. */
    String shrinkage() {
        if (fd < 0) {
            return null;
        }
        try {
            long size = Native.fstat(fd).size();
            return size < memory.byteSize() ? "segment file shrank under its mapping: file=" + path + ", size=" + size
                + ", mapped=" + memory.byteSize() : null;
        } catch (IOException e) {
            return null;
        }
    }

    long slotOffset(int slot) {
        return slotsOffset + slot * slotStride;
    }

    /** TAIL with a load-acquire: the read {@code CommitStress} (jcstress) checks against the commit. */
    long tailAcquire() {
        return SlotProtocol.tail(memory);
    }

    /** TAIL with a volatile load: for a look that must be ordered after the caller's own volatile store. */
    long tailVolatile() {
        return (long) TopicFile.LONG.getVolatile(memory, (long) TAIL_OFFSET);
    }

    /** Under the admin lock, by the publisher: names the generation that follows this one. */
    void successorRelease(int generation) {
        TopicFile.INT.setRelease(memory, (long) SUCCESSOR_OFFSET, generation);
    }

    /** The offset of the ring entry of {@code sequence}. */
    long ringEntryOffset(long sequence) {
        return RING_OFFSET + (sequence & ringMask) * Integer.BYTES;
    }

    /** The publish stamp of {@code slot}, acquire-loaded. */
    long stampAcquire(int slot) {
        return (long) TopicFile.LONG.getAcquire(memory, slotOffset(slot) + SLOT_TIMESTAMP);
    }

    int successor() {
        return (int) TopicFile.INT.getAcquire(memory, (long) SUCCESSOR_OFFSET);
    }

    /**
     * The slot named by the ring entry of {@code sequence}, checked against the pool.
     *
     * @throws CorruptDataException when the descriptor points outside the slot pool
     */
    int ringSlot(long sequence) {
        int slot = (int) TopicFile.INT.getAcquire(memory, ringEntryOffset(sequence));
        if (slot < 0 || slot >= slotCount) {
            throw new CorruptDataException("descriptor points outside the slot pool: file=" + path + ", sequence="
                + sequence + ", slot=" + slot + ", slotCount=" + slotCount);
        }
        return slot;
    }


    /** The room of {@code slot}: all its {@link #slotCapacity} bytes, made once. */
    private MemorySegment room(int slot) {
        MemorySegment room = rooms[slot];
        if (room == null) {
            room = memory.asSlice(slotOffset(slot) + SLOT_HEADER_LENGTH, slotCapacity);
            rooms[slot] = room;
        }
        return room;
    }

    /**
     * The bytes of the message in {@code slot}, exactly {@code length} of them: one of the last {@value #SLICES}
     * slices made for the slot, or a new one (a {@link MemorySegment} has one size).
     */
    MemorySegment slice(int slot, long length) {
        int first = slot * SLICES;
        for (int way = first; way < first + SLICES; way++) {
            MemorySegment slice = slices[way];
            if (slice != null && slice.byteSize() == length) {
                return slice;
            }
        }
        MemorySegment slice = room(slot).asSlice(0, length);
        slices[first + (nextWay[slot]++ & (SLICES - 1))] = slice;
        return slice;
    }

    /**
     * The view of the message of {@code length} bytes in {@code slot}: made once per slot, re-pointed when the length
     * changes. A CDR flyweight re-points within the slot's room without allocating. A view that is the message's
     * bytes (a raw type's) cannot be re-pointed: its type wraps the slot's slice of the new length instead, one of
     * the few {@link #slice} keeps.
     */
    @SuppressWarnings("unchecked")
    T view(int slot, long length) {
        Object view = views[slot];
        if (view != null && viewLengths[slot] == length) {
            return (T) view;
        }
        if (view == null || isBytesOf(view, slot)) {
            view = type.wrap(slice(slot, length));
        } else {
            view = type.rewrap((T) view, room(slot), length);
        }
        views[slot] = view;
        viewLengths[slot] = length;
        return (T) view;
    }

    /** Whether {@code view}, the view of {@code slot}, is the slot's message bytes themselves. */
    private boolean isBytesOf(Object view, int slot) {
        return view instanceof MemorySegment bytes && bytes.byteSize() == viewLengths[slot]
            && bytes.address() == room(slot).address();
    }

    /** Unmaps. Afterwards every view of this mapping throws {@link IllegalStateException} when touched. */
    void release() {
        arena.close();
        if (fd >= 0) {
            Native.close(fd);
        }
    }
}
