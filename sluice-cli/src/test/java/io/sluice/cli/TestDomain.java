package io.sluice.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A shared-memory root of one test, {@code /dev/shm/sluice-test-<pid>-<label>-<n>} (named so that
 * {@code tools/clean-test-shm} removes it should the test JVM be killed), deleted with all it holds on
 * {@link #close()}.
 */
public final class ShmRoot implements AutoCloseable {
    private final Path path;

    private ShmRoot(Path path) {
        this.path = path;
    }

    /** Creates a new root for the test labelled {@code label}. */
    public static ShmRoot create(String label) {
        try {
            return new ShmRoot(Files.createDirectory(Path.of("/dev/shm", "sluice-test-" + ProcessHandle.current().pid()
                + "-" + label + "-" + System.nanoTime())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
