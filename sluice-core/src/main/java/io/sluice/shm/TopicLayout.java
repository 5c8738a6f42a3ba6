package io.sluice.shm;

import io.sluice.os.Doorbell;

/**
 * Layout of a topic file, {@code <topic>.topic}: the topic's type, the futex word publishers wake subscribers
 * through, and the registry of participants — one row per publisher and one per subscriber.
 *
 * <pre>
 *   0                   8                  16                 24
 *   +-------------------+------------------+------------------+
 *   | MAGIC "SLUICE-T"  | VERSION | (pad)  | FILE_LENGTH      |      header line
 *   +-------------------+------------------+------------------+
 *   | MAX_PUBLISHERS | MAX_SUBSCRIBERS | MAX_HELD | NEXT_GENERATION | TYPE_NAME_LENGTH | SCHEMA_LENGTH | HASH_LENGTH
 *   | ADMIN_HOLDER (pid of the admin lock's holder, advisory) | ADMIN_EPOCH (+1 at every taking of the admin lock)
 *   +--------------------------------------------------------------+
 *  128: NOTIFY (futex word, int)                                        own cache line
 *  192: REGISTRY_VERSION (int)                                           own cache line
 *  256: ACTIVE_SUBSCRIBERS (2 x long bitmap) | RELIABLE_SUBSCRIBERS (2 x long bitmap)
 *       | SLEEPING_SUBSCRIBERS (2 x long bitmap: bit set while that subscriber may sleep on NOTIFY)
 *       | BELL_SUBSCRIBERS (2 x long bitmap: bit set while that subscriber's executor wants its doorbell rung)
 *  320: TYPE_HASH (96 bytes)
 *  512: TYPE_NAME (256 bytes)
 *  768: SCHEMA (SCHEMA_CAPACITY bytes of UTF-8)
 *  PUBLISHER_ROWS: MAX_PUBLISHERS rows of PUBLISHER_ROW_LENGTH
 *  SUBSCRIBER_ROWS: MAX_SUBSCRIBERS rows of SUBSCRIBER_ROW_LENGTH
 * </pre>
 *
 * Publisher row (64 bytes): STATE, GENERATION (of its current segment), INCARNATION (the REGISTRY_VERSION at
 * which the row was claimed: unique per publisher life), PID, HISTORY, FIRST_GENERATION (its segment at claim;
 * subscribers that were there first start from it), then the participant's NAME (40 bytes).
 *
 * <p>Subscriber row: STATE, INCARNATION (the REGISTRY_VERSION its join wrote), QOS, DEPTH, PID, NAME, HELD_MASK
 * at the start of the row's second cache line (bit j set while PINS[j] may be in use), LOST_ELSEWHERE (8 bytes: samples of publishers that left
 * before this subscriber ever attached to them, added atomically under the admin lock by whoever removed their
 * files), BELL_PID, BELL_SLOT, BELL_FILE_ID (the {@link Doorbell} to ring, valid while the row's BELL bit is set);
 * then per
 * publisher index a CURSOR (next sequence it will take, 8 bytes), CURSOR_INCARNATION (the publisher incarnation that
 * cursor refers to, 4 bytes) and CURSOR_GENERATION (the newest generation of that publisher the subscriber has
 * mapped, 4 bytes: the publisher keeps an old generation's file while some in-order subscriber has not mapped a
 * later one, so that whoever removes the file can still seal it); then MAX_HELD PINS of 8 bytes:
 * {@code generation << 32 | (slot + 1)}, 0 when empty.
 *
 * <p>Liveness: byte {@link #ADMIN_LOCK} of the file is the admin lock, held while the registry changes;
 * byte {@code PUBLISHER_LOCK_BASE + i} is held by publisher row i's owner for its whole life, byte
 * {@code SUBSCRIBER_LOCK_BASE + j} likewise for subscriber row j. These are open-file-description locks: the
 * kernel releases them when the owner dies, so a row whose lock is free while STATE is ACTIVE is dead.
 *
 * <p>Writers: the header is written once by the creator under the admin lock. Every row is written only by its
 * owner, except that a participant holding the admin lock and the dead owner's row lock clears it. The bitmaps and
 * REGISTRY_VERSION change only under the admin lock. NOTIFY is updated atomically by anyone; a subscriber sets and
 * clears its own SLEEPING and BELL bits atomically, and a reclaimer clears a dead one's with its row.
 */
public final class TopicLayout {
    public static final long MAGIC = 0x542d45434955_4c53L; // "SLUICE-T" little endian
    public static final int VERSION = 4;

    public static final int MAX_PUBLISHERS = 16;
    public static final int MAX_SUBSCRIBERS = 128;
    public static final int MAX_HELD = 16;
    public static final int TYPE_NAME_CAPACITY = 256;
    public static final int TYPE_HASH_CAPACITY = 96;
    public static final int SCHEMA_CAPACITY = 64 * 1024;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int MAX_PUBLISHERS_OFFSET = 24;
    public static final int MAX_SUBSCRIBERS_OFFSET = 28;
    public static final int MAX_HELD_OFFSET = 32;
    public static final int NEXT_GENERATION_OFFSET = 36;
    public static final int TYPE_NAME_LENGTH_OFFSET = 40;
    public static final int SCHEMA_LENGTH_OFFSET = 44;
    public static final int HASH_LENGTH_OFFSET = 48;
    /**
     * The pid of the participant holding the admin lock, 0 when free. Advisory: a waiter judges the holder by it
     * ({@code TopicFile.holderRuns}) and names it in a timeout's message.
     */
    public static final int ADMIN_HOLDER_OFFSET = 52;
    /**
     * Counts the takings of the admin lock (+1 by each taker, under the lock): a waiter that sees it move knows the
     * lock changes hands, and keeps waiting; only a holder that keeps it {@code ADMIN_LOCK_TIMEOUT} without
     * letting go, and is stopped or cannot be judged (or runs past {@code RUNNING_HOLDER_LIMIT}), makes the topic
     * busy.
     */
    public static final int ADMIN_EPOCH_OFFSET = 56;
    public static final int NOTIFY_OFFSET = 128;
    public static final int REGISTRY_VERSION_OFFSET = 192;
    public static final int ACTIVE_SUBSCRIBERS_OFFSET = 256;
    public static final int RELIABLE_SUBSCRIBERS_OFFSET = 272;
    public static final int SLEEPING_SUBSCRIBERS_OFFSET = 288;
    public static final int BELL_SUBSCRIBERS_OFFSET = 304;
    public static final int TYPE_HASH_OFFSET = 320;
    public static final int TYPE_NAME_OFFSET = 512;
    public static final int SCHEMA_OFFSET = 768;
    public static final int PUBLISHER_ROWS_OFFSET;
    public static final int SUBSCRIBER_ROWS_OFFSET;
    public static final int FILE_LENGTH;

    public static final int STATE_FREE = 0;
    public static final int STATE_ACTIVE = 1;

    // publisher row
    public static final int PUBLISHER_ROW_LENGTH = 64;
    public static final int P_STATE = 0;
    public static final int P_GENERATION = 4;
    public static final int P_INCARNATION = 8;
    public static final int P_PID = 12;
    public static final int P_HISTORY = 16;
    public static final int P_FIRST_GENERATION = 20;
    public static final int P_NAME = 24;
    public static final int NAME_CAPACITY = 40;

    // subscriber row
    public static final int S_STATE = 0;
    public static final int S_INCARNATION = 4;
    public static final int S_QOS = 8;
    public static final int S_DEPTH = 12;
    public static final int S_PID = 16;
    public static final int S_NAME = 24;
    public static final int S_HELD_MASK = 64;
    public static final int S_LOST_ELSEWHERE = 72;
    public static final int S_BELL_PID = 80;
    public static final int S_BELL_SLOT = 84;
    public static final int S_BELL_FILE_ID = 88;
    public static final int S_CURSORS = 128;
    public static final int CURSOR_LENGTH = 16;
    public static final int CURSOR_INCARNATION = 8;
    public static final int CURSOR_GENERATION = 12;
    public static final int S_PINS;
    public static final int SUBSCRIBER_ROW_LENGTH;

    public static final long ADMIN_LOCK = 0;
    public static final long PUBLISHER_LOCK_BASE = 64;
    public static final long SUBSCRIBER_LOCK_BASE = 1024;

    static {
        int offset = SCHEMA_OFFSET + SCHEMA_CAPACITY;
        PUBLISHER_ROWS_OFFSET = offset;
        offset += MAX_PUBLISHERS * PUBLISHER_ROW_LENGTH;
        SUBSCRIBER_ROWS_OFFSET = offset;
        int row = S_CURSORS + MAX_PUBLISHERS * CURSOR_LENGTH;
        S_PINS = row;
        row += MAX_HELD * Long.BYTES;
        SUBSCRIBER_ROW_LENGTH = align(row, 64);
        offset += MAX_SUBSCRIBERS * SUBSCRIBER_ROW_LENGTH;
        FILE_LENGTH = align(offset, 4096);
    }

    private TopicLayout() {
    }

    public static long publisherRow(int index) {
        return PUBLISHER_ROWS_OFFSET + (long) index * PUBLISHER_ROW_LENGTH;
    }

    public static long subscriberRow(int index) {
        return SUBSCRIBER_ROWS_OFFSET + (long) index * SUBSCRIBER_ROW_LENGTH;
    }

    public static long cursor(int subscriber, int publisher) {
        return subscriberRow(subscriber) + S_CURSORS + (long) publisher * CURSOR_LENGTH;
    }

    public static long pin(int subscriber, int held) {
        return subscriberRow(subscriber) + S_PINS + (long) held * Long.BYTES;
    }

    public static long pinValue(int generation, int slot) {
        return ((long) generation << 32) | (slot + 1L);
    }

    static int align(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
