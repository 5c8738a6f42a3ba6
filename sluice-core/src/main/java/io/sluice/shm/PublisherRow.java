package io.sluice.shm;

import java.lang.foreign.MemorySegment;

import static io.sluice.shm.TopicFile.INT;
import static io.sluice.shm.TopicLayout.*;

/**
 * One publisher's row in the registry of a topic file ({@link TopicLayout}): a flyweight whose accessors name the
 * memory ordering of each access. The offsets are {@link TopicLayout}'s {@code P_*}.
 *
 * <pre>
 *   0       4            8             12    16        20                 24                                  64
 *   +-------+------------+-------------+-----+---------+------------------+-----------------------------------+
 *   | STATE | GENERATION | INCARNATION | PID | HISTORY | FIRST_GENERATION | NAME (UTF-8, NUL-padded)          |
 *   +-------+------------+-------------+-----+---------+------------------+-----------------------------------+
 * </pre>
 * STATE is {@link TopicLayout#STATE_ACTIVE} while the row belongs to a participant; GENERATION is the generation of
 * its current segment; INCARNATION the REGISTRY_VERSION at which the row was claimed (unique per publisher life);
 * FIRST_GENERATION its segment at the claim (subscribers that were there first start from it); HISTORY how many
 * samples a late joiner gets.
 *
 * <p>Writers: the owner, under the admin lock, writes every field with plain stores in {@link #activate} and then
 * STATE with a release store, which publishes them; afterwards only GENERATION changes (release, under the admin lock,
 * when the segment grows). A participant that holds the admin lock and the dead owner's row lock clears the row.
 * Readers load with acquire (or volatile where a full fence must order them after the reader's own store).
 */
final class PublisherRow {
    private final TopicFile file;
    private final MemorySegment memory;
    final int index;
    private final long base;

    PublisherRow(TopicFile file, int index) {
        this.file = file;
        this.memory = file.memory;
        this.index = index;
        this.base = PUBLISHER_ROWS_OFFSET + (long) index * PUBLISHER_ROW_LENGTH;
    }

    /** The byte of the topic file whose lock the row's owner holds for its whole life. */
    long lockByte() {
        return PUBLISHER_LOCK_BASE + index;
    }

    int stateVolatile() {
        return (int) INT.getVolatile(memory, base + P_STATE);
    }

    int stateAcquire() {
        return (int) INT.getAcquire(memory, base + P_STATE);
    }

    boolean activeVolatile() {
        return stateVolatile() == STATE_ACTIVE;
    }

    boolean activeAcquire() {
        return stateAcquire() == STATE_ACTIVE;
    }

    int generationAcquire() {
        return (int) INT.getAcquire(memory, base + P_GENERATION);
    }

    int generationVolatile() {
        return (int) INT.getVolatile(memory, base + P_GENERATION);
    }

    /** Under the admin lock, by the owner: the segment grew into {@code generation}. */
    void generationRelease(int generation) {
        INT.setRelease(memory, base + P_GENERATION, generation);
    }

    int incarnationAcquire() {
        return (int) INT.getAcquire(memory, base + P_INCARNATION);
    }

    int incarnationVolatile() {
        return (int) INT.getVolatile(memory, base + P_INCARNATION);
    }

    int historyAcquire() {
        return (int) INT.getAcquire(memory, base + P_HISTORY);
    }

    int firstGenerationAcquire() {
        return (int) INT.getAcquire(memory, base + P_FIRST_GENERATION);
    }

    int firstGenerationVolatile() {
        return (int) INT.getVolatile(memory, base + P_FIRST_GENERATION);
    }

    /**
     * Under the admin lock, with the row lock held: writes the row with plain stores, then STATE ACTIVE with a
     * release store that publishes them to whoever acquire-loads STATE.
     */
    void activate(int generation, int incarnation, int pid, int history, String name) {
        clear();
        INT.set(memory, base + P_GENERATION, generation);
        INT.set(memory, base + P_FIRST_GENERATION, generation);
        INT.set(memory, base + P_INCARNATION, incarnation);
        INT.set(memory, base + P_PID, pid);
        INT.set(memory, base + P_HISTORY, history);
        file.writeName(base + P_NAME, name);
        INT.setRelease(memory, base + P_STATE, STATE_ACTIVE);
    }

    /** Under the admin lock, with the row lock held (its owner's or a dead owner's): frees the row. */
    void clear() {
        memory.asSlice(base, PUBLISHER_ROW_LENGTH).fill((byte) 0);
    }
}
