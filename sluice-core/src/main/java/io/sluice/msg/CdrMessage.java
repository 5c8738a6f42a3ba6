package io.sluice.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Base of every message flyweight: a view of one CDR message (or a message nested in one) in a
 * {@link MemorySegment}, read and written in place.
 *
 * <p>A flyweight holds no copy of any field: each accessor finds its field by walking the strings and sequences in
 * front of it (a few length reads, never the bulk data), checks it against the message's length and reads or writes
 * it. So reading a field of a 44 MB image costs what it costs on a 1 KB one. Nested messages and elements of arrays
 * are views too, kept by their parent and re-pointed at each call: a nested view is valid until the next call of the
 * same accessor on the same parent. A flyweight is used by one thread at a time.
 *
 * <p>Writing a string or resizing a sequence to another length moves the bytes after it (see {@link CdrLayout});
 * writing fields in the order of the definition moves nothing but defaults. The message must fit in its segment.
 *
 * <p>The segment may be longer than the message: the transport gives a flyweight the whole slot of shared memory once
 * and then re-points it at each message by its length ({@link CdrType#rewrap(Object, MemorySegment, long)}), which
 * allocates nothing. The length is the <em>limit</em> of every bounds check, so bytes past it (what a longer message
 * left in the slot) are never read as part of this one: a field that runs past the limit raises
 * {@link MalformedMessageException}.
 */
public abstract class CdrMessage {
    /** The segment the message starts at, from its encapsulation header; it may run past the message. */
    protected MemorySegment segment;
    /** Where the whole message ends in {@link #segment}: its length, the bound of every check. */
    protected long limit;
    /** Where this message starts in {@link #segment}. */
    protected long base;
    private CdrMessage root;
    private CdrLayout layout;
    private static final int SLICES = 4;
    private MemorySegment[] slices;
    private long[] sliceOffsets;
    private int nextSlice;
    /** In a whole-message view: the first {@link #limit} bytes of {@link #segment}, made when asked for. */
    private MemorySegment bytes;

    /** A root flyweight over a whole message: all of {@code segment}. */
    protected CdrMessage(MemorySegment segment) {
        this.segment = segment;
        this.limit = segment.byteSize();
        this.base = Cdr.ORIGIN;
        this.root = this;
    }

    /** A nested flyweight, pointed at its place by its parent. */
    protected CdrMessage() {
        this.base = -1;
    }

    /** The type's definition. */
    public abstract MsgDefinition cdrDefinition();

    /** Where this message ends in {@link #cdrSegment()}, after checking every length in it. */
    public long cdrEnd() {
        return CdrLayout.end(cdrDefinition(), segment, limit, cdrStart());
    }

    /**
     * The whole message this view is part of, encapsulation header included, exactly its length. When the view spans
     * a longer segment (a slot), the slice is made at the first call after each re-pointing.
     */
    public MemorySegment cdrSegment() {
        CdrMessage top = root;
        if (top == null) {
            return null; // a nested view its parent has not placed yet
        }
        MemorySegment whole = top.bytes;
        if (whole == null) {
            whole = top.limit == top.segment.byteSize() ? top.segment : top.segment.asSlice(0, top.limit);
            top.bytes = whole;
        }
        return whole;
    }

    /** Where this message starts in {@link #cdrSegment()}. */
    public long cdrOffset() {
        return base;
    }

    /**
     * Points a whole-message view at the message in the first {@code length} bytes of {@code message}; allocates
     * nothing. False for a nested view, which its parent places.
     */
    final boolean cdrRebind(MemorySegment message, long length) {
        if (root != this) {
            return false;
        }
        if (length < 0 || length > message.byteSize()) {
            throw new IndexOutOfBoundsException("message length out of [0, " + message.byteSize() + "]: length="
                + length);
        }
        if (message != segment && slices != null) {
            java.util.Arrays.fill(slices, null); // views of the old segment, which may be unmapped
        }
        segment = message;
        limit = length;
        bytes = null;
        return true;
    }

    /** Where the fields start, after checking the encapsulation header when this is a whole message. */
    protected final long cdrStart() {
        if (root == this) {
            return Cdr.body(segment, limit, cdrDefinition().name());
        }
        if (base < 0) {
            throw new IllegalStateException(cdrDefinition().name() + ": nested view used before its parent placed it");
        }
        return base;
    }

    /** Points the nested view {@code view} at {@code at} in this message and returns it. */
    protected final <M extends CdrMessage> M cdrPlace(M view, long at) {
        CdrMessage message = view;
        message.segment = segment;
        message.limit = limit;
        message.base = at;
        message.root = root;
        return view;
    }

    /** The elements of the primitive sequence whose count is at {@code at} (aligned), checked, in place. */
    protected final MemorySegment cdrSequence(long at, int elementSize, String field) {
        String type = cdrDefinition().name();
        int count = Cdr.count(segment, limit, at, elementSize, type, field);
        long start = Cdr.elements(at, count, elementSize);
        Cdr.check(limit, start, (long) elementSize * count, type, field);
        return cdrSlice(start, (long) elementSize * count);
    }

    /**
     * A view of {@code length} bytes at {@code at}, cached while offset and length stay the same: the last
     * {@value #SLICES} slices are kept, so reading the bulk fields of a message in turn ({@code CameraInfo}'s
     * {@code d}, {@code k}, {@code r}, {@code p}) allocates nothing once they have been read.
     */
    protected final MemorySegment cdrSlice(long at, long length) {
        MemorySegment[] cached = slices;
        if (cached == null) {
            cached = new MemorySegment[SLICES];
            slices = cached;
            sliceOffsets = new long[SLICES];
        }
        long address = segment.address() + at;
        for (int i = 0; i < SLICES; i++) {
            MemorySegment slice = cached[i];
            if (slice != null && sliceOffsets[i] == at && slice.byteSize() == length && slice.address() == address) {
                return slice;
            }
        }
        MemorySegment slice = segment.asSlice(at, length);
        int victim = nextSlice++ & (SLICES - 1);
        cached[victim] = slice;
        sliceOffsets[victim] = at;
        return slice;
    }

    /**
     * Makes room for a field that ends at {@code oldEnd} and will end at {@code newEnd}: moves the rest of the
     * message (see {@link CdrLayout#relayout}).
     */
    protected final void cdrResize(long oldEnd, long newEnd) {
        if (oldEnd == newEnd) {
            return;
        }
        CdrMessage top = root;
        if (top.layout == null) {
            top.layout = new CdrLayout();
        }
        top.layout.relayout(top.cdrDefinition(), segment, limit, oldEnd, newEnd);
    }

    /** Writes a string at {@code at} (aligned), moving the rest of the message when its length changes. */
    protected final void cdrPutString(long at, String value, String field) {
        long oldEnd = Cdr.stringEnd(segment, limit, at, cdrDefinition().name(), field);
        int bytes = Cdr.utf8Length(value);
        long newEnd = at + 4 + bytes + 1;
        cdrResize(oldEnd, newEnd);
        segment.set(Cdr.INT, at, bytes + 1);
        Cdr.putUtf8(segment, at + 4, value);
        segment.set(ValueLayout.JAVA_BYTE, at + 4 + bytes, (byte) 0);
    }

    /**
     * Sets the count of the sequence of {@code field} whose count word is at {@code at} (aligned) to {@code count}:
     * removes elements from its end or appends default ones.
     */
    protected final void cdrResizeSequence(long at, int count, String field) {
        MsgField descriptor = cdrDefinition().field(field);
        if (count < 0 || descriptor.arrayLength() > 0 && count > descriptor.arrayLength()) {
            throw new IllegalArgumentException(cdrDefinition().name() + "." + field + ": count out of range [0, "
                + (descriptor.arrayLength() > 0 ? descriptor.arrayLength() : Integer.MAX_VALUE) + "]: count=" + count);
        }
        int old = Cdr.count(segment, limit, at, CdrLayout.minSize(descriptor), cdrDefinition().name(), field);
        if (old == count) {
            return;
        }
        long oldEnd = CdrLayout.fieldEnd(cdrDefinition(), descriptor, segment, limit, at);
        long kept = at + 4;
        if (descriptor.isPrimitive() && descriptor.primitive().fixedSize()) {
            int size = descriptor.primitive().size();
            long elements = Cdr.align(at + 4, size);
            long newEnd = count == 0 ? at + 4 : elements + (long) count * size;
            cdrResize(oldEnd, newEnd);
            if (count > old) {
                long from = old == 0 ? at + 4 : elements + (long) old * size;
                CdrLayout.zero(segment, from, newEnd);
            }
            segment.set(Cdr.INT, at, count);
            return;
        }
        int keep = Math.min(old, count);
        for (int i = 0; i < keep; i++) {
            kept = descriptor.message() != null ? CdrLayout.end(descriptor.message(), segment, limit, kept)
                : Cdr.stringEnd(segment, limit, Cdr.align(kept, 4), cdrDefinition().name(), field);
        }
        long newEnd = count > old ? CdrLayout.writeDefault(descriptor, null, kept, count - old) : kept;
        cdrResize(oldEnd, newEnd);
        if (count > old) {
            CdrLayout.writeDefault(descriptor, segment, kept, count - old);
        }
        segment.set(Cdr.INT, at, count);
    }

    /** The message as a tree of named fields, bulk arrays shortened: for logs and debugging. */
    @Override
    public String toString() {
        try {
            return CdrReader.describe(cdrDefinition(), cdrSegment(), cdrStart());
        } catch (RuntimeException e) {
            return cdrDefinition().name() + " (unreadable: " + e.getMessage() + ")";
        }
    }
}
