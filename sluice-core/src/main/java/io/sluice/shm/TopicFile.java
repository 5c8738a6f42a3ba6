package io.sluice.shm;

import io.sluice.os.Native;
import io.sluice.CorruptDataException;
import io.sluice.IncompatibleTypeException;
import io.sluice.MessageType;
import io.sluice.SluiceException;
import io.sluice.TopicInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.sluice.shm.TopicLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One participant's handle on a topic file (layout in {@link TopicLayout}): its own file descriptor, whose
 * open-file-description locks are the participant's liveness, and a read-write mapping of the registry.
 *
 * <p>Joining: open (creating if absent), take the admin lock, make sure the file is still linked (a last participant
 * may have just removed it; then start again), initialise the header if it is new, check the type, reclaim rows of
 * dead participants, claim a free row and lock it, release the admin lock. Leaving: under the admin lock clear the
 * row and unlock it, and remove the topic's files when no live participant remains.
 *
 * <p>What is checked before anything is trusted: the file is opened through {@link Native#openChecked} (a regular
 * file of the user, mode 0600; a FIFO or a socket under the name never blocks the open, and is reported as what it
 * is); its link count and size come from {@code statx} on the descriptor; the header is validated
 * ({@link #validate}), which copies the lengths of the type name, schema and hash out of the file once, and the
 * strings are read with those validated lengths, never with lengths read again: another process may rewrite them
 * meanwhile.
 */
final class TopicFile implements AutoCloseable {
    static final VarHandle INT = JAVA_INT.varHandle();
    static final VarHandle LONG = JAVA_LONG.varHandle();

    final String topic;
    final Domain domain;
    final Path path;
    final int fd;
    final Arena arena;
    final MemorySegment memory;
    private final PublisherRow[] publishers = new PublisherRow[MAX_PUBLISHERS];
    private final SubscriberRow[] subscribers = new SubscriberRow[MAX_SUBSCRIBERS];
    private final MemorySegment notifyWord;
    private boolean closed;
    private Native.ProbeBuffers probeBuffers;

    private TopicFile(String topic, Domain domain, Path path, int fd, Arena arena, MemorySegment memory) {
        this.topic = topic;
        this.domain = domain;
        this.path = path;
        this.fd = fd;
        this.arena = arena;
        this.memory = memory;
        this.notifyWord = memory.asSlice(NOTIFY_OFFSET, 4);
        for (int row = 0; row < MAX_PUBLISHERS; row++) {
            publishers[row] = new PublisherRow(this, row);
        }
        for (int row = 0; row < MAX_SUBSCRIBERS; row++) {
            subscribers[row] = new SubscriberRow(this, row);
        }
    }

    /** Publisher row {@code row} (0 to MAX_PUBLISHERS - 1). */
    PublisherRow publisher(int row) {
        return publishers[row];
    }

    /** Subscriber row {@code row} (0 to MAX_SUBSCRIBERS - 1). */
    SubscriberRow subscriber(int row) {
        return subscribers[row];
    }

    /**
     * Under the admin lock: claims a free publisher row — FREE, and its lock ours (a row whose owner died and was not
     * reclaimed yet keeps STATE ACTIVE, so it is not taken here: {@link #reclaimDead} frees it first).
     *
     * @throws SluiceException when every row is taken
     */
    PublisherRow claimPublisherRow() {
        int row = claimRow(MAX_PUBLISHERS, PUBLISHER_LOCK_BASE, true);
        if (row < 0) {
            throw new SluiceException("too many publishers on topic " + topic + ": maxPublishers=" + MAX_PUBLISHERS);
        }
        return publishers[row];
    }

    /** Under the admin lock: claims a free subscriber row, as {@link #claimPublisherRow}. */
    SubscriberRow claimSubscriberRow() {
        int row = claimRow(MAX_SUBSCRIBERS, SUBSCRIBER_LOCK_BASE, false);
        if (row < 0) {
            throw new SluiceException("too many subscribers on topic " + topic + ": maxSubscribers="
                + MAX_SUBSCRIBERS);
        }
        return subscribers[row];
    }

    /** The one row claim: the first row whose STATE is FREE and whose lock this participant gets, or -1. */
    private int claimRow(int rows, long lockBase, boolean publisher) {
        for (int row = 0; row < rows; row++) {
            int state = publisher ? publishers[row].stateVolatile() : subscribers[row].stateVolatile();
            if (state == STATE_FREE && tryLockRow(lockBase + row)) {
                return row;
            }
        }
        return -1;
    }

    /** The lengths of the type's strings in a topic file, read once and validated by {@link #validate}. */
    record TypeLengths(int name, int schema, int hash) {
    }

    /**
     * Opens the topic file, creating it for {@code type} when absent, and returns with the admin lock held so that
     * the caller can claim a row; the caller must call {@link #unlockAdmin()}.
     *
     * @throws CorruptDataException when the file is damaged, or not a file of ours
     */
    static TopicFile openLocked(Domain domain, String topic, MessageType<?> type) {
        checkFits(type);
        Path path = domain.topicPath(topic);
        while (true) {
            int fd;
            try {
                fd = Native.openChecked(path, Native.O_RDWR, Native.Creation.EXISTING_OR_NEW).fd();
            } catch (IOException e) {
                throw new SluiceException("cannot open topic " + topic + ": " + e.getMessage(), e);
            }
            boolean keep = false;
            try {
                if (!lockWithin(fd, ADMIN_LOCK_TIMEOUT_NANOS, RUNNING_HOLDER_LIMIT_NANOS)) {
                    throw busy(topic, path, fd);
                }
                Native.FileStatus status = Native.fstat(fd); // under the lock: its creator may have sized it since
                if (status.links() == 0) {
                    continue; // removed by its last participant between our open and our lock: start again
                }
                long size = status.size();
                if (size == 0) {
                    Native.allocate(fd, FILE_LENGTH);
                    size = FILE_LENGTH;
                }
                if (size < FILE_LENGTH) {
                    throw new CorruptDataException("topic file truncated: file=" + path + ", size=" + size
                        + ", fileLength=" + FILE_LENGTH);
                }
                Arena arena = Arena.ofShared();
                MemorySegment memory;
                try {
                    memory = Native.map(fd, FILE_LENGTH, true, arena);
                } catch (IOException | RuntimeException e) {
                    arena.close();
                    throw e;
                }
                TopicFile file = new TopicFile(topic, domain, path, fd, arena, memory);
                boolean marked = false;
                try {
                    boolean fresh = memory.get(JAVA_LONG, MAGIC_OFFSET) == 0; // new, or its creator died early
                    if (fresh) {
                        // nobody can have published on a topic before its file was made: segment files under its
                        // names are orphans of an earlier topic of the same name, and would block the new names
                        domain.removeSegments(file.topicBase());
                    }
                    TypeLengths lengths = fresh ? initialize(memory, type) : validate(memory, path.toString(), size);
                    // the header is whole and ours: say who holds the lock before the rest (the type check, then the
                    // caller's claim), which a cold JVM may take long over; waiters judge the holder by it. A file
                    // that failed validation is left exactly as it was
                    markHolder(memory);
                    marked = true;
                    checkType(topic, readType(topic, memory, lengths), type);
                } catch (RuntimeException e) {
                    if (marked) {
                        INT.setRelease(memory, (long) ADMIN_HOLDER_OFFSET, 0); // letting go: see unlockAdmin
                    }
                    arena.close();
                    throw e;
                }
                keep = true;
                return file;
            } catch (IOException e) {
                throw new SluiceException("cannot open topic " + topic + ": " + e.getMessage(), e);
            } finally {
                if (!keep) {
                    Native.close(fd); // also drops the admin lock
                }
            }
        }
    }

    /**
     * Opens an existing topic file only to sweep it: returns null when it is absent, busy or not ours to judge
     * (damaged, or not a regular file of the user with mode 0600: left for whoever opens that topic to report).
     */
    static TopicFile openForSweep(Domain domain, Path path) {
        int fd;
        try {
            fd = Native.openChecked(path, Native.O_RDWR, Native.Creation.EXISTING).fd();
        } catch (IOException | CorruptDataException e) {
            return null;
        }
        boolean keep = false;
        try {
            if (!Native.tryLock(fd, ADMIN_LOCK)) {
                return null;
            }
            Native.FileStatus status = Native.fstat(fd);
            if (status.links() == 0) {
                return null;
            }
            long size = status.size();
            if (size == 0) {
                // its creator died before sizing it; joiners re-check the link count after locking, so this is safe
                domain.unlinkQuietly(path);
                return null;
            }
            if (size < FILE_LENGTH) {
                return null;
            }
            Arena arena = Arena.ofShared();
            MemorySegment memory = Native.map(fd, FILE_LENGTH, true, arena);
            TopicFile file = new TopicFile(null, domain, path, fd, arena, memory);
            try {
                long magic = memory.get(JAVA_LONG, MAGIC_OFFSET);
                if (magic != 0) {
                    validate(memory, path.toString(), size);
                    file.countTaking(); // only in a file that is ours: a damaged one is left as it is
                }
            } catch (CorruptDataException e) {
                arena.close();
                return null; // a foreign or damaged file: left for whoever opens that topic to report
            }
            keep = true;
            return file;
        } catch (IOException e) {
            return null;
        } finally {
            if (!keep) {
                Native.close(fd);
            }
        }
    }

    /**
     * The type a topic carries, read from its topic file without joining it: {@code null} when the topic has no file
     * or its creator has not finished writing it.
     *
     * @throws CorruptDataException when the file is damaged, or not a file of ours
     */
    static TopicInfo describe(Domain domain, String topic) {
        try {
            return readOnly(domain, topic, (fd, memory, info, arena) -> info);
        } catch (IOException e) {
            return null;
        }
    }

    /** What {@link #readOnly} hands over: the descriptor, the mapped header and registry, the validated type. */
    private interface ReadOnlyView<R> {
        R read(int fd, MemorySegment memory, TopicInfo info, Arena arena) throws IOException;
    }

    /**
     * Opens a topic's file read-only without joining it (no lock taken), maps it, validates the header and reads the
     * type, then hands all of it to {@code view} while the file is open and mapped. {@code null} when the topic has
     * no file (or one this process cannot open) or its creator has not finished writing it.
     *
     * @throws CorruptDataException when the file is damaged, or not a file of ours
     * @throws IOException          when the file is there but cannot be mapped, or {@code view} fails to
     */
    private static <R> R readOnly(Domain domain, String topic, ReadOnlyView<R> view) throws IOException {
        Path path = domain.topicPath(topic);
        Native.CheckedFile opened;
        try {
            opened = Native.openChecked(path, Native.O_RDONLY, Native.Creation.EXISTING);
        } catch (IOException e) {
            return null; // no such topic (or one this process cannot open)
        }
        try (Arena arena = Arena.ofConfined()) {
            long size = opened.size();
            if (size < FILE_LENGTH) {
                return null; // being created
            }
            MemorySegment memory = Native.map(opened.fd(), FILE_LENGTH, false, arena);
            if ((long) LONG.getAcquire(memory, (long) MAGIC_OFFSET) == 0) {
                return null; // being created
            }
            TopicInfo info = readType(topic, memory, validate(memory, path.toString(), size));
            return view.read(opened.fd(), memory, info, arena);
        } finally {
            Native.close(opened.fd());
        }
    }

    /**
     * A topic's type and the rows in use, read from its file without joining it (read-only, no lock taken): each
     * row's owner probed for liveness, each live publisher's count read from its current segment file. {@code null}
     * when the topic has no file or its creator has not finished writing it.
     *
     * <p>The rows are read without the admin lock, so a row being claimed or cleared meanwhile may be seen half
     * written: its state is read with acquire first and the row skipped unless active, and the owner's name, pid and
     * settings are informative only (nothing is decided on them).
     *
     * @throws CorruptDataException when the file is damaged, or not a file of ours
     */
    static io.sluice.TopicStatus survey(Domain domain, String topic) {
        try {
            return readOnly(domain, topic, (fd, memory, info, arena) -> rows(domain, fd, memory, info, arena));
        } catch (IOException e) {
            // the file is there but cannot be mapped or probed: say so, rather than pretend the topic is absent
            throw new SluiceException("cannot read topic " + topic + " (" + domain.topicPath(topic) + "): "
                + e.getMessage(), e);
        }
    }

    /** The rows in use of a topic file mapped read-only ({@link #survey}), each owner probed through {@code fd}. */
    private static io.sluice.TopicStatus rows(Domain domain, int fd, MemorySegment memory, TopicInfo info,
                                              Arena arena) throws IOException {
        String topic = info.topic();
        Native.ProbeBuffers probe = new Native.ProbeBuffers(arena);
        java.util.List<io.sluice.TopicStatus.PublisherStatus> publishers = new java.util.ArrayList<>();
        for (int row = 0; row < MAX_PUBLISHERS; row++) {
            long base = PUBLISHER_ROWS_OFFSET + (long) row * PUBLISHER_ROW_LENGTH;
            if ((int) INT.getAcquire(memory, base + P_STATE) != STATE_ACTIVE) {
                continue;
            }
            int generation = (int) INT.getAcquire(memory, base + P_GENERATION);
            int incarnation = (int) INT.getAcquire(memory, base + P_INCARNATION);
            boolean alive = Native.isLocked(fd, PUBLISHER_LOCK_BASE + row, probe);
            long published = -1;
            SegmentMapping.Owner owner = SegmentMapping.readOwner(
                domain.segmentPath(Domain.base(topic), generation));
            if (owner != null && owner.valid() && owner.publisherIndex() == row
                && owner.incarnation() == incarnation) {
                published = owner.knownEnd();
            }
            publishers.add(new io.sluice.TopicStatus.PublisherStatus(row, rowName(memory, base + P_NAME),
                memory.get(JAVA_INT, base + P_PID), alive, (int) INT.getAcquire(memory, base + P_HISTORY),
                generation, published));
        }
        java.util.List<io.sluice.TopicStatus.SubscriberStatus> subscribers = new java.util.ArrayList<>();
        io.sluice.Qos.Kind[] kinds = io.sluice.Qos.Kind.values();
        for (int row = 0; row < MAX_SUBSCRIBERS; row++) {
            long base = SUBSCRIBER_ROWS_OFFSET + (long) row * SUBSCRIBER_ROW_LENGTH;
            if ((int) INT.getAcquire(memory, base + S_STATE) != STATE_ACTIVE) {
                continue;
            }
            int qos = (int) INT.getVolatile(memory, base + S_QOS);
            subscribers.add(new io.sluice.TopicStatus.SubscriberStatus(rowName(memory, base + S_NAME),
                memory.get(JAVA_INT, base + S_PID), Native.isLocked(fd, SUBSCRIBER_LOCK_BASE + row, probe),
                qos >= 1 && qos <= kinds.length ? kinds[qos - 1] : null,
                (int) INT.getVolatile(memory, base + S_DEPTH)));
        }
        return new io.sluice.TopicStatus(info, publishers, subscribers);
    }

    /** A participant name of a row: UTF-8 up to the first zero byte, at most {@code NAME_CAPACITY - 1} bytes. */
    private static String rowName(MemorySegment memory, long offset) {
        byte[] bytes = new byte[NAME_CAPACITY - 1];
        MemorySegment.copy(memory, JAVA_BYTE, offset, bytes, 0, bytes.length);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Refuses a type whose name, schema or hash does not fit the topic file's header. */
    private static void checkFits(String typeName, int nameBytes, int schemaBytes, int hashBytes) {
        if (nameBytes > TYPE_NAME_CAPACITY - 1 || schemaBytes > SCHEMA_CAPACITY || hashBytes > TYPE_HASH_CAPACITY - 1) {
            throw new IllegalArgumentException("type too large for a topic file: type=" + typeName + ", nameBytes="
                + nameBytes + " (at most " + (TYPE_NAME_CAPACITY - 1) + "), schemaBytes=" + schemaBytes + " (at most "
                + SCHEMA_CAPACITY + "), hashBytes=" + hashBytes + " (at most " + (TYPE_HASH_CAPACITY - 1) + ")");
        }
    }

    /** {@link #checkFits} before anything is made: a refused type leaves no topic file behind. */
    private static void checkFits(MessageType<?> type) {
        checkFits(type.name(), type.name().getBytes(StandardCharsets.UTF_8).length,
            type.schema().getBytes(StandardCharsets.UTF_8).length, type.hash().getBytes(StandardCharsets.UTF_8).length);
    }

    /** Writes the header of a new topic file for {@code type}; returns the lengths it wrote. */
    private static TypeLengths initialize(MemorySegment memory, MessageType<?> type) {
        byte[] name = type.name().getBytes(StandardCharsets.UTF_8);
        byte[] schema = type.schema().getBytes(StandardCharsets.UTF_8);
        byte[] hash = type.hash().getBytes(StandardCharsets.UTF_8);
        checkFits(type.name(), name.length, schema.length, hash.length);
        memory.fill((byte) 0);
        memory.set(JAVA_INT, VERSION_OFFSET, VERSION);
        memory.set(JAVA_LONG, FILE_LENGTH_OFFSET, FILE_LENGTH);
        memory.set(JAVA_INT, MAX_PUBLISHERS_OFFSET, MAX_PUBLISHERS);
        memory.set(JAVA_INT, MAX_SUBSCRIBERS_OFFSET, MAX_SUBSCRIBERS);
        memory.set(JAVA_INT, MAX_HELD_OFFSET, MAX_HELD);
        memory.set(JAVA_INT, NEXT_GENERATION_OFFSET, 1);
        memory.set(JAVA_INT, TYPE_NAME_LENGTH_OFFSET, name.length);
        memory.set(JAVA_INT, SCHEMA_LENGTH_OFFSET, schema.length);
        memory.set(JAVA_INT, HASH_LENGTH_OFFSET, hash.length);
        MemorySegment.copy(name, 0, memory, JAVA_BYTE, TYPE_NAME_OFFSET, name.length);
        MemorySegment.copy(schema, 0, memory, JAVA_BYTE, SCHEMA_OFFSET, schema.length);
        MemorySegment.copy(hash, 0, memory, JAVA_BYTE, TYPE_HASH_OFFSET, hash.length);
        LONG.setRelease(memory, (long) MAGIC_OFFSET, MAGIC); // the header is complete once the magic is there
        return new TypeLengths(name.length, schema.length, hash.length);
    }

    /**
     * Checks a topic file's header, reading each field once; messages read {@code name=value}. Returns the lengths
     * of the type's strings it validated: read the strings with these, not with lengths read again.
     */
    static TypeLengths validate(MemorySegment memory, String file, long size) {
        long magic = memory.get(JAVA_LONG, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptDataException("topic file has a wrong magic: file=" + file + ", magic=0x"
                + Long.toHexString(magic));
        }
        int version = memory.get(JAVA_INT, VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptDataException("topic file has an unsupported version: file=" + file + ", version="
                + version + ", supported=" + VERSION);
        }
        long length = memory.get(JAVA_LONG, FILE_LENGTH_OFFSET);
        if (length != FILE_LENGTH || size < length) {
            throw new CorruptDataException("topic file has a wrong length: file=" + file + ", fileLength=" + length
                + ", size=" + size + ", expected=" + FILE_LENGTH);
        }
        checkEquals(file, "maxPublishers", memory.get(JAVA_INT, MAX_PUBLISHERS_OFFSET), MAX_PUBLISHERS);
        checkEquals(file, "maxSubscribers", memory.get(JAVA_INT, MAX_SUBSCRIBERS_OFFSET), MAX_SUBSCRIBERS);
        checkEquals(file, "maxHeld", memory.get(JAVA_INT, MAX_HELD_OFFSET), MAX_HELD);
        // REGISTRY_VERSION takes every value but 0 in its life (it wraps through the negatives): nothing to check
        return new TypeLengths(
            checkRange(file, "typeNameLength", memory.get(JAVA_INT, TYPE_NAME_LENGTH_OFFSET), TYPE_NAME_CAPACITY - 1),
            checkRange(file, "schemaLength", memory.get(JAVA_INT, SCHEMA_LENGTH_OFFSET), SCHEMA_CAPACITY),
            checkRange(file, "hashLength", memory.get(JAVA_INT, HASH_LENGTH_OFFSET), TYPE_HASH_CAPACITY - 1));
    }

    private static void checkEquals(String file, String field, int value, int expected) {
        if (value != expected) {
            throw new CorruptDataException("topic file " + field + " differs: file=" + file + ", " + field + "="
                + value + ", expected=" + expected);
        }
    }

    private static int checkRange(String file, String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new CorruptDataException("topic file " + field + " out of range [0, " + max + "]: file=" + file
                + ", " + field + "=" + value);
        }
        return value;
    }

    /** The type's strings, read with lengths {@link #validate} checked (or {@link #initialize} wrote). */
    private static TopicInfo readType(String topic, MemorySegment memory, TypeLengths lengths) {
        return new TopicInfo(topic, string(memory, TYPE_NAME_OFFSET, lengths.name()),
            string(memory, SCHEMA_OFFSET, lengths.schema()), string(memory, TYPE_HASH_OFFSET, lengths.hash()));
    }

    private static void checkType(String topic, TopicInfo found, MessageType<?> type) {
        if (!found.typeName().equals(type.name()) || !found.typeHash().equals(type.hash())) {
            throw new IncompatibleTypeException(topic, found.typeName(), found.typeHash(), type.name(), type.hash());
        }
    }

    private static String string(MemorySegment memory, long offset, int length) {
        byte[] bytes = memory.asSlice(offset, length).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- locks and registry

    /**
     * Takes the admin lock, waiting as {@link #lockWithin} says: at most {@link #ADMIN_LOCK_TIMEOUT_NANOS} for a
     * holder that is stopped (Ctrl-Z) or cannot be judged, at most {@link #RUNNING_HOLDER_LIMIT_NANOS} for a running
     * one.
     *
     * @throws io.sluice.TopicBusyException naming the holder's pid when it stays taken
     */
    void lockAdmin() {
        if (!lockAdminOrGiveUp()) {
            throw busy(topic, path, -1);
        }
    }

    /** {@link #lockAdmin()} that says false instead of throwing when the lock stays taken. */
    boolean lockAdminOrGiveUp() {
        try {
            if (!lockWithin(fd, ADMIN_LOCK_TIMEOUT_NANOS, RUNNING_HOLDER_LIMIT_NANOS)) {
                return false;
            }
        } catch (IOException e) {
            throw new SluiceException("cannot lock topic " + topic + ": " + e.getMessage(), e);
        }
        markHolder();
        return true;
    }

    boolean tryLockAdmin() {
        try {
            boolean locked = Native.tryLock(fd, ADMIN_LOCK);
            if (locked) {
                markHolder();
            }
            return locked;
        } catch (IOException e) {
            throw new SluiceException("cannot lock topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * How long a participant waits for a topic's admin lock, since it last changed hands, before it calls the topic
     * busy, when the holder is stopped or cannot be judged.
     */
    static final long ADMIN_LOCK_TIMEOUT_NANOS = 2_000_000_000L;

    /**
     * How long a participant waits, since the lock last changed hands, for a holder that is seen running: a cold JVM
     * among many on a loaded machine may hold it for seconds; none holds it this long without being stuck.
     */
    static final long RUNNING_HOLDER_LIMIT_NANOS = 30_000_000_000L;

    /**
     * Polls for the admin lock (an OFD lock has no timed wait), backing off from 20 µs to 1 ms. The wait is counted
     * from the last time the lock changed hands (ADMIN_EPOCH moved): many participants joining at once take it in
     * turn for as long as that takes. When one holder has kept it {@code timeoutNanos}, the waiter judges it by the
     * pid in ADMIN_HOLDER (see {@link #holderRuns}): a holder seen running is waited for until {@code runningNanos}
     * have passed since the last change of hands, judged again every {@code timeoutNanos}; a stopped one, or one that
     * cannot be judged (no pid, a pid of another pid namespace, gone), makes the topic busy (false). A file too short
     * to hold the header (being created) is waited for {@code timeoutNanos} in all.
     */
    static boolean lockWithin(int fd, long timeoutNanos, long runningNanos) throws IOException {
        if (Native.tryLock(fd, ADMIN_LOCK)) {
            return true;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = Native.fstat(fd).size() >= FILE_LENGTH ? Native.map(fd, 4096, false, arena) : null;
            int epoch = header == null ? 0 : (int) INT.getAcquire(header, (long) ADMIN_EPOCH_OFFSET);
            long changed = System.nanoTime();
            long deadline = changed + timeoutNanos;
            long park = 20_000;
            while (true) {
                java.util.concurrent.locks.LockSupport.parkNanos(park);
                if (Native.tryLock(fd, ADMIN_LOCK)) {
                    return true;
                }
                long now = System.nanoTime();
                int seen = header == null ? epoch : (int) INT.getAcquire(header, (long) ADMIN_EPOCH_OFFSET);
                if (seen != epoch) {
                    epoch = seen; // it changed hands: others get on, so do not give up yet
                    changed = now;
                    deadline = now + timeoutNanos;
                } else if (now - deadline >= 0) {
                    if (header == null || now - changed >= runningNanos
                        || !holderRuns(fd, (int) INT.getAcquire(header, (long) ADMIN_HOLDER_OFFSET))) {
                        return false;
                    }
                    deadline = now + Math.min(timeoutNanos, changed + runningNanos - now);
                }
                park = Math.min(park * 2, 1_000_000);
            }
        }
    }

    /**
     * Whether {@code pid} (ADMIN_HOLDER, written by another process: untrusted) names a process of this pid namespace
     * that runs and has this topic file open: {@code /proc/<pid>/stat} shows a state other than stopped (T), traced
     * (t), zombie or dead, and one of {@code /proc/<pid>/fd} is the file behind {@code fd}. A pid from another pid
     * namespace names another process or none, which almost never has this very file open; a process of another
     * user cannot be looked into. Both are false, and the waiter keeps the short timeout. (Should a foreign pid name
     * a local participant of the same topic, the wait is still bounded by the running limit.)
     */
    static boolean holderRuns(int fd, int pid) {
        if (pid <= 0) {
            return false;
        }
        if (!running(processState(pid))) {
            return false;
        }
        Path own = Path.of("/proc/self/fd/" + fd);
        try (var descriptors = java.nio.file.Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    if (java.nio.file.Files.isSameFile(own, descriptor)) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // closed meanwhile, or not a file that can be looked at: not this one
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Whether a state letter of {@code /proc/<pid>/stat} is a live process's that is not stopped or traced. */
    private static boolean running(char state) {
        return state != 0 && "TtZXx".indexOf(state) < 0;
    }

    /** The state letter in {@code /proc/<pid>/stat} (the field after the command's parenthesis), 0 if unknown. */
    static char processState(int pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The topic stays locked: names the holder and judges it as {@link #lockWithin} did, so that the message says how
     * long the wait was. Only a holder that runs and has this topic file open was waited for up to the running limit;
     * a pid that runs without the file open is no holder of ours (a pid of another pid namespace, or reused).
     */
    static io.sluice.TopicBusyException busy(String topic, Path path, int fdOrMinusOne) {
        int holder = -1;
        boolean holds = false;
        try (Arena arena = Arena.ofConfined()) {
            int fd = fdOrMinusOne >= 0 ? fdOrMinusOne
                : Native.openChecked(path, Native.O_RDONLY, Native.Creation.EXISTING).fd();
            try {
                if (Native.fstat(fd).size() >= FILE_LENGTH) {
                    holder = Native.map(fd, FILE_LENGTH, false, arena).get(JAVA_INT, ADMIN_HOLDER_OFFSET);
                    holds = holderRuns(fd, holder);
                }
            } finally {
                if (fdOrMinusOne < 0) {
                    Native.close(fd);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the message goes without the pid
        }
        char state = holder > 0 ? processState(holder) : 0;
        String judged = holder <= 0 ? "unknown"
            : state == 'T' || state == 't' ? "stopped (state " + state + "); is it suspended (Ctrl-Z)?"
            : holds ? "running (state " + state + ") but holding it all along"
            : running(state) ? "running (state " + state + ") without this topic open: a pid of another pid "
                + "namespace, or reused"
            : "not found: it may belong to another pid namespace, or be gone";
        return new io.sluice.TopicBusyException("topic " + topic + " stays locked by another participant: file="
            + path + ", holderPid=" + (holder > 0 ? holder : "unknown") + ", waited="
            + (holds ? RUNNING_HOLDER_LIMIT_NANOS : ADMIN_LOCK_TIMEOUT_NANOS) / 1_000_000
            + " ms since it last changed hands; holder " + judged);
    }

    /** Under the admin lock: the holder's pid in ADMIN_HOLDER, and ADMIN_EPOCH + 1 (see {@link #lockWithin}). */
    private static void markHolder(MemorySegment memory) {
        INT.setRelease(memory, (long) ADMIN_HOLDER_OFFSET, (int) ProcessHandle.current().pid());
        INT.setRelease(memory, (long) ADMIN_EPOCH_OFFSET, (int) INT.get(memory, (long) ADMIN_EPOCH_OFFSET) + 1);
    }

    private void markHolder() {
        markHolder(memory);
    }

    /** Under the admin lock: ADMIN_EPOCH + 1 only (the sweep, which never names itself the holder). */
    private void countTaking() {
        INT.setRelease(memory, (long) ADMIN_EPOCH_OFFSET, (int) INT.get(memory, (long) ADMIN_EPOCH_OFFSET) + 1);
    }

    /**
     * Reclaims dead rows unless somebody holds the admin lock right now (then they are doing it, or are stopped while
     * holding it); returns whether it looked.
     */
    boolean reclaimDeadIfAdminFree(int ownPublisher, int ownSubscriber) {
        if (!tryLockAdmin()) {
            return false;
        }
        try {
            reclaimDead(ownPublisher, ownSubscriber);
        } finally {
            unlockAdmin();
        }
        return true;
    }

    void unlockAdmin() {
        INT.setRelease(memory, (long) ADMIN_HOLDER_OFFSET, 0);
        try {
            Native.unlock(fd, ADMIN_LOCK);
        } catch (IOException e) {
            throw new SluiceException("cannot unlock topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Whether the owner of the row behind lock byte {@code lockByte} is alive. Never ask about a row of your own. */
    synchronized boolean isAlive(long lockByte) {
        if (probeBuffers == null) {
            probeBuffers = new Native.ProbeBuffers(arena);
        }
        try {
            return Native.isLocked(fd, lockByte, probeBuffers);
        } catch (IOException e) {
            throw new SluiceException("cannot probe liveness on topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Whether any subscriber may be asleep on NOTIFY: read after a full fence by a publisher that just committed. */
    boolean anySleeping() {
        return (long) LONG.getVolatile(memory, (long) SLEEPING_SUBSCRIBERS_OFFSET) != 0
            || (long) LONG.getVolatile(memory, (long) SLEEPING_SUBSCRIBERS_OFFSET + 8L) != 0;
    }

    /** Whether any subscriber wants its doorbell rung (a volatile read of the BELL bitmap). */
    boolean anyBelled() {
        return (long) LONG.getVolatile(memory, (long) BELL_SUBSCRIBERS_OFFSET) != 0
            || (long) LONG.getVolatile(memory, (long) BELL_SUBSCRIBERS_OFFSET + 8L) != 0;
    }

    /** One word of the BELL bitmap (rows 64 × word … 64 × word + 63), read volatile. */
    long belledWord(int word) {
        return (long) LONG.getVolatile(memory, (long) BELL_SUBSCRIBERS_OFFSET + 8L * word);
    }

    /** Takes a row's lock: succeeds only when its owner is dead or the row is free. */
    boolean tryLockRow(long lockByte) {
        try {
            return Native.tryLock(fd, lockByte);
        } catch (IOException e) {
            throw new SluiceException("cannot lock a row of topic " + topic + ": " + e.getMessage(), e);
        }
    }

    void unlockRow(long lockByte) {
        try {
            Native.unlock(fd, lockByte);
        } catch (IOException e) {
            throw new SluiceException("cannot unlock a row of topic " + topic + ": " + e.getMessage(), e);
        }
    }

    int registryVersion() {
        return (int) INT.getAcquire(memory, (long) REGISTRY_VERSION_OFFSET);
    }

    /** Under the admin lock: publishes a registry change and wakes every sleeping subscriber to look at it. */
    int bumpRegistry() {
        int version = nextRegistryVersion();
        INT.setRelease(memory, (long) REGISTRY_VERSION_OFFSET, version);
        wakeAll();
        return version;
    }

    /**
     * Under the admin lock: the REGISTRY_VERSION the next bump writes, which is also the incarnation of a participant
     * that joins now. It counts on through the negative numbers and skips only 0 (a row's "never"), so that "joined
     * before" — a signed difference of two versions — stays right across the wrap for as long as no two live
     * participants joined 2^31 registry changes apart.
     */
    int nextRegistryVersion() {
        return successor((int) INT.get(memory, (long) REGISTRY_VERSION_OFFSET));
    }

    /** The counter after {@code value} in the topic's wrapping counters (registry version, generation): never 0. */
    static int successor(int value) {
        int next = value + 1;
        return next == 0 ? 1 : next;
    }

    /**
     * Whether generation {@code a} comes after {@code b}: a signed difference, like every comparison of the topic's
     * wrapping counters, right while the two are less than 2^31 generations apart.
     */
    static boolean generationAfter(int a, int b) {
        return a - b > 0;
    }

    /** NOTIFY, read volatile: a sleeper reads it before it announces itself and looks for work. */
    int notifyVolatile() {
        return (int) INT.getVolatile(memory, (long) NOTIFY_OFFSET);
    }

    void wakeAll() {
        INT.getAndAdd(memory, (long) NOTIFY_OFFSET, 1);
        Native.futexWakeAll(notifyWord);
    }

    /** Under the admin lock: the next segment generation of the topic. */
    int nextGeneration() {
        int generation = memory.get(JAVA_INT, NEXT_GENERATION_OFFSET);
        if (generation == 0) {
            throw new CorruptDataException("topic nextGeneration is 0, which no generation has: file=" + path
                + ", nextGeneration=" + generation);
        }
        memory.set(JAVA_INT, NEXT_GENERATION_OFFSET, successor(generation));
        return generation;
    }

    /**
     * The first subscriber row at or after {@code from} whose bit is set in the bitmap at {@code bitmapOffset}
     * ({@link TopicLayout#ACTIVE_SUBSCRIBERS_OFFSET} or {@link TopicLayout#RELIABLE_SUBSCRIBERS_OFFSET}), or -1.
     */
    int nextSubscriber(int bitmapOffset, int from) {
        for (int word = from >>> 6; word < MAX_SUBSCRIBERS / 64; word++) {
            long bits = (long) LONG.getVolatile(memory, (long) bitmapOffset + word * 8L);
            if (word == from >>> 6) {
                bits &= -1L << (from & 63);
            }
            if (bits != 0) {
                return word * 64 + Long.numberOfTrailingZeros(bits);
            }
        }
        return -1;
    }

    /** How many subscriber bits the bitmap at {@code bitmapOffset} has set (volatile reads). */
    int countSubscriberBits(int bitmapOffset) {
        int count = 0;
        for (int word = 0; word < MAX_SUBSCRIBERS / 64; word++) {
            count += Long.bitCount((long) LONG.getVolatile(memory, (long) bitmapOffset + word * 8L));
        }
        return count;
    }

    boolean isSubscriberBitSet(int offset, int row) {
        return ((long) LONG.getVolatile(memory, (long) offset + (row >>> 6) * 8L) & (1L << row)) != 0;
    }

    void setSubscriberBit(int offset, int row, boolean value) {
        long address = (long) offset + (row >>> 6) * 8L;
        if (value) {
            LONG.getAndBitwiseOr(memory, address, 1L << row);
        } else {
            LONG.getAndBitwiseAnd(memory, address, ~(1L << row));
        }
    }

    /**
     * Under the admin lock: clears the rows of dead participants, removing the segment files of each dead publisher.
     * {@code ownPublisher} and {@code ownSubscriber} (or -1) are skipped: a participant's own lock does not show
     * through its own descriptor. Returns how many rows it cleared.
     */
    int reclaimDead(int ownPublisher, int ownSubscriber) {
        int reclaimed = 0;
        long dead = 0; // a bit per dead publisher row whose lock we now hold
        for (PublisherRow publisher : publishers) {
            if (publisher.index != ownPublisher && publisher.activeVolatile() && tryLockRow(publisher.lockByte())) {
                if (FaultPoint.ENABLED) {
                    FaultPoint.RECLAIM_ROW_LOCKED.hit();
                }
                dead |= 1L << publisher.index;
            }
        }
        if (dead != 0) {
            // the files first, the rows after: a reclaimer that dies before it is done leaves the rows active and
            // dead (their locks go with it), so the next reclaimer does it all again; seals and charges are
            // idempotent (see Domain.removeUnownedSegments and chargeUnattached)
            domain.removeUnownedSegments(this, dead); // every generation of the dead, half-made ones included
            for (long rows = dead; rows != 0; rows &= rows - 1) {
                PublisherRow publisher = publishers[Long.numberOfTrailingZeros(rows)];
                publisher.clear();
                unlockRow(publisher.lockByte());
                reclaimed++;
            }
        }
        for (SubscriberRow subscriber : subscribers) {
            if (subscriber.index == ownSubscriber || !subscriber.activeVolatile()) {
                continue;
            }
            long lock = subscriber.lockByte();
            if (tryLockRow(lock)) {
                int bellPid = subscriber.bitVolatile(BELL_SUBSCRIBERS_OFFSET) ? subscriber.bellPidAcquire() : 0;
                subscriber.clear();
                if (bellPid > 0) {
                    domain.removeDeadBells(bellPid); // its executor's doorbells died with it
                }
                unlockRow(lock);
                reclaimed++;
            }
        }
        if (reclaimed > 0) {
            bumpRegistry();
        }
        return reclaimed;
    }

    /**
     * Under the admin lock, when the files of a publisher incarnation are removed: every in-order subscriber that
     * was there before it and never attached to it could not read its {@code published} samples; they are charged
     * to its LOST_ELSEWHERE, so the loss is counted, not silent. Subscribers that attached drain their mapping or
     * learn the end from the sealed generations; subscribers attach only under the admin lock, so a subscriber is
     * either attached or charged, never both.
     *
     * <p>Exactly once, whoever dies where. A charge is three steps on the subscriber's cursor entry for the publisher:
     * a <em>journal</em> — CURSOR = ~L (negative: "charging"), where L is LOST_ELSEWHERE before the add, with the
     * incarnation — then the add to LOST_ELSEWHERE, then the entry settled (CURSOR = published, as if it had attached
     * and read to the end). A second charge of the same incarnation (the closer died before removing the files and a
     * reclaimer charges again, or a reclaimer died and the next one redoes its work) finds a settled entry and does
     * nothing, or finds the journal: LOST_ELSEWHERE still equal to L means the add did not happen and it adds;
     * anything else means it did. Only chargers change LOST_ELSEWHERE, all under the admin lock, so the comparison
     * cannot be fooled by another writer.
     */
    void chargeUnattached(int publisherIndex, int incarnation, long published) {
        if (published <= 0) {
            return;
        }
        for (int subscriber = nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            SubscriberRow row = subscribers[subscriber];
            if (!row.inOrderVolatile()) {
                continue;
            }
            if (attached(subscriber, publisherIndex, incarnation)) {
                long cursor = row.cursorAcquire(publisherIndex);
                if (cursor < 0) { // a charger died between its journal and the settled entry: finish its charge
                    if (row.lostElsewhereVolatile() == ~cursor) {
                        row.lostElsewhereAdd(published);
                    }
                    row.cursorEntryVolatile(publisherIndex, published, 0, incarnation);
                }
                continue;
            }
            if (joinedBefore(subscriber, incarnation)) {
                row.cursorEntryVolatile(publisherIndex, ~row.lostElsewhereVolatile(), 0, incarnation);
                row.lostElsewhereAdd(published);
                if (FaultPoint.ENABLED) {
                    FaultPoint.CHARGE_ADDED.hit();
                }
                row.cursorEntryVolatile(publisherIndex, published, 0, incarnation);
            }
        }
    }

    /** Whether a subscriber's cursor for publisher row {@code publisherIndex} refers to that incarnation. */
    boolean attached(int subscriber, int publisherIndex, int incarnation) {
        return subscribers[subscriber].cursorIncarnationAcquire(publisherIndex) == incarnation;
    }

    /** Whether a subscriber joined before the publisher incarnation, and so is owed all it publishes. */
    boolean joinedBefore(int subscriber, int incarnation) {
        int joined = subscribers[subscriber].incarnationVolatile();
        return joined != 0 && joined - incarnation < 0;
    }

    /** The newest generation of publisher row {@code publisherIndex} the subscriber has mapped (see CURSOR_GENERATION). */
    int mappedGeneration(int subscriber, int publisherIndex) {
        return subscribers[subscriber].cursorGenerationAcquire(publisherIndex);
    }

    /**
     * Where a subscriber stands on a publisher incarnation: its cursor once attached; {@code firstSequence} when it
     * was there first but has not attached yet; Long.MAX_VALUE when it joined later and has not attached (it will
     * start from the publisher's history, so it holds nothing back).
     */
    long position(int subscriber, int publisherIndex, int incarnation, long firstSequence) {
        if (attached(subscriber, publisherIndex, incarnation)) {
            return subscribers[subscriber].cursorAcquire(publisherIndex);
        }
        return joinedBefore(subscriber, incarnation) ? firstSequence : Long.MAX_VALUE;
    }

    /** Without the admin lock: the live subscribers (active rows whose lock is held). */
    int countLiveSubscribers() {
        int count = 0;
        for (int subscriber = nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, 0); subscriber >= 0;
             subscriber = nextSubscriber(ACTIVE_SUBSCRIBERS_OFFSET, subscriber + 1)) {
            if (isAlive(SUBSCRIBER_LOCK_BASE + subscriber)) {
                count++;
            }
        }
        return count;
    }

    /** Without the admin lock: the live publishers (active rows whose lock is held). */
    int countLivePublishers() {
        int count = 0;
        for (PublisherRow publisher : publishers) {
            if (publisher.activeVolatile() && isAlive(publisher.lockByte())) {
                count++;
            }
        }
        return count;
    }

    /** Under the admin lock: whether any participant other than the caller's own rows is alive. */
    boolean anyOtherAlive(int ownPublisher, int ownSubscriber) {
        for (PublisherRow publisher : publishers) {
            if (publisher.index != ownPublisher && publisher.activeVolatile() && isAlive(publisher.lockByte())) {
                return true;
            }
        }
        for (SubscriberRow subscriber : subscribers) {
            if (subscriber.index != ownSubscriber && subscriber.activeVolatile() && isAlive(subscriber.lockByte())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Under the admin lock, a join that failed ({@code failure}) after its row was freed again: removes the topic's
     * files when nobody else is alive on it (the joiner made the topic, or the others left), lets the lock go and
     * closes; whatever fails meanwhile is added to {@code failure}, which the caller throws.
     */
    void abandonJoin(Throwable failure) {
        try {
            if (!anyOtherAlive(-1, -1)) {
                removeTopicFiles();
            }
        } catch (RuntimeException | Error cleanup) {
            failure.addSuppressed(cleanup);
        }
        try {
            unlockAdmin();
        } catch (RuntimeException | Error cleanup) {
            failure.addSuppressed(cleanup);
        } finally {
            close(); // also drops the admin lock, should the unlock have failed
        }
    }

    /** Under the admin lock: removes the topic file and every segment file of the topic. */
    void removeTopicFiles() {
        domain.removeSegments(topicBase());
        domain.unlinkQuietly(path);
    }

    String topicBase() {
        String name = path.getFileName().toString();
        return name.substring(0, name.length() - Domain.TOPIC_SUFFIX.length());
    }

    void writeName(long offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, NAME_CAPACITY - 1);
        memory.asSlice(offset, NAME_CAPACITY).fill((byte) 0);
        MemorySegment.copy(bytes, 0, memory, JAVA_BYTE, offset, length);
    }

    MemorySegment notifyWord() {
        return notifyWord;
    }

    /** Drops the mapping and the descriptor, and with it every lock this participant held. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
            Native.close(fd);
        }
    }
}
