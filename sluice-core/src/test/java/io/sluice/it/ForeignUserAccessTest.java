package io.sluice.it;

import io.sluice.Await;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import io.sluice.exec.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Invariant 5: a user's segments are private. The domain directory is 0700 and its files (topics, segments,
 * doorbells) 0600, also when they were there before with looser modes: checked always, as any user. And, where the
 * test can switch users (as root, with {@code setpriv}), a process of another user (uid/gid 65534) can neither list
 * the directory nor open the topic or segment files — not even when the directory is made traversable — nor reach
 * them through Sluice.
 */
class ForeignUserAccessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final int NOBODY = 65534;

    private ShmRoot root;
    private ChildJvm.Group children;
    private Sluice sluice;
    private Path classes;

    @BeforeEach
    void setUp() {
        root = ShmRoot.create();
        children = new ChildJvm.Group();
    }

    @AfterEach
    void tearDown() throws IOException {
        children.close();
        if (sluice != null) {
            sluice.close();
        }
        root.close();
        if (classes != null) {
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepTheDomainDirectoryAndEveryFileInItPrivate() throws Exception {
        // the root is world-writable like /dev/shm itself: only Sluice's own permissions protect the files
        Files.setPosixFilePermissions(root.path(), PosixFilePermissions.fromString("rwxrwxrwx"));
        sluice = Sluice.open("owner", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/secret", TYPE);
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/secret", TYPE, Qos.queue(4));
        try (Executor executor = Executor.eventLoop()) {
            CountDownLatch received = new CountDownLatch(1);
            executor.subscription(subscriber, sample -> received.countDown());
            executor.start();
            SubscriberCrashTest.publish(publisher, 0, 1000);
            assertTrue(received.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "the loop took the sample");
            String bell = "bells-" + ProcessHandle.current().pid() + ".bell";
            assertEquals(List.of(bell, "secret.1.seg", "secret.topic"), root.domainFiles());
            assertPrivate(root.domainDirectory(), List.of(bell, "secret.1.seg", "secret.topic"));
        }
    }

    /** Files and a directory left with loose modes (by an older version, a careless tool) are made private again. */
    @Test
    @Timeout(60)
    void shouldMakeLooseDirectoryAndBellFilePrivateWhenReusingThem() throws Exception {
        Path directory = Files.createDirectory(root.domainDirectory());
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        sluice = Sluice.open("owner", root.options());
        // a bell file of this pid can only be a dead process's that had the pid before; one that appears after the
        // open's sweep is reused by the first event loop
        String bell = "bells-" + ProcessHandle.current().pid() + ".bell";
        Files.createFile(directory.resolve(bell));
        Files.setPosixFilePermissions(directory.resolve(bell), PosixFilePermissions.fromString("rw-rw-rw-"));
        Publisher<MemorySegment> publisher = sluice.publisher("/secret", TYPE);
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/secret", TYPE, Qos.queue(4));
        try (Executor executor = Executor.eventLoop()) {
            CountDownLatch received = new CountDownLatch(1);
            executor.subscription(subscriber, sample -> received.countDown());
            executor.start();
            SubscriberCrashTest.publish(publisher, 0, 1000);
            assertTrue(received.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "the loop took the sample");
            assertEquals(List.of(bell, "secret.1.seg", "secret.topic"), root.domainFiles());
            assertPrivate(directory, List.of(bell, "secret.1.seg", "secret.topic"));
        }
    }

    /**
     * Invariant 5, "every file Sluice opens is checked (regular, owned by the user, mode, size) before it is trusted":
     * a topic file whose mode was loosened (by a careless tool) while its publisher lives is made private again, or
     * refused naming the file, by the next participant that opens it.
     */
    @Test
    @Timeout(60)
    void shouldNotUseALoosenedTopicFileAsItIs() throws Exception {
        sluice = Sluice.open("owner", root.options());
        sluice.publisher("/secret", TYPE);
        Path topic = root.domainDirectory().resolve("secret.topic");
        Files.setPosixFilePermissions(topic, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Sluice joining = Sluice.open("joining", root.options())) {
            try {
                joining.subscriber("/secret", TYPE, Qos.queue(4));
            } catch (SluiceException refused) {
                assertTrue(refused.getMessage().contains(topic.toString()), refused.getMessage());
                return;
            }
            assertEquals("rw-------", permissions(topic), "the topic file " + topic + ", in use");
        }
    }

    /** The same for a segment file a subscriber maps. */
    @Test
    @Timeout(60)
    void shouldNotUseALoosenedSegmentFileAsItIs() throws Exception {
        sluice = Sluice.open("owner", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/secret", TYPE);
        SubscriberCrashTest.publish(publisher, 0, 1000);
        Path segment = root.domainDirectory().resolve("secret.1.seg");
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Sluice joining = Sluice.open("joining", root.options())) {
            try {
                Subscriber<MemorySegment> subscriber = joining.subscriber("/secret", TYPE, Qos.queue(4));
                subscriber.publisherCount(); // attached: the segment is mapped
                SubscriberCrashTest.publish(publisher, 1, 1000);
                subscriber.take();
            } catch (SluiceException refused) {
                assertTrue(refused.getMessage().contains(segment.toString()), refused.getMessage());
                return;
            }
            assertEquals("rw-------", permissions(segment), "the segment file " + segment + ", in use");
        }
    }

    private static void assertPrivate(Path directory, List<String> files) throws IOException {
        assertEquals("rwx------", permissions(directory), directory.toString());
        for (String file : files) {
            assertEquals("rw-------", permissions(directory.resolve(file)), file);
        }
    }

    @Test
    @Timeout(60)
    void shouldDenyAnotherUserTheOwnersTopicAndSegmentFiles() throws Exception {
        assumeForeignUserPossible();
        // the root is world-writable like /dev/shm itself: only Sluice's own permissions protect the files
        Files.setPosixFilePermissions(root.path(), PosixFilePermissions.fromString("rwxrwxrwx"));
        sluice = Sluice.open("owner", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/secret", TYPE);
        SubscriberCrashTest.publish(publisher, 0, 1000);
        Path directory = root.domainDirectory();
        Path topic = directory.resolve("secret.topic");
        Path segment = directory.resolve("secret.1.seg");
        assertEquals(List.of("secret.1.seg", "secret.topic"), root.domainFiles());

        ChildJvm intruder = startAsNobody();
        assertEquals("UID " + NOBODY, intruder.request("UID", "UID", CHILD_TIMEOUT));
        assertDenied(intruder.request("LIST " + directory, "", CHILD_TIMEOUT));
        assertDenied(intruder.request("READ " + topic, "", CHILD_TIMEOUT));
        assertDenied(intruder.request("WRITE " + topic, "", CHILD_TIMEOUT));
        assertDenied(intruder.request("READ " + segment, "", CHILD_TIMEOUT));
        assertDenied(intruder.request("WRITE " + segment, "", CHILD_TIMEOUT));

        // the files are private on their own too: with the directory opened for traversal they still refuse
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        try {
            assertDenied(intruder.request("READ " + topic, "", CHILD_TIMEOUT));
            assertDenied(intruder.request("WRITE " + topic, "", CHILD_TIMEOUT));
            assertDenied(intruder.request("READ " + segment, "", CHILD_TIMEOUT));
            assertDenied(intruder.request("WRITE " + segment, "", CHILD_TIMEOUT));
        } finally {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }

        // through Sluice, the other user lands in a domain directory of its own and sees none of the owner's topics
        String viaSluice = intruder.request("SLUICE " + root.path() + " /secret", "SLUICE", CHILD_TIMEOUT);
        assertEquals("SLUICE-OK dir=" + root.path().resolve("sluice-" + NOBODY + "-0") + " publishers=0", viaSluice);
        Subscriber<MemorySegment> own = sluice.subscriber("/secret", TYPE, Qos.latest());
        assertEquals(1, own.publisherCount(), "the owner's publisher is untouched");
        assertEquals(List.of("secret.1.seg", "secret.topic"), root.domainFiles());
    }

    @Test
    @Timeout(60)
    void shouldNamePermissionProblemWhenAnotherUserOpensTheOwnersDomain() throws Exception {
        assumeForeignUserPossible();
        Files.setPosixFilePermissions(root.path(), PosixFilePermissions.fromString("rwxrwxrwx"));
        sluice = Sluice.open("owner", root.options());
        sluice.publisher("/secret", TYPE);

        ChildJvm intruder = startAsNobody();
        // a root the other user cannot write into: the owner's domain directory itself
        String answer = intruder.request("SLUICE " + root.domainDirectory() + " /secret", "SLUICE", CHILD_TIMEOUT);
        assertTrue(answer.startsWith("SLUICE-FAILED io.sluice.SluiceException: "), answer);
        int cause = answer.indexOf(" | cause");
        String message = cause < 0 ? answer : answer.substring(0, cause);
        assertTrue(message.contains("Permission denied") || message.contains("AccessDenied"),
            "the exception's message should name the problem (permission denied), was: " + answer);
        assertEquals(List.of("secret.1.seg", "secret.topic"), root.domainFiles());
    }

    private static void assumeForeignUserPossible() {
        assumeTrue(ShmRoot.uid() == 0, "needs root to switch uid (setpriv --reuid)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs /usr/bin/setpriv");
    }

    private static void assertDenied(String line) {
        assertTrue(line.startsWith("DENIED "), "expected the other user to be denied: " + line);
        assertTrue(line.contains("AccessDeniedException"), line);
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** The probe as uid/gid 65534, from a world-readable copy of sluice-core's classes and the probe's class. */
    private ChildJvm startAsNobody() throws IOException, URISyntaxException {
        classes = Files.createTempDirectory(Path.of("/tmp"), "sluice-foreign-");
        Path main = Path.of(io.sluice.Sluice.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(ForeignUserProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        copyTree(main, classes);
        Path probe = Path.of(ForeignUserProbe.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(classes.resolve(probe).getParent());
        Files.copy(tests.resolve(probe), classes.resolve(probe), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.toList()) {
                Files.setPosixFilePermissions(file,
                    PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        List<String> setpriv = List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
            "--clear-groups", "--");
        ChildJvm child = children.start("nobody", setpriv, classes.toString(), classes, ForeignUserProbe.class,
            List.of());
        child.expect("STARTED", CHILD_TIMEOUT);
        return child;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
