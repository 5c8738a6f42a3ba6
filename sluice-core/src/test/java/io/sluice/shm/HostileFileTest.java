package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.TopicInfo;
import io.sluice.it.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertContains;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Invariants 4 and 5 for what lies in the domain directory: a file that is not a regular file of the user with mode
 * 0600 (a FIFO, a socket, a symlink, a directory, a file of mode 0644 or of another user) named like a topic,
 * segment or doorbell file never hangs a participant, is reported with a {@link CorruptDataException} naming it to
 * whoever uses it, is left in place by the sweep, and disturbs no other topic.
 *
 * <p>The timeouts run each test on a thread of its own, so that a participant stuck opening a FIFO fails the test
 * instead of hanging the build; {@link #cleanUp()} then opens every FIFO it planted, which releases such a thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFileTest {
    /** No process has this pid (above every pid_max), so its bell file is a dead process's to the sweep. */
    private static final int NO_SUCH_PID = Integer.MAX_VALUE - 7;

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

    @ParameterizedTest(name = "{0}")
    @EnumSource(Hostile.class)
    void shouldReportHostileBellFileAndLeaveItAlone(Hostile kind) throws Exception {
        Path directory = open("first").directory();
        Path own = Doorbell.path(directory, ProcessHandle.current().pid());
        Path dead = Doorbell.path(directory, NO_SUCH_PID);
        plant(kind, own, new byte[(int) Doorbell.FILE_LENGTH]);
        plant(kind, dead, new byte[(int) Doorbell.FILE_LENGTH]);

        Sluice joining = open("joining"); // its sweep looks at the bell files of dead processes
        Domain domain = Domain.open(root.path(), 0);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Doorbell.acquire(domain));
        assertContains(e.getMessage(), kind.named);
        assertContains(e.getMessage(), "file=" + own);
        try (BellRinger ringer = new BellRinger(directory)) {
            ringer.ring(NO_SUCH_PID, 0, 42); // not a bell file: not rung, and no exception
        }
        assertHealthyTopicWorks(joining);
        assertStillThere(kind, own);
        assertStillThere(kind, dead);
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
