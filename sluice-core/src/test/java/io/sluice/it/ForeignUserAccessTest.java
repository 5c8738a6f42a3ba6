package io.sluice.it;

import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
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
import java.util.stream.Stream;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Invariant 5: a user's segments are private. The domain directory is 0700 and its files 0600, and a process of
 * another user (uid/gid 65534, started through {@code setpriv}) can neither list the directory nor open the topic
 * or segment files — not even when the directory is made traversable — nor reach them through Sluice.
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
        assertEquals("rwx------", permissions(directory));
        assertEquals("rw-------", permissions(topic));
        assertEquals("rw-------", permissions(segment));

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
