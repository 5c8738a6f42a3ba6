package io.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the test suite puts in {@code /dev/shm}, named so that it can be found again: every entry is
 * {@code sluice-test-<pid>-...}, {@code <pid>} being the test JVM that made it. While that JVM lives its entries are
 * its own; once it is gone (killed midway, a forked-process timeout) {@code tools/clean-test-shm} removes them, which
 * {@code ./sluice test} runs before and after the tests. Entries without a pid are not the suite's to judge.
 *
 * <p>A directory whose name Sluice chooses (a domain directory below the default root, {@code sluice-<uid>-<domain>})
 * is covered by a <em>lease</em>, an empty file {@code sluice-test-<pid>-lease-<name>} made before the directory
 * is: the cleaner removes both.
 */
public final class TestShm {
    /** Where the suite's entries live. */
    public static final Path SHM = Path.of("/dev/shm");
    /**
     * Where test roots are made: {@code /dev/shm}, or the directory {@code -Dsluice.test.shm} names (a mutation run
     * gives its tests a size-limited tmpfs there, so that a mutant that grows segments without end fills that, not
     * the machine's memory).
     */
    private static final Path ROOTS = Path.of(System.getProperty("sluice.test.shm", SHM.toString()));
    /** The prefix of every entry of this JVM. */
    public static final String PREFIX = "sluice-test-" + ProcessHandle.current().pid() + "-";

    private TestShm() {
    }

    /** A new, empty directory {@code /dev/shm/sluice-test-<pid>-<random>} (or under {@code -Dsluice.test.shm}). */
    public static Path createRoot() {
        try {
            return Files.createTempDirectory(ROOTS, PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Leases {@code /dev/shm/<name>} for this JVM before anything makes it, so that it is removed with the JVM's
     * other entries if the JVM dies; {@link #release} removes it and the lease.
     */
    public static Path lease(String name) {
        if (!name.startsWith("sluice-") || name.contains("/")) {
            throw new IllegalArgumentException("not a Sluice name in /dev/shm: " + name);
        }
        try {
            return Files.createFile(SHM.resolve(PREFIX + "lease-" + name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lease /dev/shm/" + name, e);
        }
    }

    /** Deletes what {@code lease} stands for, then the lease; fails naming what could not be deleted. */
    public static void release(Path lease) {
        String name = lease.getFileName().toString();
        if (!name.startsWith(PREFIX + "lease-")) {
            throw new IllegalArgumentException("not a lease of this JVM: " + lease);
        }
        deleteTree(SHM.resolve(name.substring((PREFIX + "lease-").length())));
        deleteTree(lease);
    }

    /**
     * Deletes {@code root} and everything below it (not following links). Tries every entry, then fails with an
     * AssertionError naming each one it could not delete: a test must not leave files behind unnoticed.
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new AssertionError("cannot walk " + root + " to delete it: " + e, e);
        }
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (NoSuchFileException gone) {
                // removed meanwhile
            } catch (IOException e) {
                failures.add(path + " (" + e + ")");
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("cannot delete what the test left in " + root + ": " + failures);
        }
    }
}
