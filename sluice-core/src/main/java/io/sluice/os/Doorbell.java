package io.sluice.os;

import io.sluice.SluiceException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A futex word in shared memory that the publishers of any number of topics ring to wake one executor thread, so
 * that an executor with many subscriptions sleeps on one word instead of one per topic. A subscriber that an
 * executor drives names the executor's doorbell in its registry row ({@code ShmSubscriber.ringOn}); a publisher
 * that publishes rings the doorbell of every such subscriber: an atomic increment, and a {@code FUTEX_WAKE} only
 * while the executor sleeps.
 *
 * <p>Each process keeps its doorbells of a domain in one file of the domain directory,
 * {@code bells-<pid>.bell}:
 * <pre>
 *   0                   8          12         16         20
 *   +-------------------+----------+----------+----------+--------------------------+
 *   | MAGIC "SLUICE-B"  | VERSION  | FILE_ID  | SLOTS    | (pad to 64)              |   header line
 *   +-------------------+----------+----------+----------+--------------------------+
 *   64 + 64 i:  SEQUENCE (int, the futex word) | WAITERS (int)                        bell i, own cache line
 * </pre>
 * FILE_ID is random and non-zero; a subscriber row names a bell by (pid, slot, FILE_ID), so that a publisher never
 * rings a file of a dead process whose pid a new process reuses. The owning process holds an open-file-description
 * lock on byte 0 for the life of the file and removes the file when it releases its last bell; a sweep that gets
 * the lock (the owner died) removes it. The owner creates its file anew, and publishers open others' files
 * through {@link Native#openChecked}: a FIFO, socket, symlink, directory, or a file of another user or of a mode
 * other than 0600 under a name is never rung by a publisher nor removed by a sweep. Under its own name the owner
 * finds only a dead process's leftover, which it replaces (a directory there is a
 * {@link io.sluice.CorruptDataException} naming it).
 *
 * <p>The wake-up protocol is {@link io.sluice.exec}'s {@code Wakeup} across processes. The executor reads
 * SEQUENCE (acquire) before it looks at its subscriptions, then, finding nothing, increments WAITERS (a full
 * fence) and sleeps while SEQUENCE still has the value it read. A publisher stores its tail (release), fences,
 * reads the subscriber's bell bit, increments SEQUENCE (a full fence) and reads WAITERS: either the executor's look
 * sees the sample, or SEQUENCE moved before the sleep (which then returns at once), and the publisher issues the
 * system call only when it sees the sleeper.
 */
public final class Doorbell implements AutoCloseable {
    public static final long MAGIC = 0x422d45434955_4c53L; // "SLUICE-B" little endian
    public static final int VERSION = 1;
    public static final int SLOTS = 1024;
    public static final int LINE = 64;
    public static final long MAGIC_OFFSET = 0;
    public static final long VERSION_OFFSET = 8;
    public static final long FILE_ID_OFFSET = 12;
    public static final long SLOTS_OFFSET = 16;
    public static final long FILE_LENGTH = LINE + (long) SLOTS * LINE;
    public static final String PREFIX = "bells-";
    public static final String SUFFIX = ".bell";
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** This process's bell files, by domain directory; guarded by itself. */
    private static final Map<Path, BellFile> FILES = new HashMap<>();

    private final BellFile file;
    private final int slot;
    private final MemorySegment word;
    private boolean closed;

    private Doorbell(BellFile file, int slot) {
        this.file = file;
        this.slot = slot;
        this.word = file.memory.asSlice(offset(slot), 4);
    }

    public static long offset(int slot) {
        return LINE + (long) slot * LINE;
    }

    public static Path path(Path directory, long pid) {
        return directory.resolve(PREFIX + pid + SUFFIX);
    }

    /**
     * A doorbell of this process in {@code domain}, creating the process's bell file when needed.
     *
     * @throws io.sluice.CorruptDataException when a directory stands under the process's bell file name
     */
    public static Doorbell acquire(Path domainDirectory) {
        Path directory = domainDirectory.toAbsolutePath().normalize();
        synchronized (FILES) {
            BellFile file = FILES.get(directory);
            if (file == null) {
                file = BellFile.create(directory);
                FILES.put(directory, file);
            }
            int slot = file.used.nextClearBit(0);
            if (slot >= SLOTS) {
                throw new SluiceException("too many doorbells in this process: max=" + SLOTS);
            }
            file.used.set(slot);
            return new Doorbell(file, slot);
        }
    }

    public int pid() {
        return (int) ProcessHandle.current().pid();
    }

    public int slot() {
        return slot;
    }

    public int fileId() {
        return file.id;
    }

    /** The futex word, for a thread that sleeps on it (possibly with other words). */
    public MemorySegment word() {
        return word;
    }

    /** The current value: read it before looking for work, sleep with it when there was none. */
    public int key() {
        return (int) INT.getAcquire(word, 0L);
    }

    /** Announces a sleeper (a full fence); publishers then issue the wake. */
    public void enterWait() {
        INT.getAndAdd(file.memory, offset(slot) + 4, 1);
    }

    public void exitWait() {
        INT.getAndAdd(file.memory, offset(slot) + 4, -1);
    }

    /** Releases the bell; the last bell of the file removes the file. Idempotent. */
    @Override
    public void close() {
        synchronized (FILES) {
            if (closed) {
                return;
            }
            closed = true;
            file.used.clear(slot);
            if (file.used.isEmpty()) {
                FILES.remove(file.directory);
                file.close();
            }
        }
    }

    /** One process's bell file in one domain directory. */
    private static final class BellFile {
        final Path directory;
        final Path path;
        final int fd;
        final Arena arena;
        final MemorySegment memory;
        final int id;
        final BitSet used = new BitSet(SLOTS);

        private BellFile(Path directory, Path path, int fd, Arena arena, MemorySegment memory, int id) {
            this.directory = directory;
            this.path = path;
            this.fd = fd;
            this.arena = arena;
            this.memory = memory;
            this.id = id;
        }

        /**
         * Creates this process's bell file in {@code directory}, always as a new file (0600, {@code O_EXCL}). A file
         * of this pid already there can only be a dead process's that had the pid before (this process makes one per
         * directory): its name is removed and a new file made, so that nothing of it — its mode, an open descriptor
         * of somebody else, publishers' mappings of it — carries over.
         */
        static BellFile create(Path directory) {
            Path path = path(directory, ProcessHandle.current().pid());
            for (int attempt = 1; ; attempt++) {
                try {
                    int fd = Native.openChecked(path, Native.O_RDWR, Native.Creation.NEW).fd();
                    boolean ours;
                    try {
                        // a sweeper may find the new file before we lock it, and remove it: then try again
                        ours = Native.tryLock(fd, 0) && Native.sameFile(fd, path);
                    } catch (IOException e) {
                        ours = false;
                    }
                    if (ours) {
                        return initialize(directory, path, fd);
                    }
                    Native.close(fd);
                } catch (IOException | io.sluice.CorruptDataException taken) {
                    // the name is taken by a leftover of a dead process with our pid, whatever it is: remove it
                    try {
                        Native.unlink(path);
                    } catch (IOException e) {
                        try {
                            Native.check(path, Native.lstat(path)); // names what it is (a directory, say)
                        } catch (IOException gone) {
                            // vanished meanwhile: try again
                        }
                        throw new SluiceException("cannot replace the leftover doorbell file " + path + ": "
                            + e.getMessage(), e);
                    }
                }
                if (attempt == 100) {
                    throw new SluiceException("cannot create doorbell file: file=" + path);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
        }

        private static BellFile initialize(Path directory, Path path, int fd) {
            Arena arena = Arena.ofShared();
            try {
                Native.allocate(fd, FILE_LENGTH);
                MemorySegment memory = Native.map(fd, FILE_LENGTH, true, arena);
                memory.fill((byte) 0);
                int id;
                do {
                    id = RANDOM.nextInt();
                } while (id == 0);
                memory.set(JAVA_INT, SLOTS_OFFSET, SLOTS);
                memory.set(JAVA_INT, FILE_ID_OFFSET, id);
                memory.set(JAVA_INT, VERSION_OFFSET, VERSION);
                LONG.setRelease(memory, MAGIC_OFFSET, MAGIC); // publishes the fields above
                return new BellFile(directory, path, fd, arena, memory, id);
            } catch (IOException | RuntimeException e) {
                arena.close();
                Native.close(fd);
                throw e instanceof SluiceException sluice ? sluice
                    : new SluiceException("cannot create doorbell file " + path + ": " + e.getMessage(), e);
            }
        }

        void close() {
            try {
                Native.unlink(path);
            } catch (IOException ignored) {
                // already swept
            }
            arena.close();
            Native.close(fd); // drops the lock
        }
    }
}
