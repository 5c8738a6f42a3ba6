package io.sluice.shm;

import io.sluice.Qos;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.sluice.shm.TopicFile.INT;
import static io.sluice.shm.TopicFile.LONG;
import static io.sluice.shm.TopicLayout.*;

/**
 * One subscriber's row in the registry of a topic file ({@link TopicLayout}), with its bits in the header's
 * subscriber bitmaps: a flyweight whose accessors name the memory ordering of each access. The offsets are
 * {@link TopicLayout}'s {@code S_*} and {@code CURSOR_*}.
 *
 * <pre>
 *   0       4             8     12      16    24                           64
 *   +-------+-------------+-----+-------+-----+----------------------------+
 *   | STATE | INCARNATION | QOS | DEPTH | PID | NAME (UTF-8, NUL-padded)   |              identity, written at join
 *   +-------+-------------+-----+-------+-----+----------------------------+
 *   64: HELD_MASK (int) | 72: LOST_ELSEWHERE (long) | 80: BELL_PID | BELL_SLOT | BELL_FILE_ID   second cache line
 *   128: per publisher index p: CURSOR (long) | CURSOR_INCARNATION (int) | CURSOR_GENERATION (int)
 *   S_PINS: MAX_HELD pins (long): generation &lt;&lt; 32 | slot + 1, 0 when empty
 * </pre>
 *
 * <p>Writers: the owner writes the identity with plain stores in {@link #activate} and publishes it with a release
 * store of STATE; afterwards it alone writes its cursors, pins, HELD_MASK and bell fields, except that a participant
 * holding the admin lock adds to LOST_ELSEWHERE (atomic) and settles the cursor entry of a publisher whose files it
 * removes ({@link TopicFile#chargeUnattached}), and one holding the admin lock and a dead owner's row lock clears the
 * row. A cursor entry is published in the order CURSOR, CURSOR_GENERATION (release), CURSOR_INCARNATION (volatile):
 * a publisher that acquire-loads the incarnation and finds its own sees the cursor that goes with it.
 */
final class SubscriberRow {
    private final TopicFile file;
    private final MemorySegment memory;
    final int index;
    private final long base;

    SubscriberRow(TopicFile file, int index) {
        this.file = file;
        this.memory = file.memory;
        this.index = index;
        this.base = SUBSCRIBER_ROWS_OFFSET + (long) index * SUBSCRIBER_ROW_LENGTH;
    }

    /** The byte of the topic file whose lock the row's owner holds for its whole life. */
    long lockByte() {
        return SUBSCRIBER_LOCK_BASE + index;
    }

    int stateVolatile() {
        return (int) INT.getVolatile(memory, base + S_STATE);
    }

    boolean activeVolatile() {
        return stateVolatile() == STATE_ACTIVE;
    }

    int incarnationVolatile() {
        return (int) INT.getVolatile(memory, base + S_INCARNATION);
    }

    /**
     * Whether the subscriber takes samples in order (S_QOS names queue or reliable), so that it is owed every sample.
     * Any other value — latest, or a value no implementation writes — is not in order: such a row holds back no
     * generation and is charged nothing (reliable flow control follows the RELIABLE bit, not S_QOS).
     */
    boolean inOrderVolatile() {
        int qos = (int) INT.getVolatile(memory, base + S_QOS);
        return qos == Qos.Kind.QUEUE.ordinal() + 1 || qos == Qos.Kind.RELIABLE.ordinal() + 1;
    }

    int depthVolatile() {
        return (int) INT.getVolatile(memory, base + S_DEPTH);
    }

    /** The offset of HELD_MASK in the topic file, for {@link SlotProtocol}. */
    long heldMaskOffset() {
        return base + S_HELD_MASK;
    }

    /** The offset of pin {@code held} in the topic file, for {@link SlotProtocol}. */
    long pinOffset(int held) {
        return base + S_PINS + (long) held * Long.BYTES;
    }

    int heldMaskVolatile() {
        return (int) INT.getVolatile(memory, base + S_HELD_MASK);
    }

    long lostElsewhereVolatile() {
        return (long) LONG.getVolatile(memory, base + S_LOST_ELSEWHERE);
    }

    /** Under the admin lock: adds samples the subscriber could never read (an atomic add). */
    void lostElsewhereAdd(long samples) {
        LONG.getAndAdd(memory, base + S_LOST_ELSEWHERE, samples);
    }

    int bellPidAcquire() {
        return (int) INT.getAcquire(memory, base + S_BELL_PID);
    }

    int bellSlotAcquire() {
        return (int) INT.getAcquire(memory, base + S_BELL_SLOT);
    }

    int bellFileIdAcquire() {
        return (int) INT.getAcquire(memory, base + S_BELL_FILE_ID);
    }

    /** By the owner, while its BELL bit is clear: names the doorbell to ring (release stores). */
    void bellRelease(int pid, int slot, int fileId) {
        INT.setRelease(memory, base + S_BELL_PID, pid);
        INT.setRelease(memory, base + S_BELL_SLOT, slot);
        INT.setRelease(memory, base + S_BELL_FILE_ID, fileId);
    }

    private long cursorEntry(int publisher) {
        return base + S_CURSORS + (long) publisher * CURSOR_LENGTH;
    }

    long cursorAcquire(int publisher) {
        return (long) LONG.getAcquire(memory, cursorEntry(publisher));
    }

    void cursorRelease(int publisher, long cursor) {
        LONG.setRelease(memory, cursorEntry(publisher), cursor);
    }

    int cursorGenerationAcquire(int publisher) {
        return (int) INT.getAcquire(memory, cursorEntry(publisher) + CURSOR_GENERATION);
    }

    void cursorGenerationRelease(int publisher, int generation) {
        INT.setRelease(memory, cursorEntry(publisher) + CURSOR_GENERATION, generation);
    }

    int cursorIncarnationAcquire(int publisher) {
        return (int) INT.getAcquire(memory, cursorEntry(publisher) + CURSOR_INCARNATION);
    }

    /**
     * Publishes the whole cursor entry for publisher row {@code publisher}: cursor and generation (release), then
     * whose they are (volatile: a full fence that orders the entry before the caller's next look at the segment).
     */
    void cursorEntryVolatile(int publisher, long cursor, int generation, int incarnation) {
        long entry = cursorEntry(publisher);
        LONG.setRelease(memory, entry, cursor);
        INT.setRelease(memory, entry + CURSOR_GENERATION, generation);
        INT.setVolatile(memory, entry + CURSOR_INCARNATION, incarnation);
    }

    /** The bit of this row in the header bitmap at {@code bitmapOffset}, read volatile. */
    boolean bitVolatile(int bitmapOffset) {
        return file.isSubscriberBitSet(bitmapOffset, index);
    }

    /** Sets or clears this row's bit in the header bitmap at {@code bitmapOffset}: atomic, a full fence. */
    void bitAtomic(int bitmapOffset, boolean value) {
        file.setSubscriberBit(bitmapOffset, index, value);
    }

    /**
     * Under the admin lock, with the row lock held: writes the row's identity with plain stores, then STATE ACTIVE
     * with a release store, then its ACTIVE (and RELIABLE) bits.
     */
    void activate(int incarnation, Qos.Kind kind, int depth, int pid, String name) {
        memory.asSlice(base, SUBSCRIBER_ROW_LENGTH).fill((byte) 0);
        INT.set(memory, base + S_INCARNATION, incarnation);
        INT.set(memory, base + S_QOS, kind.ordinal() + 1);
        INT.set(memory, base + S_DEPTH, depth);
        INT.set(memory, base + S_PID, pid);
        file.writeName(base + S_NAME, name);
        INT.setRelease(memory, base + S_STATE, STATE_ACTIVE);
        bitAtomic(ACTIVE_SUBSCRIBERS_OFFSET, true);
        if (kind == Qos.Kind.RELIABLE) {
            bitAtomic(RELIABLE_SUBSCRIBERS_OFFSET, true);
        }
    }

    /** Under the admin lock, with the row lock held (its owner's or a dead owner's): clears its bits, then the row. */
    void clear() {
        bitAtomic(SLEEPING_SUBSCRIBERS_OFFSET, false); // it may have died asleep: stop waking it
        bitAtomic(BELL_SUBSCRIBERS_OFFSET, false);
        bitAtomic(ACTIVE_SUBSCRIBERS_OFFSET, false);
        bitAtomic(RELIABLE_SUBSCRIBERS_OFFSET, false);
        memory.asSlice(base, SUBSCRIBER_ROW_LENGTH).fill((byte) 0);
        VarHandle.fullFence();
    }
}
