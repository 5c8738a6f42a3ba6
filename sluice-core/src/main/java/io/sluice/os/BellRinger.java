package io.sluice.os;

import io.sluice.CorruptDataException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A publisher's side of {@link Doorbell}s: rings the bell a subscriber row names, mapping the bell files of other
 * processes on first use and keeping them mapped. Nothing read from a row or a bell file is trusted: a slot out of
 * range, a missing file, a file that {@link Native#openChecked} refuses (not a regular file of the user with mode
 * 0600), a file of the wrong size, magic, version or id is not rung (the subscriber then wakes at
 * its executor's periodic upkeep, never later than 200 ms), and the file is looked for again a second later. Used
 * by the publisher's thread only; allocates only when it maps a file.
 */
public final class BellRinger implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final int MAX_FILES = 64;
    /** How long an entry that could not be mapped waits before the next attempt. */
    public static final long RETRY_NANOS = 1_000_000_000L;

    private final Path directory;
    private final int[] pids = new int[MAX_FILES];
    private final int[] ids = new int[MAX_FILES];
    private final MemorySegment[] memories = new MemorySegment[MAX_FILES];
    private final Arena[] arenas = new Arena[MAX_FILES];
    private final MemorySegment[][] words = new MemorySegment[MAX_FILES][];
    private final long[] retryAt = new long[MAX_FILES];
    private int count;
    private int nextEvicted;

    public BellRinger(Path directory) {
        this.directory = directory;
    }

    /** Rings bell {@code slot} of process {@code pid}'s file with id {@code fileId}, if it can be found. */
    public void ring(int pid, int slot, int fileId) {
        if (pid <= 0 || slot < 0 || slot >= Doorbell.SLOTS || fileId == 0) {
            return;
        }
        int index = find(pid, fileId);
        if (index < 0) {
            index = map(-1, pid, fileId);
        } else if (memories[index] == null) {
            if (System.nanoTime() - retryAt[index] < 0) {
                return; // could not be mapped a moment ago: look again later, not at every publish
            }
            index = map(index, pid, fileId);
        }
        MemorySegment memory = memories[index];
        if (memory == null) {
            return;
        }
        long offset = Doorbell.offset(slot);
        INT.getAndAdd(memory, offset, 1);
        if ((int) INT.getVolatile(memory, offset + 4) > 0) {
            MemorySegment word = words[index][slot];
            if (word == null) {
                word = memory.asSlice(offset, 4);
                words[index][slot] = word;
            }
            Native.futexWakeAll(word);
        }
    }

    private int find(int pid, int fileId) {
        for (int i = 0; i < count; i++) {
            if (pids[i] == pid && ids[i] == fileId) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Maps the file of {@code pid} if its id is {@code fileId}, into entry {@code index} (or a new or evicted one
     * when -1); an entry that cannot be mapped (no such file, a file of a reused pid, not a bell file) is kept
     * empty and tried again after {@link #RETRY_NANOS}. Entries are per (pid, file id), so a dead row and a live
     * one that name the same reused pid do not evict each other.
     */
    private int map(int index, int pid, int fileId) {
        if (index < 0) {
            if (count < MAX_FILES) {
                index = count++;
            } else {
                index = nextEvicted;
                nextEvicted = (nextEvicted + 1) % MAX_FILES;
            }
        }
        release(index);
        pids[index] = pid;
        ids[index] = fileId;
        retryAt[index] = System.nanoTime() + RETRY_NANOS;
        Path path = Doorbell.path(directory, pid);
        Native.CheckedFile opened;
        try {
            opened = Native.openChecked(path, Native.O_RDWR, Native.Creation.EXISTING);
        } catch (IOException | CorruptDataException e) {
            return index;
        }
        int fd = opened.fd();
        Arena arena = Arena.ofShared();
        try {
            if (opened.size() < Doorbell.FILE_LENGTH) {
                arena.close();
                return index;
            }
            MemorySegment memory = Native.map(fd, Doorbell.FILE_LENGTH, true, arena);
            // MAGIC is stored last, with release, by the file's creator: acquire it before the fields it publishes
            if ((long) LONG.getAcquire(memory, Doorbell.MAGIC_OFFSET) != Doorbell.MAGIC
                || memory.get(JAVA_INT, Doorbell.VERSION_OFFSET) != Doorbell.VERSION
                || memory.get(JAVA_INT, Doorbell.FILE_ID_OFFSET) != fileId) {
                arena.close();
                return index;
            }
            memories[index] = memory;
            arenas[index] = arena;
            words[index] = new MemorySegment[Doorbell.SLOTS];
        } catch (IOException | RuntimeException e) {
            arena.close();
        } finally {
            Native.close(fd); // the mapping stays valid without the descriptor
        }
        return index;
    }

    private void release(int index) {
        if (arenas[index] != null) {
            arenas[index].close();
        }
        arenas[index] = null;
        memories[index] = null;
        words[index] = null;
    }

    @Override
    public void close() {
        for (int i = 0; i < count; i++) {
            release(i);
        }
        count = 0;
    }
}
