package io.sluice.shm;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.sluice.shm.SegmentLayout.CLAIMING;
import static io.sluice.shm.SegmentLayout.SLOT_LENGTH;
import static io.sluice.shm.SegmentLayout.SLOT_SEQUENCE;
import static io.sluice.shm.SegmentLayout.SLOT_TIMESTAMP;
import static io.sluice.shm.SegmentLayout.TAIL_OFFSET;
import static io.sluice.shm.SegmentLayout.WRITING;

/**
 * Every shared-memory access of the two protocols that keep a sample whole: the reuse handshake between a publisher
 * and the subscribers' pins, and the commit of a sample. {@link ShmPublisher} and {@link ShmSubscriber} call these,
 * and the jcstress tests (module {@code sluice-jcstress}) run them against each other, so the accesses tested are
 * the accesses shipped.
 *
 * <h2>Implementation notes</h2>
 * <b>Reuse handshake</b> (a Dekker-style exchange; every access marked volatile is sequentially consistent):
 * <pre>
 *   publisher (slot k holds s)                   subscriber (wants s in slot k)
 *   SLOT_SEQUENCE[k] = CLAIMING   volatile        HELD_MASK |= bit j          atomic RMW
 *   for each row: HELD_MASK       volatile        PINS[j] = (gen, k)          volatile
 *                 PINS[i]         volatile        v = SLOT_SEQUENCE[k]        volatile, re-read while CLAIMING
 *   pinned: SLOT_SEQUENCE[k] = s  release         accept iff v == s
 *   free:   SLOT_SEQUENCE[k] = WRITING, reuse
 * </pre>
 * In the single order of the volatile accesses, either the subscriber's pin store precedes the publisher's read of
 * that pin — the publisher keeps the slot and restores s, which the spinning subscriber then reads and accepts — or
 * the publisher's CLAIMING store precedes the subscriber's read of the sequence, which then sees CLAIMING, WRITING or
 * a later sequence, never s, and does not accept. So a slot is never both reused and accepted (invariant 1). The
 * mask bit is set before the pin so that a publisher that reads the pin word reads it because the mask says so; a
 * stale pin word of a cleared bit is never looked at. Not invariant: a subscriber that gives up spinning (its
 * publisher stopped in the claim) rejects a sample the publisher then keeps; it retries later.
 *
 * <p><b>Commit</b>: the payload, SLOT_LENGTH and SLOT_TIMESTAMP with plain stores, then SLOT_SEQUENCE (release),
 * the ring entry (release), then TAIL (release). A subscriber that reads TAIL (acquire) past s and then the slot's
 * sequence (volatile) equal to s sees the payload, length and stamp of s: release/acquire pairs on TAIL and on
 * SLOT_SEQUENCE order the plain stores before them.
 */
final class SlotProtocol {
    private static final VarHandle INT = TopicFile.INT;
    private static final VarHandle LONG = TopicFile.LONG;

    private SlotProtocol() {
    }

    // ------------------------------------------------------------------------------------------ publisher

    /** Announces that the slot whose sequence word is at {@code sequenceOffset} is being considered for reuse. */
    static void beginClaim(MemorySegment segment, long sequenceOffset) {
        LONG.setVolatile(segment, sequenceOffset, CLAIMING);
    }

    /** Whether the subscriber row whose HELD_MASK and PINS are at these offsets pins {@code pin}. */
    static boolean rowPins(MemorySegment registry, long heldMaskOffset, long pinsOffset, long pin) {
        int held = (int) INT.getVolatile(registry, heldMaskOffset);
        while (held != 0) {
            int index = Integer.numberOfTrailingZeros(held);
            held &= held - 1;
            if ((long) LONG.getVolatile(registry, pinsOffset + (long) index * Long.BYTES) == pin) {
                return true;
            }
        }
        return false;
    }

    /** A pin was found: the slot keeps sequence {@code held}. */
    static void keep(MemorySegment segment, long sequenceOffset, long held) {
        LONG.setRelease(segment, sequenceOffset, held);
    }

    /** No pin was found: the slot is the publisher's to write. */
    static void take(MemorySegment segment, long sequenceOffset) {
        LONG.setRelease(segment, sequenceOffset, WRITING);
    }

    /** Commit, first step: the slot's header and its sequence; the payload is written before. */
    static void commitSlot(MemorySegment segment, long slotOffset, long length, long stamp, long sequence) {
        LONG.set(segment, slotOffset + SLOT_LENGTH, length);
        LONG.set(segment, slotOffset + SLOT_TIMESTAMP, stamp);
        LONG.setRelease(segment, slotOffset + SLOT_SEQUENCE, sequence);
    }

    /** A committed slot's LENGTH (plain: read by its publisher, or after the acquire of its sequence). */
    static long length(MemorySegment segment, long slotOffset) {
        return (long) LONG.get(segment, slotOffset + SLOT_LENGTH);
    }

    /** A committed slot's TIMESTAMP (plain: read by its publisher, or after the acquire of its sequence). */
    static long stamp(MemorySegment segment, long slotOffset) {
        return (long) LONG.get(segment, slotOffset + SLOT_TIMESTAMP);
    }

    /** Commit, second step: the ring entry of the sequence names the slot. */
    static void commitRing(MemorySegment segment, long ringEntryOffset, int slot) {
        INT.setRelease(segment, ringEntryOffset, slot);
    }

    /** Commit, last step: the sequence is published. */
    static void commitTail(MemorySegment segment, long nextSequence) {
        LONG.setRelease(segment, (long) TAIL_OFFSET, nextSequence);
    }

    // ------------------------------------------------------------------------------------------ subscriber

    /** Pins: the mask bit first (atomic), then the pin word (volatile). */
    static void pin(MemorySegment registry, long heldMaskOffset, int held, long pinOffset, long pin) {
        INT.getAndBitwiseOr(registry, heldMaskOffset, 1 << held);
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_MASK_SET.hit();
        }
        LONG.setVolatile(registry, pinOffset, pin);
        if (FaultPoint.ENABLED) {
            FaultPoint.SUBSCRIBER_PINNED.hit();
        }
    }

    /**
     * After {@link #pin}: the slot's sequence (volatile), re-read at most {@code spins} times while it is CLAIMING.
     * The sample is the subscriber's when this returns the sequence it wants.
     */
    static long settledSequence(MemorySegment segment, long sequenceOffset, int spins) {
        long current = (long) LONG.getVolatile(segment, sequenceOffset);
        for (int spin = 0; current == CLAIMING && spin < spins; spin++) {
            Thread.onSpinWait();
            current = (long) LONG.getVolatile(segment, sequenceOffset);
        }
        return current;
    }

    /** Unpins: the pin word first (release), then the mask bit (atomic). */
    static void unpin(MemorySegment registry, long heldMaskOffset, int held, long pinOffset) {
        LONG.setRelease(registry, pinOffset, 0L);
        INT.getAndBitwiseAnd(registry, heldMaskOffset, ~(1 << held));
    }

    /** TAIL (acquire): samples below it are committed. */
    static long tail(MemorySegment segment) {
        return (long) LONG.getAcquire(segment, (long) TAIL_OFFSET);
    }
}
