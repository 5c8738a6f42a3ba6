package io.sluice.shm;

import io.sluice.os.Native;
import io.sluice.os.Doorbell;
import io.sluice.os.BellRinger;
import io.sluice.CorruptDataException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.TopicInfo;
import io.sluice.it.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertContains;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Invariants 4 and 5 for what lies in the domain directory: a file that is not a regular file of the user with mode
 * 0600 (a FIFO, a socket, a symlink, a directory, a file of mode 0644 or of another user) named like a topic,
 * segment or doorbell file never hangs a participant, is reported with a {@link CorruptDataException} naming it to
 * whoever uses it, is left in place by the sweep, and disturbs no other topic. Header values are read once: a
 * segment file that claims a huge length, or a header another process rewrites while a participant reads it, gives a
 * clean result or a {@link CorruptDataException}, never an allocation of what the header claims.
 *
 * <p>The timeouts run each test on a thread of its own, so that a participant stuck opening a FIFO fails the test
 * instead of hanging the build; {@link #cleanUp()} then opens every FIFO it planted, which releases such a thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFileTest {
    /** No process has this pid (above every pid_max), so its bell file is a dead process's to the sweep. */
    private static final int NO_SUCH_PID = Integer.MAX_VALUE - 7;
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int ENOUGH_OF_EACH = 200;
    private static final int MAX_FLIP_ATTEMPTS = 20_000;

    private final TestRoot root = new TestRoot();
    private final List<Sluice> opened = new ArrayList<>();
    private final List<ServerSocketChannel> sockets = new ArrayList<>();
    private final List<Path> fifos = new ArrayList<>();

    /** What is planted in place of a file, and what the report about it says. */
    enum Hostile {
        FIFO("not a regular file", "type=fifo"),
        SOCKET("not a regular file", "type=socket"),
        SYMLINK("not a regular file", "type=symlink"),
        DIRECTORY("not a regular file", "type=directory"),
        MODE_0644("file mode is not 0600", "mode=0644"),
        /** Owned by uid 65534 (nobody): only root can give a file away, so the case runs only as root. */
        FOREIGN("file belongs to another user", "uid=65534");

        final String[] named;

        Hostile(String... named) {
            this.named = named;
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Path fifo : fifos) {
            if (Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
                new RandomAccessFile(fifo.toFile(), "rw").close(); // a writer: releases a reader stuck opening it
            }
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        for (ServerSocketChannel socket : sockets) {
            socket.close();
        }
        root.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Hostile.class)
    void shouldReportHostileTopicFileAndLeaveItAlone(Hostile kind) throws Exception {
        Path directory = open("first").directory();
        Path file = directory.resolve("hostile.topic");
        plant(kind, file, bytes(BadInputFiles.validTopicFile(TYPE)));
        Path segment = directory.resolve("hostile.1.seg"); // a segment of the hostile topic: left alone with it
        BadInputFiles.write(segment, ByteBuffer.allocate(SegmentLayout.RING_OFFSET));

        Sluice joining = open("joining"); // its sweep returns, and leaves the file alone
        CorruptDataException byInfo = assertThrows(CorruptDataException.class, () -> joining.topicInfo("/hostile"));
        CorruptDataException bySubscriber = assertThrows(CorruptDataException.class,
            () -> joining.subscriber("/hostile", TYPE, Qos.queue(4)));
        CorruptDataException byPublisher = assertThrows(CorruptDataException.class,
            () -> joining.publisher("/hostile", TYPE));
        for (CorruptDataException e : List.of(byInfo, bySubscriber, byPublisher)) {
            assertContains(e.getMessage(), kind.named);
            assertContains(e.getMessage(), "file=" + file);
        }
        assertHealthyTopicWorks(joining);
        open("again"); // another sweep
        assertStillThere(kind, file);
        assertTrue(Files.isRegularFile(segment, LinkOption.NOFOLLOW_LINKS), "the hostile topic's segment stays");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Hostile.class)
    void shouldReportHostileSegmentOfLiveTopicAndLeaveItAlone(Hostile kind) throws Exception {
        Sluice owner = open("owner");
        Publisher<MemorySegment> publisher = owner.publisher("/live", TYPE, PublisherOptions.defaults().withSlots(8));
        publish(publisher, 0);
        Path segment = owner.directory().resolve("live.1.seg");
        byte[] content = Files.readAllBytes(segment);
        Files.delete(segment); // the publisher keeps its mapping; the name is the hostile file's now
        plant(kind, segment, content);

        Sluice joining = open("joining"); // its sweep reads the headers of the live topic's segment files
        Subscriber<MemorySegment> subscriber = joining.subscriber("/live", TYPE, Qos.queue(4));
        CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take);
        assertContains(e.getMessage(), kind.named);
        assertContains(e.getMessage(), "file=" + segment);

        // a dead publisher's row makes publisherCount() look at every segment file of the topic, under its lock
        BadInputFiles.putInt(owner.directory().resolve("live.topic"),
            TopicLayout.publisherRow(5) + TopicLayout.P_STATE, TopicLayout.STATE_ACTIVE);
        assertEquals(1, subscriber.publisherCount());
        TopicInfo info = joining.topicInfo("/live").orElseThrow();
        assertEquals(TYPE.name(), info.typeName(), "the topic file itself is fine");
        publish(publisher, 1); // the publisher carries on
        assertHealthyTopicWorks(joining);
        open("again");
        assertStillThere(kind, segment);
    }

    /**
     * A hostile file under a dead process's bell name is reported to nobody and left alone; one under this process's
     * own bell name can only be a leftover of a dead process that had the pid before, so it is replaced by a new
     * private file (its name removed, never opened) — except a directory, which cannot be, and is reported.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Hostile.class)
    void shouldReplaceAHostileBellFileOfItsOwnPidAndLeaveOthersAlone(Hostile kind) throws Exception {
        Path directory = open("first").directory();
        Path own = Doorbell.path(directory, ProcessHandle.current().pid());
        Path dead = Doorbell.path(directory, NO_SUCH_PID);
        plant(kind, own, new byte[(int) Doorbell.FILE_LENGTH]);
        plant(kind, dead, new byte[(int) Doorbell.FILE_LENGTH]);

        Sluice joining = open("joining"); // its sweep looks at the bell files of dead processes
        Domain domain = Domain.open(root.path(), 0);
        if (kind == Hostile.DIRECTORY) {
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> Doorbell.acquire(domain.directory()));
            assertContains(e.getMessage(), kind.named);
            assertContains(e.getMessage(), "file=" + own);
            assertStillThere(kind, own);
        } else {
            try (Doorbell bell = Doorbell.acquire(domain.directory())) {
                Native.FileStatus status = Native.lstat(own);
                assertTrue(status.isRegularFile() && status.permissions() == 0600, "a new private bell file: "
                    + status);
                assertEquals(Native.geteuid(), status.uid());
            }
        }
        try (BellRinger ringer = new BellRinger(directory)) {
            ringer.ring(NO_SUCH_PID, 0, 42); // not a bell file: not rung, and no exception
        }
        assertHealthyTopicWorks(joining);
        assertStillThere(kind, dead);
    }

    /**
     * A sparse file claims a header that is consistent in itself, so its size covers what it claims: the file
     * system holding it is smaller than that, so no publisher can have made it (a publisher reserves every byte of
     * its segment), and it is reported rather than mapped.
     */
    @ParameterizedTest(name = "slotCount={0}, slotCapacity={1}")
    @CsvSource({"1, 1099511619520", "64, 1073741824"})
    void shouldRejectSparseSegmentClaimingMoreThanItsFileSystemHolds(int slotCount, long slotCapacity)
        throws Exception {
        long fileLength = SegmentLayout.fileLength(slotCount, slotCapacity);
        Sluice owner = open("owner");
        Path directory = owner.directory();
        long fileSystem = Files.getFileStore(directory).getTotalSpace();
        assumeTrue(fileSystem > 0 && fileSystem < fileLength, "the file system holding the domain is smaller than "
            + fileLength + " bytes: size=" + fileSystem);
        Publisher<MemorySegment> publisher = owner.publisher("/sparse", TYPE, PublisherOptions.defaults());
        publish(publisher, 0);
        Path segment = directory.resolve("sparse.1.seg");
        ByteBuffer header = ByteBuffer.wrap(Arrays.copyOf(Files.readAllBytes(segment), SegmentLayout.RING_OFFSET))
            .order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(SegmentLayout.SLOT_COUNT_OFFSET, slotCount);
        header.putInt(SegmentLayout.RING_CAPACITY_OFFSET, SegmentLayout.ringCapacity(slotCount));
        header.putLong(SegmentLayout.SLOT_CAPACITY_OFFSET, slotCapacity);
        header.putLong(SegmentLayout.SLOT_STRIDE_OFFSET, SegmentLayout.slotStride(slotCapacity));
        header.putLong(SegmentLayout.FILE_LENGTH_OFFSET, fileLength);
        Files.delete(segment);
        BadInputFiles.write(segment, header);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(1L << 40); // 1 TB, sparse: it costs nothing until written
        }

        Sluice reader = open("reader");
        Subscriber<MemorySegment> subscriber = reader.subscriber("/sparse", TYPE, Qos.queue(4));
        CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take);
        assertContains(e.getMessage(), "file=" + segment, "fileLength=" + fileLength);
        assertHealthyTopicWorks(reader);
    }

    /**
     * Another process rewrites SLOT_COUNT between a valid and a huge value while subscribers attach: each attach
     * sees one value, validated, and never sizes its arrays by a value it did not check.
     */
    @Test
    void shouldAttachCleanlyOrReportWhileSlotCountFlips() throws Exception {
        Sluice owner = open("owner");
        Publisher<MemorySegment> publisher = owner.publisher("/flip", TYPE, PublisherOptions.defaults().withSlots(8));
        publish(publisher, 0);
        Sluice reader = open("reader");
        Path segment = owner.directory().resolve("flip.1.seg");
        flipWhile(segment, SegmentLayout.SLOT_COUNT_OFFSET, 8, Integer.MAX_VALUE, () -> {
            Subscriber<MemorySegment> subscriber = reader.subscriber("/flip", TYPE, Qos.latest());
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertTrue(sample == null || Payload.verify(sample.segment(), sample.sequence()));
                return true;
            } catch (CorruptDataException e) {
                assertContains(e.getMessage(), "slotCount", "file=" + segment);
                return false;
            } finally {
                subscriber.close();
            }
        });
        assertHealthyTopicWorks(reader);
    }

    /** The same for the type name's length in a topic file, read by topicInfo() and by joining participants. */
    @Test
    void shouldDescribeCleanlyOrReportWhileTypeNameLengthFlips() throws Exception {
        Sluice owner = open("owner");
        owner.publisher("/described", TYPE);
        Sluice reader = open("reader");
        Path file = owner.directory().resolve("described.topic");
        int length = TYPE.name().length();
        int[] attempt = {0};
        flipWhile(file, TopicLayout.TYPE_NAME_LENGTH_OFFSET, length, -1, () -> {
            try {
                if (attempt[0]++ % 2 == 0) {
                    assertEquals(TYPE.name(), reader.topicInfo("/described").orElseThrow().typeName());
                } else {
                    reader.subscriber("/described", TYPE, Qos.latest()).close();
                }
                return true;
            } catch (CorruptDataException e) {
                assertContains(e.getMessage(), "typeNameLength", "file=" + file);
                return false;
            }
        });
        assertHealthyTopicWorks(reader);
    }

    /**
     * Runs {@code attempt} while a thread rewrites the int at {@code offset} of {@code file} between {@code valid}
     * and {@code invalid} through a mapping of its own, as another process could, and restores it after. The attempt
     * returns true for a clean result and false for a reported one; it runs until it has seen each often (so the
     * flips did land between its reads), or at most {@link #MAX_FLIP_ATTEMPTS} times on a machine too busy for that.
     */
    private static void flipWhile(Path file, long offset, int valid, int invalid, BooleanSupplier attempt)
        throws Exception {
        try (Arena arena = Arena.ofShared();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            AtomicBoolean running = new AtomicBoolean(true);
            Thread flipper = Thread.ofPlatform().daemon().name("flipper").start(() -> {
                while (running.get()) {
                    INT.setVolatile(header, offset, invalid);
                    INT.setVolatile(header, offset, valid);
                }
            });
            int clean = 0;
            int reported = 0;
            try {
                for (int i = 0; i < MAX_FLIP_ATTEMPTS && (clean < ENOUGH_OF_EACH || reported < ENOUGH_OF_EACH); i++) {
                    if (attempt.getAsBoolean()) {
                        clean++;
                    } else {
                        reported++;
                    }
                }
            } finally {
                running.set(false);
                flipper.join();
                INT.setVolatile(header, offset, valid);
            }
            System.out.printf("flipping %s at %d: %d clean, %d reported%n", file.getFileName(), offset, clean,
                reported);
        }
    }

    private Sluice open(String name) {
        Sluice sluice = Sluice.open(name, root.options());
        opened.add(sluice);
        return sluice;
    }

    private static void publish(Publisher<MemorySegment> publisher, long sequence) {
        try (var loan = publisher.loan(4096)) {
            Payload.fill(loan.segment(), sequence);
            loan.publish();
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.limit()];
        buffer.duplicate().position(0).get(bytes);
        return bytes;
    }

    /** Puts a file of {@code kind} at {@code path}; {@code content} is what a regular file or a link's target holds. */
    private void plant(Hostile kind, Path path, byte[] content) throws Exception {
        switch (kind) {
            case FIFO -> {
                Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).inheritIO().start();
                assertEquals(0, mkfifo.waitFor(), "mkfifo " + path);
                fifos.add(path);
            }
            case SOCKET -> {
                ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                sockets.add(socket);
                socket.bind(UnixDomainSocketAddress.of(path));
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            }
            case SYMLINK -> {
                Path target = root.path().resolve("target-" + path.getFileName());
                BadInputFiles.write(target, ByteBuffer.wrap(content)); // a perfectly good file, elsewhere
                Files.createSymbolicLink(path, target);
            }
            case DIRECTORY -> Files.createDirectory(path);
            case MODE_0644 -> {
                BadInputFiles.write(path, ByteBuffer.wrap(content));
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
            }
            case FOREIGN -> {
                assumeTrue(ownUid() == 0, "only root can give a file to another user");
                BadInputFiles.write(path, ByteBuffer.wrap(content));
                Files.setAttribute(path, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static void assertStillThere(Hostile kind, Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        boolean same = switch (kind) {
            case FIFO, SOCKET -> attributes.isOther();
            case SYMLINK -> attributes.isSymbolicLink();
            case DIRECTORY -> attributes.isDirectory();
            case MODE_0644 -> attributes.isRegularFile()
                && PosixFilePermissions.toString(Files.getPosixFilePermissions(path)).equals("rw-r--r--");
            case FOREIGN -> attributes.isRegularFile()
                && (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 65534;
        };
        assertTrue(same, "the hostile file is left as it was: " + kind + " " + path);
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
