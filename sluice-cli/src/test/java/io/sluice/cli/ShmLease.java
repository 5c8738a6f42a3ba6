package io.sluice.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A lease of a {@code /dev/shm} name that a command under test makes (a domain directory, a run directory), held by
 * this test JVM: the empty file {@code /dev/shm/sluice-test-<pid>-lease-<name>}, made before the command runs. Should
 * the JVM be killed midway, {@code tools/clean-test-shm} (which {@code ./sluice test} runs) removes both; that script
 * states the naming contract, which sluice-core's {@code TestShm} follows too. {@link #close()} removes both now.
 */
public final class ShmLease implements AutoCloseable {
    private static final Path SHM = Path.of("/dev/shm");

    private final Path target;
    private final Path lease;

    private ShmLease(Path target, Path lease) {
        this.target = target;
        this.lease = lease;
    }

    /** Leases {@code /dev/shm/<name>}; leasing a name this JVM holds already is harmless. */
    public static ShmLease of(String name) {
        if (!name.startsWith("sluice-") || name.contains("/")) {
            throw new IllegalArgumentException("not a Sluice name in /dev/shm: " + name);
        }
        Path lease = SHM.resolve("sluice-test-" + ProcessHandle.current().pid() + "-lease-" + name);
        try {
            Files.createFile(lease);
        } catch (FileAlreadyExistsException held) {
            // leased by this JVM already
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lease /dev/shm/" + name, e);
        }
        return new ShmLease(SHM.resolve(name), lease);
    }

    /** The domain directory {@code /dev/shm/sluice-<uid>-<domain>} of this user. */
    public static String domainDirectory(int domain) {
        try {
            return "sluice-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + "-" + domain;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes what the command left of the leased name (its own cleanup is checked apart), then the lease. */
    @Override
    public void close() {
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(target)) {
                    for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
            Files.deleteIfExists(lease);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + target + " or its lease", e);
        }
    }
}
