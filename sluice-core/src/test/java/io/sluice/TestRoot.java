package io.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A private shared-memory root for one test, {@code /dev/shm/sluice-test-<pid>-*} ({@link TestShm}), removed with
 * everything below it by {@link #close()}, which fails the test when something cannot be removed.
 */
public final class TestRoot implements AutoCloseable {
    private final Path path;

    public TestRoot() {
        path = TestShm.createRoot();
    }

    public Path path() {
        return path;
    }

    public SluiceOptions options() {
        return SluiceOptions.defaults().withRoot(path).withDomain(0);
    }

    /** Names of the files in the Sluice domain directory below this root (empty when it does not exist). */
    public java.util.List<String> domainFiles() {
        try (Stream<Path> dirs = Files.list(path)) {
            return dirs.flatMap(dir -> {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(file -> file.getFileName().toString()).toList().stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process's mappings and open descriptors of files under the root (from {@code /proc/self}). */
    public long heldUnderRoot() throws IOException {
        String under = path.toString();
        long held;
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            held = lines.filter(line -> line.contains(under)).count();
        }
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    if (Files.readSymbolicLink(descriptor).toString().startsWith(under)) {
                        held++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since
                }
            }
        }
        return held;
    }

    /**
     * Deletes the root and everything below it; fails naming whatever could not be deleted, and when this process
     * still maps or holds open a file under it (whoever used the root left a mapping or a descriptor behind).
     */
    @Override
    public void close() {
        long held;
        try {
            held = heldUnderRoot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestShm.deleteTree(path);
        if (held != 0) {
            throw new AssertionError(held + " mappings or descriptors of files under " + path
                + " are still held after its users closed: a leak");
        }
    }
}
